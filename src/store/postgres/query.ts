import type pg from 'pg';

/** Runs one statement on the store's pool (retried while the connection is lost); `what` names it in logs. */
export type Query = <R extends pg.QueryResultRow = pg.QueryResultRow>(
  what: string,
  text: string,
  values?: unknown[],
) => Promise<pg.QueryResult<R>>;

/**
 * Runs `work` in one transaction, retried while the connection is lost, for a write whose answer a
 * second run could not give (a delete finds nothing the second time): the answer is stored with the
 * work, under a token made once per call, and a retry after a commit whose answer was lost reads it
 * back instead of running the work again. The answer must survive `JSON.stringify`.
 */
export type Once = <T>(what: string, work: (client: pg.PoolClient) => Promise<T>) => Promise<T>;

/** A `count(*)::int AS n` row. */
export interface Counted {
  readonly n: number;
}

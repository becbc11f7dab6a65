import type pg from 'pg';

/** Runs one statement on the store's pool (retried while the connection is lost); `what` names it in logs. */
export type Query = <R extends pg.QueryResultRow = pg.QueryResultRow>(
  what: string,
  text: string,
  values?: unknown[],
) => Promise<pg.QueryResult<R>>;

/** A `count(*)::int AS n` row. */
export interface Counted {
  readonly n: number;
}

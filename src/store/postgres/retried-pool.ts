import type pg from 'pg';
import type { Logger } from '../../log.js';
import { writeOnce } from './once.js';
import { type RetryPolicy, withRetry } from './retry.js';
import { inTransaction } from './transaction.js';

/**
 * The way the store and the wire store reach the database: a statement, a transaction, a write whose
 * answer is kept ({@link writeOnce}) or any other work, each retried while the connection is lost
 * (the waits of one {@link RetryPolicy}, logged under the call's name with `prefix` before it).
 */
export class RetriedPool {
  constructor(
    readonly pool: pg.Pool,
    private readonly retry: RetryPolicy,
    private readonly log: Logger,
    private readonly prefix = '',
  ) {}

  /**
   * `work`, again after each wait while it fails with a lost connection. A `work` that writes must
   * be idempotent (see {@link once} for one that is not).
   */
  run<T>(what: string, work: () => Promise<T>): Promise<T> {
    return withRetry(work, this.retry, this.log, `${this.prefix}${what}`);
  }

  /**
   * One statement. A prepared (named `briefcast.<what>`) statement is parsed and planned once per
   * connection: for the statements a fan-out runs hundreds of times a second.
   */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    what: string,
    text: string,
    values?: unknown[],
    options: { readonly prepared?: boolean } = {},
  ): Promise<pg.QueryResult<R>> {
    const query: pg.QueryConfig = {
      text,
      ...(values && { values }),
      ...(options.prepared && { name: `briefcast.${this.prefix}${what}` }),
    };
    return this.run(what, () => this.pool.query<R>(query));
  }

  /** `work` in one transaction on one connection, all of it retried while the connection is lost. */
  transaction<T>(what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.run(what, () => inTransaction(this.pool, work, this.#onLost));
  }

  /** `work` in one transaction whose answer a retry after a lost commit reads back ({@link writeOnce}). */
  once<T>(what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return writeOnce(this.pool, work, this.retry, this.log, `${this.prefix}${what}`, this.#onLost);
  }

  readonly #onLost = (e: Error): void =>
    this.log.warn({ err: { message: e.message } }, 'database connection lost');
}

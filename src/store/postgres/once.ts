import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../../log.js';
import { type RetryPolicy, withRetry } from './retry.js';
import { inTransaction } from './transaction.js';

/** How long a write's answer is kept for its retries (they come within about 30 s). */
const KEPT_FOR = "interval '1 hour'";
/** At most this many stale answers are trimmed by one write. */
const TRIM_MAX = 100;

/**
 * Runs `work` in one transaction, all of it retried while the connection is lost, so that a retry
 * after a commit whose answer was lost answers what the first run did (`Once` in `query.ts`).
 *
 * The call's token goes into `write_results` (006_idempotent_writes.sql) first, in the same
 * transaction as the work, and the answer beside it last. A retry's insert of the token meets the
 * primary key: if the first run committed, the insert fails (after waiting for that transaction, if
 * the server still runs it) and the answer stored is read back; if it did not, the insert goes
 * through and the work runs again. Each write also trims up to {@link TRIM_MAX} answers older than an
 * hour, skipping those another write is trimming.
 */
export async function writeOnce<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  retry: RetryPolicy,
  log: Logger,
  what: string,
  onLost: (error: Error) => void,
): Promise<T> {
  const token = randomUUID();
  return withRetry(
    async () => {
      try {
        return await inTransaction(
          pool,
          async (client) => {
            await client.query(
              `WITH stale AS (
                 DELETE FROM write_results WHERE token IN (
                   SELECT token FROM write_results WHERE written_at < now() - ${KEPT_FOR}
                   ORDER BY written_at LIMIT ${TRIM_MAX} FOR UPDATE SKIP LOCKED)
               )
               INSERT INTO write_results (token) VALUES ($1)`,
              [token],
            );
            const answer = await work(client);
            await client.query('UPDATE write_results SET result = $2 WHERE token = $1', [
              token,
              JSON.stringify({ answer }),
            ]);
            return answer;
          },
          onLost,
        );
      } catch (e) {
        if (!isTokenTaken(e)) throw e;
        const { rows } = await pool.query<{ result: { answer?: T } | null }>(
          'SELECT result FROM write_results WHERE token = $1',
          [token],
        );
        log.info({ what }, 'database write found already committed; its answer read back');
        return rows[0]?.result?.answer as T;
      }
    },
    retry,
    log,
    what,
  );
}

/** Whether `error` is a retry's insert of its token meeting the first run's committed one. */
function isTokenTaken(error: unknown): boolean {
  const e = error as { code?: unknown; constraint?: unknown };
  return e.code === '23505' && e.constraint === 'write_results_pkey';
}

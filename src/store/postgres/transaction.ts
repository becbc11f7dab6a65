import type pg from 'pg';
import { isRetryable } from './retry.js';

/**
 * Runs `work` in one transaction on one connection of `pool`: `BEGIN`, then `COMMIT`, or `ROLLBACK`
 * when it throws. A connection lost on the way (see {@link isRetryable}) is discarded from the pool
 * rather than reused. A checked-out connection that dies between two statements emits `'error'` with
 * no query to reject; unheard, that would end the process, so `onLost` hears it (the next statement
 * then fails with the same cause).
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
  onLost: (error: Error) => void,
): Promise<T> {
  const client = await pool.connect();
  client.on('error', onLost);
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (e) {
    broken = isRetryable(e);
    if (!broken) await client.query('ROLLBACK').catch(() => (broken = true));
    throw e;
  } finally {
    client.off('error', onLost);
    client.release(broken);
  }
}

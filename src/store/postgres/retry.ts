import type { Logger } from '../../log.js';

/**
 * How queries are retried when the database connection is lost mid-run: waits of `firstDelayMs`,
 * doubling up to `maxDelayMs`, until the waits would pass `giveUpAfterMs` in all; then the error
 * goes to the caller (a command gets its apology, delivery retries the digest on a later tick).
 */
export interface RetryPolicy {
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  readonly giveUpAfterMs: number;
}

/**
 * 0.5 s doubling to 5 s, about 30 s in all: long enough for a failover or a restart of the server,
 * short enough that a command's reply is not held for minutes.
 */
export const DEFAULT_RETRY: RetryPolicy = { firstDelayMs: 500, maxDelayMs: 5_000, giveUpAfterMs: 30_000 };

/** Socket-level error codes Node gives when the connection is refused, reset or cut. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs worth another try: class 08 (connection exception), 57P01–57P03 (the server is shutting
 * down, crashed or is starting: `pg_terminate_backend` gives 57P01), and the two a transaction may
 * simply repeat (serialization failure, deadlock).
 */
function retryableSqlState(code: string): boolean {
  return code.startsWith('08') || ['57P01', '57P02', '57P03', '40001', '40P01'].includes(code);
}

/** node-postgres's own words for a connection that went away under a query. */
const LOST_CONNECTION = /Connection terminated|connection error|timeout exceeded when trying to connect/i;

/** Whether `error` means the connection was lost (or never made), so the same work may be tried again. */
export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || retryableSqlState(code))) return true;
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && LOST_CONNECTION.test(message);
}

/** The waits of `policy`, in order (bounded: their sum stays within `giveUpAfterMs`). */
export function retryDelays(policy: RetryPolicy): number[] {
  const delays: number[] = [];
  let total = 0;
  let next = policy.firstDelayMs;
  while (next > 0 && total + next <= policy.giveUpAfterMs) {
    delays.push(next);
    total += next;
    next = Math.min(next * 2, policy.maxDelayMs);
  }
  return delays;
}

/**
 * Runs `work`, again after each wait of `policy` while it fails with a {@link isRetryable} error;
 * any other error, or the last one, is thrown. Each retry is logged with its wait.
 */
export async function withRetry<T>(
  work: () => Promise<T>,
  policy: RetryPolicy,
  logger: Logger,
  what: string,
): Promise<T> {
  const delays = retryDelays(policy);
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      const delayMs = delays[attempt];
      if (delayMs === undefined || !isRetryable(e)) throw e;
      logger.warn(
        {
          err: { code: (e as { code?: string }).code, message: (e as Error).message },
          attempt: attempt + 1,
          delayMs,
          what,
        },
        'database connection lost; retrying',
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

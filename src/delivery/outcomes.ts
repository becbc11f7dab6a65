import { hash } from 'node:crypto';
import { type Doc, textDoc } from '../core/document.js';
import type { SendOutcome } from '../core/sender.js';
import type { LocalDate } from '../core/time.js';

/**
 * How a send answers rate limits and transient failures — digests and command replies alike, in the
 * spirit of grammY's auto-retry (`maxRetryAttempts`, `maxDelaySeconds`): bounded, then a digest's run
 * records a failure (the next tick tries again) and a reply is logged as not sent. `Retrier` in
 * `retry.ts` is the loop that runs it.
 */
export interface RetryPolicy {
  /** `retryAfter` answers (429) to one message before giving up. */
  readonly rateLimitRetries: number;
  /**
   * A `retryAfter` longer than this is not waited for: the gate still holds every send for it (the
   * platform's word), but this message gives up — a reply's asker has moved on, and a digest is
   * tried again by a later tick.
   */
  readonly maxRetryAfterSeconds: number;
  /** Retries of one message after `transient` answers (5xx, network) before giving up. */
  readonly transientRetries: number;
  /** The first transient retry waits about this long; each further one doubles it. */
  readonly backoffBaseMs: number;
  /** No transient retry waits longer than this. */
  readonly backoffMaxMs: number;
}

/**
 * The policy every send runs with (delivery's tests shorten the backoff). Telegram's `retry_after`
 * is usually a few seconds, but can be minutes.
 * @see https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
 */
export const DEFAULT_RETRY_POLICY = {
  /** @defaultValue 5 */
  rateLimitRetries: 5,
  /** @defaultValue 30 s */
  maxRetryAfterSeconds: 30,
  /** @defaultValue 3 */
  transientRetries: 3,
  /** @defaultValue 1 s */
  backoffBaseMs: 1000,
  /** @defaultValue 30 s */
  backoffMaxMs: 30_000,
} as const satisfies RetryPolicy;

/**
 * The wait before transient retry number `attempt` (1-based): exponential, capped, with "equal
 * jitter" — half fixed, half random — so chats that failed together do not retry in lockstep.
 */
export function backoffDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(policy.backoffMaxMs, policy.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential / 2 + (exponential / 2) * random());
}

/** Discord accepts nonces up to this many characters. */
export const NONCE_MAX_LENGTH = 25;
const NONCE_PREFIX = 'bc';
const NONCE_HASH_LENGTH = 22;

/**
 * The idempotency key of one part of one digest: the same subscription, local date and part always
 * give the same nonce, so a send repeated after a crash or a retry is recognised by Discord
 * (`enforce_nonce`) within its nonce window instead of posting twice. A hash keeps it within
 * {@link NONCE_MAX_LENGTH} whatever the chat id's length.
 */
export function digestNonce(subscriptionKey: string, date: LocalDate, part: number): string {
  // One-shot hash (Node ≥ 20.12): a third of createHash's cost, paid once per message of a fan-out.
  const digest = hash('sha256', `${subscriptionKey}|${date}|${part}`, 'base64url');
  return `${NONCE_PREFIX}${digest.slice(0, NONCE_HASH_LENGTH)}`;
}

/** The outcomes that end a delivery for good (until someone resumes it): the chat is unreachable. */
export type PausingOutcome = Extract<SendOutcome, { kind: 'gone' | 'forbidden' }>;

/** Whether an outcome pauses the subscription. */
export function isPausing(outcome: SendOutcome): outcome is PausingOutcome {
  return outcome.kind === 'gone' || outcome.kind === 'forbidden';
}

/** The short notice sent to a chat whose digest was paused because the bot may not post there. */
export function pausedNotice(reason: string): Doc {
  return textDoc(
    `Briefcast paused this chat’s daily digest: ${reason}. Give the bot permission to post here, then run /subscribe to resume it.`,
  );
}

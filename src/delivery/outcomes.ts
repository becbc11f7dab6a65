import { hash } from 'node:crypto';
import { type Doc, textDoc } from '../core/document.js';
import type { SendOutcome } from '../core/sender.js';
import type { LocalDate } from '../core/time.js';
import { ENGLISH, type Translator } from '../i18n/translator.js';

/**
 * How delivery answers rate limits and transient failures, in the spirit of grammY's auto-retry
 * (`maxRetryAttempts`, `maxDelaySeconds`): bounded, then the run records a failure and the next
 * tick tries again.
 */
export interface RetryPolicy {
  /** `retryAfter` answers (429) to one part before giving up for this tick. */
  readonly rateLimitRetries: number;
  /** Retries of one part after `transient` answers (5xx, network) before giving up for this tick. */
  readonly transientRetries: number;
  /** The first transient retry waits about this long; each further one doubles it. */
  readonly backoffBaseMs: number;
  /** No transient retry waits longer than this. */
  readonly backoffMaxMs: number;
}

/** The policy delivery runs with unless told otherwise. */
export const DEFAULT_RETRY_POLICY = {
  /** @defaultValue 5 */
  rateLimitRetries: 5,
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

/** The short notice sent to a chat whose digest was paused because the bot may not post there, in its language. */
export function pausedNotice(reason: string, tr: Translator = ENGLISH): Doc {
  return textDoc(tr.t('digest.paused', { reason: tr.reason(reason) }));
}

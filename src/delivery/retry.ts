import type { ChatKind, ChatRef } from '../core/chat.js';
import type { SendGate, SendOutcome } from '../core/sender.js';
import type { Logger } from '../log.js';
import { backoffDelayMs, type RetryPolicy } from './outcomes.js';
import { ABORTED, AbortRace, sleep } from './wait.js';

/** How one message's send ended, retries included. */
export type RetriedOutcome =
  /** Delivered, or an answer the retries cannot change: the caller acts on it. */
  | Extract<SendOutcome, { kind: 'sent' | 'gone' | 'forbidden' | 'migrated' }>
  /** Rate limited or failing past the policy's budget, or told to wait longer than it allows. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** Shutdown came while waiting at the gate or for a retry; nothing was sent by this attempt. */
  | { readonly kind: 'interrupted' };

/** Where one message goes: its chat, and the gate every attempt passes. */
export interface RetryTarget {
  readonly gate: SendGate;
  readonly chat: ChatRef;
  readonly chatKind?: ChatKind | undefined;
}

/**
 * The one retry loop for sending a message to a platform — digests (through `PartSender`) and
 * Telegram command replies alike — run by the {@link RetryPolicy} it is given:
 * - every attempt passes the gate, and its answer, whatever it is, is reported to the gate;
 * - `retryAfter` (429): the gate is told to hold every send for `seconds` (the platform's word, so it
 *   is told even when this message then gives up), and the message tries again after it, at most
 *   `rateLimitRetries` times and only when `seconds` is within `maxRetryAfterSeconds`;
 * - `transient` (5xx, network, or an attempt that threw): waits an exponential, capped, jittered
 *   backoff ({@link backoffDelayMs}) and tries again, at most `transientRetries` times;
 * - any other answer ends the loop at once.
 * Each retry is logged at debug with `attempt` and the `waitMs` it waits (and `retryAfterSeconds` or
 * the failure's `reason`). Every wait ends early when the signal aborts (shutdown); an attempt
 * already handed to the platform is never abandoned.
 */
export class Retrier {
  readonly #race: AbortRace;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly signal: AbortSignal,
    private readonly log: Logger,
    private readonly random: () => number = Math.random,
  ) {
    this.#race = new AbortRace(signal);
  }

  /**
   * Sends one message with `attempt` (one call to the platform, which says how it went) to
   * `target`, retrying as the policy allows; `fields` go on every log line (the chat, the update).
   */
  async send(
    target: RetryTarget,
    attempt: () => Promise<SendOutcome>,
    fields: Readonly<Record<string, unknown>>,
  ): Promise<RetriedOutcome> {
    const { gate, chat, chatKind } = target;
    const policy = this.policy;
    let rateLimited = 0;
    let transient = 0;
    // Every attempt but the last counts against one of the two retry budgets.
    const attempts = policy.rateLimitRetries + policy.transientRetries + 1;
    for (let n = 1; n <= attempts; n++) {
      if ((await this.#race.run(gate.acquire(chat, chatKind))) === ABORTED) return { kind: 'interrupted' };
      let outcome: SendOutcome;
      try {
        outcome = await attempt();
      } catch (e) {
        this.log.warn({ ...fields, err: e }, 'sender threw instead of returning an outcome');
        outcome = { kind: 'transient', reason: e instanceof Error ? e.message : String(e) };
      } finally {
        gate.answered?.(chat, chatKind);
      }
      if (outcome.kind === 'retryAfter') {
        gate.backOff(outcome.seconds);
        rateLimited += 1;
        if (outcome.seconds > policy.maxRetryAfterSeconds) {
          return {
            kind: 'failed',
            reason: `rate limited for ${outcome.seconds} s (more than ${policy.maxRetryAfterSeconds} s)`,
          };
        }
        if (rateLimited > policy.rateLimitRetries) {
          return { kind: 'failed', reason: `rate limited ${rateLimited} times in a row` };
        }
        const waitMs = Math.round(outcome.seconds * 1000);
        this.log.debug(
          { ...fields, attempt: n, retryAfterSeconds: outcome.seconds, waitMs },
          'rate limited; retrying',
        );
      } else if (outcome.kind === 'transient') {
        transient += 1;
        if (transient > policy.transientRetries) {
          return { kind: 'failed', reason: `${outcome.reason} (${transient} attempts)` };
        }
        const waitMs = backoffDelayMs(transient, policy, this.random);
        this.log.debug(
          { ...fields, attempt: n, reason: outcome.reason, waitMs },
          'transient failure; retrying',
        );
        if (!(await sleep(waitMs, this.signal))) return { kind: 'interrupted' };
      } else {
        return outcome;
      }
    }
    return { kind: 'failed', reason: 'too many retries' };
  }
}

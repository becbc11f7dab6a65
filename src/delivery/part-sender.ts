import type { ChatSender, SendGate, SendOutcome } from '../core/sender.js';
import type { Subscription } from '../core/subscription.js';
import type { Translator } from '../i18n/translator.js';
import type { Logger } from '../log.js';
import { backoffDelayMs, pausedNotice, type RetryPolicy } from './outcomes.js';
import { ABORTED, AbortRace, sleep } from './wait.js';

/** Where one platform's messages go: its sender and its gate. */
export interface SendPath {
  readonly sender: ChatSender;
  readonly gate: SendGate;
}

/** How sending one part ended, retries included. */
export type PartResult =
  /** Delivered, or an answer the retries cannot change: the caller records it. */
  | Extract<SendOutcome, { kind: 'sent' | 'gone' | 'forbidden' | 'migrated' }>
  /** Rate limited or failing past the policy's budget: a failure for this tick. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** Shutdown came while waiting at the gate or for a retry; nothing was sent by this attempt. */
  | { readonly kind: 'interrupted' };

/**
 * Sends one message part with the retry policy as a layer: every attempt waits at the platform's
 * gate; `retryAfter` holds the whole gate for `seconds` and tries again; `transient` waits an
 * exponential, jittered, capped backoff and tries again; both within their budgets. Every wait ends
 * early when `signal` aborts (shutdown). A send already handed to the platform is never abandoned.
 */
export class PartSender {
  readonly #race: AbortRace;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly signal: AbortSignal,
    private readonly log: Logger,
  ) {
    this.#race = new AbortRace(signal);
  }

  /** Sends `part` to the subscription's chat, retrying as the policy allows. */
  async send(sub: Subscription, path: SendPath, part: unknown, nonce: string): Promise<PartResult> {
    let rateLimited = 0;
    let transient = 0;
    // Every attempt but the last counts against one of the two retry budgets.
    const attempts = this.policy.rateLimitRetries + this.policy.transientRetries + 1;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if ((await this.#race.run(path.gate.acquire(sub.chat, sub.chatKind))) === ABORTED) {
        return { kind: 'interrupted' };
      }
      const outcome = await this.#once(sub, path, part, nonce);
      if (outcome.kind === 'retryAfter') {
        path.gate.backOff(outcome.seconds);
        rateLimited += 1;
        if (rateLimited > this.policy.rateLimitRetries) {
          return { kind: 'failed', reason: `rate limited ${rateLimited} times in a row` };
        }
        this.log.debug({ key: sub.key, retryAfterSeconds: outcome.seconds }, 'rate limited; retrying');
      } else if (outcome.kind === 'transient') {
        transient += 1;
        if (transient > this.policy.transientRetries) {
          return { kind: 'failed', reason: `${outcome.reason} (${transient} attempts)` };
        }
        const waitMs = backoffDelayMs(transient, this.policy);
        this.log.debug({ key: sub.key, reason: outcome.reason, waitMs }, 'transient failure; retrying');
        if (!(await sleep(waitMs, this.signal))) return { kind: 'interrupted' };
      } else {
        return outcome;
      }
    }
    return { kind: 'failed', reason: 'too many retries' };
  }

  /** Tells a chat why its digest stopped: one short notice through the gate; its outcome is ignored. */
  async notify(sub: Subscription, path: SendPath, reason: string, tr?: Translator): Promise<void> {
    try {
      const [part] = path.sender.render(pausedNotice(reason, tr));
      if (part === undefined) return;
      if ((await this.#race.run(path.gate.acquire(sub.chat, sub.chatKind))) === ABORTED) return;
      try {
        await path.sender.send(sub.chat, part, { kind: 'notice', chatKind: sub.chatKind });
      } finally {
        path.gate.answered?.(sub.chat, sub.chatKind);
      }
    } catch (e) {
      this.log.debug({ err: e, key: sub.key }, 'could not tell the chat why its digest was paused');
    }
  }

  /**
   * One attempt, its answer reported to the gate; a sender that throws (it should not) counts as a
   * transient failure.
   */
  async #once(sub: Subscription, path: SendPath, part: unknown, nonce: string): Promise<SendOutcome> {
    try {
      return await path.sender.send(sub.chat, part, { nonce, kind: 'digest', chatKind: sub.chatKind });
    } catch (e) {
      this.log.warn({ err: e, key: sub.key }, 'sender threw instead of returning an outcome');
      return { kind: 'transient', reason: e instanceof Error ? e.message : String(e) };
    } finally {
      path.gate.answered?.(sub.chat, sub.chatKind);
    }
  }
}

import type { ChatSender, SendGate } from '../core/sender.js';
import type { Subscription } from '../core/subscription.js';
import type { Logger } from '../log.js';
import { pausedNotice, type RetryPolicy } from './outcomes.js';
import { type RetriedOutcome, Retrier } from './retry.js';
import { ABORTED, AbortRace } from './wait.js';

/** Where one platform's messages go: its sender and its gate. */
export interface SendPath {
  readonly sender: ChatSender;
  readonly gate: SendGate;
}

/** How sending one part ended, retries included. */
export type PartResult = RetriedOutcome;

/**
 * Sends one digest part with the retry policy as a layer ({@link Retrier}): every attempt waits at
 * the platform's gate; `retryAfter` holds the whole gate and tries again; `transient` backs off and
 * tries again; both within the policy's budgets. Every wait ends early when `signal` aborts
 * (shutdown). A send already handed to the platform is never abandoned.
 */
export class PartSender {
  readonly #race: AbortRace;
  readonly #retrier: Retrier;

  constructor(
    policy: RetryPolicy,
    signal: AbortSignal,
    private readonly log: Logger,
  ) {
    this.#race = new AbortRace(signal);
    this.#retrier = new Retrier(policy, signal, log);
  }

  /** Sends `part` to the subscription's chat, retrying as the policy allows. */
  send(sub: Subscription, path: SendPath, part: unknown, nonce: string): Promise<PartResult> {
    return this.#retrier.send(
      { gate: path.gate, chat: sub.chat, chatKind: sub.chatKind },
      () => path.sender.send(sub.chat, part, { nonce, kind: 'digest', chatKind: sub.chatKind }),
      { key: sub.key },
    );
  }

  /** Tells a chat why its digest stopped: one short notice through the gate; its outcome is ignored. */
  async notify(sub: Subscription, path: SendPath, reason: string): Promise<void> {
    try {
      const [part] = path.sender.render(pausedNotice(reason));
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
}

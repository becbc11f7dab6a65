import type { Telegram } from 'telegraf';
import type { ChatKind, ChatRef } from '../../core/chat.js';
import type { Newsroom } from '../../core/newsroom.js';
import type { SendGate } from '../../core/sender.js';
import { PauseGate } from '../../delivery/gates.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../delivery/outcomes.js';
import { type RetriedOutcome, Retrier } from '../../delivery/retry.js';
import type { Logger } from '../../log.js';
import type { TelegramPart } from './render.js';
import { sendPart } from './send-part.js';

/** Where a reply goes and what it answers. */
export interface ReplyTarget {
  readonly chat: ChatRef;
  readonly chatKind: ChatKind;
  /** The command message; the first part answers it. */
  readonly messageId: number;
  readonly updateId: number;
}

/** What {@link Replier} needs. */
export interface ReplierOptions {
  readonly telegram: Telegram;
  readonly newsroom: Newsroom;
  readonly logger: Logger;
  readonly secrets: readonly string[];
  readonly now: () => Date;
  /**
   * Every reply message passes it; without one, replies go out at once (but still wait out a 429's
   * `retry_after`).
   */
  readonly gate?: SendGate;
  /** Aborted when the adapter stops: waits at the gate and for retries end early. */
  readonly signal: AbortSignal;
  /** @defaultValue {@link DEFAULT_RETRY_POLICY}, the one digests are sent with */
  readonly retry?: RetryPolicy;
}

/**
 * Sends command replies, each message through the send gate so that replies and digests share the
 * bot's rate budget, and retried as digests are ({@link Retrier} with the same policy): on 429 the
 * gate holds every send for `retry_after` and the reply tries again — unless Telegram asks for
 * longer than the policy's `maxRetryAfterSeconds`, when the asker has moved on; 5xx and network
 * failures back off and try again. When the group has become a supergroup it moves the subscription
 * and answers in the new chat. What cannot be delivered is logged: there is no one else to tell.
 */
export class Replier {
  readonly #gate: SendGate;
  readonly #retrier: Retrier;

  constructor(private readonly options: ReplierOptions) {
    this.#gate = options.gate ?? new PauseGate('telegram', options.logger);
    this.#retrier = new Retrier(options.retry ?? DEFAULT_RETRY_POLICY, options.signal, options.logger);
  }

  /** Sends `parts` in order; stops at the first that cannot be delivered. */
  async reply(target: ReplyTarget, parts: readonly TelegramPart[]): Promise<void> {
    let chat = target.chat;
    for (const [index, part] of parts.entries()) {
      const outcome = await this.#send(chat, target, part, index === 0);
      if (outcome.kind === 'migrated') chat = outcome.to;
      if (outcome.kind !== 'sent' && outcome.kind !== 'migrated') {
        this.options.logger.warn(
          { outcome, chat: chat.id, thread: chat.thread, updateId: target.updateId },
          'could not send a command reply',
        );
        return;
      }
    }
  }

  /** Sends one part; `migrated` means it was delivered to the new chat the outcome names. */
  async #send(
    chat: ChatRef,
    target: ReplyTarget,
    part: TelegramPart,
    first: boolean,
  ): Promise<RetriedOutcome> {
    const outcome = await this.#attempt(chat, target, part, first ? target.messageId : undefined);
    if (outcome.kind !== 'migrated') return outcome;
    await this.options.newsroom.moveSubscription(chat, outcome.to, this.options.now());
    // A reply to a message in the old group would point at nothing in the new one.
    const moved = await this.#attempt(outcome.to, target, part, undefined);
    if (moved.kind === 'sent') return { kind: 'migrated', to: outcome.to };
    // Moved twice in a row is not something Telegram does; say so rather than follow it.
    if (moved.kind === 'migrated') return { kind: 'failed', reason: 'the chat moved twice' };
    return moved;
  }

  /** One part to `chat` with the retry policy, answering `replyTo` when given. */
  #attempt(
    chat: ChatRef,
    target: ReplyTarget,
    part: TelegramPart,
    replyTo: number | undefined,
  ): Promise<RetriedOutcome> {
    const { telegram, logger, secrets } = this.options;
    return this.#retrier.send(
      { gate: this.#gate, chat, chatKind: target.chatKind },
      () => sendPart(telegram, chat, part, { ...(replyTo !== undefined && { replyTo }), secrets, logger }),
      { chat: chat.id, updateId: target.updateId },
    );
  }
}

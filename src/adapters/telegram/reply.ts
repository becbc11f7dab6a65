import { setTimeout as sleep } from 'node:timers/promises';
import type { Telegram } from 'telegraf';
import type { ChatKind, ChatRef } from '../../core/chat.js';
import type { Newsroom } from '../../core/newsroom.js';
import type { SendGate, SendOutcome } from '../../core/sender.js';
import type { Logger } from '../../log.js';
import type { TelegramPart } from './render.js';
import { sendPart } from './send-part.js';

/** Tries per reply message: the first send, then a retry after a 429 or a migration. */
const MAX_REPLY_ATTEMPTS = 3;
/**
 * A reply that would wait longer than this for flood control is dropped (and logged): the person who asked
 * has moved on. Telegram's `retry_after` is usually a few seconds, but can be minutes.
 * @see https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
 */
export const MAX_REPLY_WAIT_SECONDS = 30;
const MS_PER_SECOND = 1000;

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
  /** Every reply message passes it; without one, replies go out at once. */
  readonly gate?: SendGate;
  /** Aborted when the adapter stops: waits for flood control end early. */
  readonly signal: AbortSignal;
}

/**
 * Sends command replies, each message through the send gate so that replies and digests share the bot's
 * rate budget. On 429 it tells the gate (`backOff`, holding every send) and tries again, within
 * {@link MAX_REPLY_WAIT_SECONDS}; when the group has become a supergroup it moves the subscription and
 * answers in the new chat. Other refusals are logged: there is no one else to tell.
 */
export class Replier {
  constructor(private readonly options: ReplierOptions) {}

  /** Sends `parts` in order; stops at the first that cannot be delivered. */
  async reply(target: ReplyTarget, parts: readonly TelegramPart[]): Promise<void> {
    let chat = target.chat;
    for (const [index, part] of parts.entries()) {
      const outcome = await this.#sendWithRetry(chat, target, part, index === 0);
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
  async #sendWithRetry(
    initialChat: ChatRef,
    target: ReplyTarget,
    part: TelegramPart,
    first: boolean,
  ): Promise<SendOutcome> {
    const { telegram, gate, logger, secrets, signal } = this.options;
    let chat = initialChat;
    let moved = false;
    let outcome: SendOutcome = { kind: 'transient', reason: 'not sent' };
    for (let attempt = 1; attempt <= MAX_REPLY_ATTEMPTS && !signal.aborted; attempt++) {
      await gate?.acquire(chat, target.chatKind);
      try {
        outcome = await sendPart(telegram, chat, part, {
          // A reply to a message in the old group would point at nothing in the new one.
          ...(first && !moved && { replyTo: target.messageId }),
          secrets,
          logger,
        });
      } finally {
        gate?.answered?.(chat, target.chatKind);
      }
      if (outcome.kind === 'sent') return moved ? { kind: 'migrated', to: chat } : outcome;
      if (outcome.kind === 'migrated' && !moved) {
        await this.options.newsroom.moveSubscription(chat, outcome.to, this.options.now());
        chat = outcome.to;
        moved = true;
        continue;
      }
      if (outcome.kind !== 'retryAfter' || outcome.seconds > MAX_REPLY_WAIT_SECONDS) return outcome;
      logger.info(
        { retryAfterSeconds: outcome.seconds, chat: chat.id, updateId: target.updateId },
        'Telegram flood control: the reply waits',
      );
      if (gate) gate.backOff(outcome.seconds);
      else await sleep(outcome.seconds * MS_PER_SECOND, undefined, { signal }).catch(() => undefined);
    }
    return outcome;
  }
}

import type { Telegram } from 'telegraf';
import type { ChatRef } from '../../core/chat.js';
import type { Doc } from '../../core/document.js';
import type { ChatSender, SendOptions, SendOutcome } from '../../core/sender.js';
import type { Logger } from '../../log.js';
import { renderTelegram, type TelegramPart } from './render.js';
import { sendPart } from './send-part.js';

/**
 * How delivery sends digests to Telegram chats: {@link renderTelegram} once per distinct digest, then one
 * `sendMessage` per part and chat, its answer mapped to a {@link SendOutcome}.
 *
 * It does not pass the send gate itself: delivery calls `gate.acquire` before each `send`, and acquiring
 * here again would count every digest message twice. Telegram has no idempotency key, so `nonce` is unused.
 */
export class TelegramSender implements ChatSender<TelegramPart> {
  readonly platform = 'telegram';

  constructor(
    private readonly telegram: Telegram,
    private readonly secrets: readonly string[],
    private readonly logger: Logger,
  ) {}

  render(doc: Doc): readonly TelegramPart[] {
    return renderTelegram(doc);
  }

  send(chat: ChatRef, part: TelegramPart, _options: SendOptions): Promise<SendOutcome> {
    return sendPart(this.telegram, chat, part, { secrets: this.secrets, logger: this.logger });
  }
}

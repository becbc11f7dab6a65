import type { Telegram } from 'telegraf';
import type { ChatRef } from '../../core/chat.js';
import type { SendOutcome } from '../../core/sender.js';
import type { Logger } from '../../log.js';
import { isParseEntitiesError, outcomeOfError, TelegramCallError } from './errors.js';
import { telegramChatId } from './message.js';
import type { TelegramPart } from './render.js';

/** What one `sendMessage` needs besides the chat and the part. */
export interface SendPartOptions {
  /** Answer this message (command replies); sent anyway should it have been deleted meanwhile. */
  readonly replyTo?: number;
  /** Scrubbed from every reason and log line: the bot token. */
  readonly secrets: readonly string[];
  readonly logger: Logger;
}

/**
 * Sends one message with `sendMessage` and says how it went; never throws for Telegram's answer. The
 * HTML goes with `parse_mode: 'HTML'`, without link previews (a list of items would otherwise show the
 * first source's page), into the chat's forum topic when it has one. Should Telegram refuse the HTML
 * (`can't parse entities`), the plain form is sent once instead.
 * @see https://core.telegram.org/bots/api#sendmessage
 */
export async function sendPart(
  telegram: Telegram,
  chat: ChatRef,
  part: TelegramPart,
  options: SendPartOptions,
): Promise<SendOutcome> {
  const extra = {
    link_preview_options: { is_disabled: true },
    ...(chat.thread !== undefined && { message_thread_id: Number(chat.thread) }),
    ...(options.replyTo !== undefined && {
      reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true },
    }),
    ...(part.keyboard !== undefined && {
      reply_markup: { inline_keyboard: part.keyboard.map((row) => [...row]) },
    }),
  };
  const chatId = telegramChatId(chat);
  try {
    const sent = await telegram.sendMessage(chatId, part.html, { ...extra, parse_mode: 'HTML' });
    return { kind: 'sent', messageId: String(sent.message_id) };
  } catch (error) {
    if (!isParseEntitiesError(error)) return outcomeOfError(error, chat, options.secrets);
    options.logger.error(
      { err: new TelegramCallError(error, options.secrets), chat: chat.id },
      'Telegram refused our HTML; sending the plain text instead',
    );
  }
  try {
    const sent = await telegram.sendMessage(chatId, part.plain, extra);
    return { kind: 'sent', messageId: String(sent.message_id) };
  } catch (error) {
    return outcomeOfError(error, chat, options.secrets);
  }
}

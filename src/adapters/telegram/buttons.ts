import type { Telegram } from 'telegraf';
import type { CallbackQuery } from 'telegraf/types';
import type { ChatRef } from '../../core/chat.js';
import type { Dispatcher } from '../../core/dispatch.js';
import type { SendGate } from '../../core/sender.js';
import type { Logger } from '../../log.js';
import { TelegramCallError } from './errors.js';
import { chatKindOf, telegramChatId, userOf } from './message.js';
import { renderTelegram } from './render.js';

/**
 * `answerCallbackQuery.text` holds 0–200 characters.
 * @see https://core.telegram.org/bots/api#answercallbackquery
 */
const NOTICE_MAX = 200;

/** What {@link answerButton} needs. */
export interface ButtonDeps {
  readonly telegram: Telegram;
  readonly dispatcher: Dispatcher;
  readonly logger: Logger;
  readonly secrets: readonly string[];
  readonly gate?: SendGate;
}

/** Every `callback_data` on a message's inline keyboard, in order. */
function viewOf(query: CallbackQuery): string[] {
  const message = query.message;
  if (message === undefined || !('reply_markup' in message) || message.reply_markup === undefined) return [];
  return message.reply_markup.inline_keyboard.flatMap((row) =>
    row.flatMap((button) => ('callback_data' in button ? [button.callback_data] : [])),
  );
}

/**
 * A button pressed under one of the bot's messages: the dispatcher decides (with the same access
 * checks as the typed command), the press is answered with a short notice (`answerCallbackQuery`,
 * which also stops the button's spinner), and the message is edited to its new state (who published
 * what). A message older than 48 hours can no longer be read or edited by the bot; the notice says
 * what happened all the same.
 * @see https://core.telegram.org/bots/api#callbackquery
 */
export async function answerButton(query: CallbackQuery, updateId: number, deps: ButtonDeps): Promise<void> {
  const { telegram, dispatcher, logger, secrets } = deps;
  const data = 'data' in query && typeof query.data === 'string' ? query.data : undefined;
  const message = query.message;
  // An inaccessible message (older than 48 hours) comes with `date: 0` and no content.
  const accessible = message !== undefined && message.date !== 0;
  if (data === undefined || message === undefined) {
    await telegram.answerCbQuery(query.id, 'This button is no longer in use.');
    return;
  }
  const chat: ChatRef = { platform: 'telegram', id: String(message.chat.id) };
  const chatKind = chatKindOf(message.chat);
  const reply = await dispatcher.press({
    platform: 'telegram',
    chat,
    chatKind,
    user: userOf(query.from),
    // Buttons are answered only where editors decide: a chat admin check never applies to them.
    isChatAdmin: async () => chatKind === 'private',
    updateId: String(updateId),
    data,
    view: accessible ? viewOf(query) : [],
  });
  const notice =
    reply.notice === undefined ? undefined : Array.from(reply.notice).slice(0, NOTICE_MAX).join('');
  await telegram.answerCbQuery(query.id, notice);
  if (reply.doc === undefined || !accessible) return;
  const parts = renderTelegram(reply.doc);
  const first = parts[0];
  if (first === undefined) return;
  const keyboard = parts.at(-1)?.keyboard;
  await deps.gate?.acquire(chat, chatKind);
  try {
    await telegram.editMessageText(telegramChatId(chat), message.message_id, undefined, first.html, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      ...(keyboard !== undefined && { reply_markup: { inline_keyboard: keyboard.map((row) => [...row]) } }),
    });
  } catch (error) {
    const safe = new TelegramCallError(error, secrets);
    // Two taps that leave the message as it was: Telegram says so, and there is nothing to do.
    if (!/message is not modified/i.test(safe.message))
      logger.warn({ err: safe, chat: chat.id, updateId }, 'could not update a message after a button press');
  } finally {
    deps.gate?.answered?.(chat, chatKind);
  }
}

/**
 * The message methods of the fake Telegram Bot API: sendMessage, editMessageText and deleteMessage, validated
 * as the Bot API server does it: a missing chat_id or text, the 32768-byte raw cap, Telegram's HTML parse_mode
 * (see {@link parseTelegramHtml}), 1–4096 visible characters. Markdown modes are accepted but not parsed.
 *
 * @see https://core.telegram.org/bots/api#sendmessage
 */
import { Buffer } from 'node:buffer';
import { parseTelegramHtml } from '../html.js';
import {
  chatKey,
  type Params,
  paramBool,
  paramChatId,
  paramInt,
  paramString,
  paramStructured,
} from '../params.js';
import {
  CHAT_ID_EMPTY,
  DELETE_NOT_FOUND,
  EDIT_NOT_FOUND,
  errorReply,
  HTTP_BAD_REQUEST,
  type HttpReply,
  MESSAGE_ID_MISSING,
  MESSAGE_TOO_LONG,
  NOT_MODIFIED,
  okReply,
  type Reply,
  TEXT_EMPTY,
  TEXT_TOO_LONG_RAW,
  TRUE_REPLY,
  UNSUPPORTED_PARSE_MODE,
} from '../replies.js';
import { MS_PER_SECOND } from '../state.js';
import type { EditedMessage, SentMessage, TextEntity } from '../types.js';
import type { MethodContext } from './context.js';

/** The Bot API server rejects raw text above 1 << 15 bytes (tdlib/telegram-bot-api Client.cpp). */
const MAX_TEXT_BYTES = 32_768;
/** UTF-8 needs at most 3 bytes per UTF-16 code unit, so shorter strings skip the byte count. */
const MAX_UTF8_BYTES_PER_UTF16_UNIT = 3;
/** sendMessage.text: 1-4096 characters after entities parsing. */
const MAX_MESSAGE_LENGTH = 4_096;

/** Validates text and parse_mode; returns the visible text and entities, or the error reply. */
function renderText(
  ctx: MethodContext,
  params: Params,
):
  | { text: string; parseMode: string | undefined; visible: string; entities: readonly TextEntity[] }
  | HttpReply {
  const text = paramString(params.text);
  if (text === undefined || text === '') return TEXT_EMPTY;
  if (
    text.length * MAX_UTF8_BYTES_PER_UTF16_UNIT > MAX_TEXT_BYTES &&
    Buffer.byteLength(text) > MAX_TEXT_BYTES
  ) {
    return TEXT_TOO_LONG_RAW;
  }
  const parseMode = paramString(params.parse_mode);
  let visible = text;
  let entities: readonly TextEntity[] = [];
  if (parseMode !== undefined && parseMode !== '') {
    const mode = parseMode.toLowerCase();
    if (mode === 'html') {
      const parsed = parseTelegramHtml(text, { strict: ctx.strictHtml });
      if (!parsed.ok) return errorReply(HTTP_BAD_REQUEST, parsed.description);
      visible = parsed.visible;
      entities = parsed.entities;
    } else if (mode !== 'markdown' && mode !== 'markdownv2') {
      // Markdown modes are accepted but not parsed: the visible text is the raw text.
      return UNSUPPORTED_PARSE_MODE;
    }
  }
  if (visible.trim() === '') return TEXT_EMPTY;
  if (visible.length > MAX_MESSAGE_LENGTH) return MESSAGE_TOO_LONG;
  return { text, parseMode: parseMode === '' ? undefined : parseMode, visible, entities };
}

/** sendMessage: validation, injected failures, rate limits, then the message is recorded and returned. */
export function sendMessage(ctx: MethodContext, params: Params): Reply {
  const chatId = paramChatId(params.chat_id);
  if (chatId === undefined) return CHAT_ID_EMPTY;
  const rendered = renderText(ctx, params);
  if ('status' in rendered) return rendered;
  const key = chatKey(chatId);
  const failed = ctx.faults.forChat('sendMessage', key) ?? ctx.faults.everyNth();
  if (failed !== undefined) return failed;
  const now = Date.now();
  const limited = ctx.limits.check(key, now);
  if (limited !== undefined) return limited;

  const messageId = ctx.state.newMessageId();
  const threadId = paramInt(params.message_thread_id);
  const record: {
    -readonly [K in keyof SentMessage]: SentMessage[K];
  } = {
    message_id: messageId,
    chat_id: chatId,
    text: rendered.text,
    visibleText: rendered.visible,
    entities: rendered.entities,
    params,
    at: now,
  };
  if (threadId !== undefined) record.message_thread_id = threadId;
  if (rendered.parseMode !== undefined) record.parse_mode = rendered.parseMode;
  if (params.link_preview_options !== undefined) {
    record.link_preview_options = paramStructured(params.link_preview_options);
  }
  if (params.disable_web_page_preview !== undefined) {
    record.disable_web_page_preview = paramBool(params.disable_web_page_preview);
  }
  if (params.reply_parameters !== undefined)
    record.reply_parameters = paramStructured(params.reply_parameters);
  if (params.reply_markup !== undefined) record.reply_markup = paramStructured(params.reply_markup);

  ctx.records.countAccepted(key);
  if (ctx.recordSent) {
    ctx.state.liveMessages.set(`${key}|${messageId}`, {
      text: rendered.visible,
      parseMode: rendered.parseMode,
      markup: JSON.stringify(record.reply_markup ?? null),
    });
    ctx.records.recordSent(key, record);
  }

  const message: Record<string, unknown> = {
    message_id: messageId,
    from: ctx.state.botUser,
    chat: ctx.state.chatFor(chatId),
    date: Math.floor(now / MS_PER_SECOND),
  };
  if (threadId !== undefined) {
    message.message_thread_id = threadId;
    message.is_topic_message = true;
  }
  message.text = rendered.visible;
  if (rendered.entities.length > 0) message.entities = rendered.entities;
  if (record.reply_markup !== undefined) message.reply_markup = record.reply_markup;
  return okReply(message);
}

/** editMessageText, of a chat message or an inline one; `message is not modified` when nothing changed. */
export function editMessageText(ctx: MethodContext, params: Params): Reply {
  const inlineId = paramString(params.inline_message_id);
  const chatId = paramChatId(params.chat_id);
  const messageId = paramInt(params.message_id);
  if (inlineId === undefined) {
    if (chatId === undefined) return CHAT_ID_EMPTY;
    if (messageId === undefined) return MESSAGE_ID_MISSING;
  }
  const rendered = renderText(ctx, params);
  if ('status' in rendered) return rendered;
  const now = Date.now();
  const edit: { -readonly [K in keyof EditedMessage]: EditedMessage[K] } = {
    text: rendered.text,
    visibleText: rendered.visible,
    at: now,
  };
  if (rendered.parseMode !== undefined) edit.parse_mode = rendered.parseMode;
  if (inlineId !== undefined) {
    edit.inline_message_id = inlineId;
    ctx.records.edits.push(edit);
    return TRUE_REPLY;
  }
  // Both are defined here: checked above when there is no inline message id.
  const chat = chatId as number | string;
  const id = messageId as number;
  const key = chatKey(chat);
  const failed = ctx.faults.forChat('editMessageText', key);
  if (failed !== undefined) return failed;
  const live = ctx.state.liveMessages.get(`${key}|${id}`);
  if (live === undefined) return EDIT_NOT_FOUND;
  const markup = JSON.stringify(paramStructured(params.reply_markup) ?? null);
  if (live.text === rendered.visible && live.parseMode === rendered.parseMode && live.markup === markup) {
    return NOT_MODIFIED;
  }
  live.text = rendered.visible;
  live.parseMode = rendered.parseMode;
  live.markup = markup;
  edit.chat_id = chat;
  edit.message_id = id;
  ctx.records.edits.push(edit);
  const message: Record<string, unknown> = {
    message_id: id,
    from: ctx.state.botUser,
    chat: ctx.state.chatFor(chat),
    date: Math.floor(now / MS_PER_SECOND),
    edit_date: Math.floor(now / MS_PER_SECOND),
    text: rendered.visible,
  };
  if (rendered.entities.length > 0) message.entities = rendered.entities;
  return okReply(message);
}

/** deleteMessage of a message the bot sent (or one built into an update). */
export function deleteMessage(ctx: MethodContext, params: Params): Reply {
  const chatId = paramChatId(params.chat_id);
  if (chatId === undefined) return CHAT_ID_EMPTY;
  const messageId = paramInt(params.message_id);
  if (messageId === undefined) return MESSAGE_ID_MISSING;
  const key = chatKey(chatId);
  const failed = ctx.faults.forChat('deleteMessage', key);
  if (failed !== undefined) return failed;
  if (!ctx.state.liveMessages.delete(`${key}|${messageId}`)) return DELETE_NOT_FOUND;
  ctx.records.deleted.push({ chat_id: chatId, message_id: messageId });
  return TRUE_REPLY;
}

/**
 * The chat methods of the fake Telegram Bot API: getChat, getChatMember, leaveChat, sendChatAction and
 * answerCallbackQuery. Chats the fake was not told about are inferred from their id.
 *
 * @see https://core.telegram.org/bots/api#getchat
 */
import { chatKey, type Params, paramChatId, paramInt, paramString } from '../params.js';
import {
  CHAT_ID_EMPTY,
  INVALID_ACTION,
  INVALID_USER_ID,
  okReply,
  QUERY_ID_INVALID,
  type Reply,
  TRUE_REPLY,
} from '../replies.js';
import type { MethodContext } from './context.js';

/** The `action` values sendChatAction accepts. */
const CHAT_ACTIONS: ReadonlySet<string> = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

/** getChat: a registered chat, or one inferred from its id. */
export function getChat(ctx: MethodContext, params: Params): Reply {
  const chatId = paramChatId(params.chat_id);
  if (chatId === undefined) return CHAT_ID_EMPTY;
  return ctx.faults.forChat('getChat', chatKey(chatId)) ?? okReply(ctx.state.chatFor(chatId));
}

/** getChatMember: the status set with `setChatMember` (default `member`), with Telegram's rights fields. */
export function getChatMember(ctx: MethodContext, params: Params): Reply {
  const chatId = paramChatId(params.chat_id);
  if (chatId === undefined) return CHAT_ID_EMPTY;
  const userId = paramInt(params.user_id);
  if (userId === undefined || userId <= 0) return INVALID_USER_ID;
  const key = chatKey(chatId);
  const failed = ctx.faults.forChat('getChatMember', key);
  if (failed !== undefined) return failed;
  const user = ctx.state.userFor(userId);
  return okReply(ctx.state.chatMember(user, ctx.state.memberStatus(key, userId)));
}

/** leaveChat: recorded, and the bot is `left` there from then on. */
export function leaveChat(ctx: MethodContext, params: Params): Reply {
  const chatId = paramChatId(params.chat_id);
  if (chatId === undefined) return CHAT_ID_EMPTY;
  const failed = ctx.faults.forChat('leaveChat', chatKey(chatId));
  if (failed !== undefined) return failed;
  ctx.records.leftChats.push(chatId);
  ctx.state.setChatMember(chatId, ctx.state.botUser.id, 'left');
  return TRUE_REPLY;
}

/** sendChatAction with one of the Bot API actions. */
export function sendChatAction(ctx: MethodContext, params: Params): Reply {
  const chatId = paramChatId(params.chat_id);
  if (chatId === undefined) return CHAT_ID_EMPTY;
  const action = paramString(params.action) ?? '';
  if (!CHAT_ACTIONS.has(action)) return INVALID_ACTION;
  const failed = ctx.faults.forChat('sendChatAction', chatKey(chatId));
  if (failed !== undefined) return failed;
  ctx.records.chatActions.push({ chat_id: chatId, action });
  return TRUE_REPLY;
}

/** answerCallbackQuery: every call with a query id is recorded (query ids are not checked). */
export function answerCallbackQuery(ctx: MethodContext, params: Params): Reply {
  const id = paramString(params.callback_query_id);
  if (id === undefined || id === '') return QUERY_ID_INVALID;
  ctx.records.callbackAnswers.push(params);
  return TRUE_REPLY;
}

/**
 * Builders of the updates a test pushes into the fake Telegram Bot API: text messages and channel posts,
 * `my_chat_member` changes, group-to-supergroup migrations and callback queries, shaped as Telegram sends them.
 * Each builder registers the chats and users it names in {@link TelegramState}; the caller queues the result.
 *
 * @see https://core.telegram.org/bots/api#update
 */
import { chatKey } from './params.js';
import { nowSeconds, type TelegramState } from './state.js';
import type {
  CallbackQueryInput,
  ChatMemberStatus,
  FakeChat,
  FakeUser,
  SendTextInput,
  TextEntity,
} from './types.js';

/** An update to queue, without its `update_id`. */
export type UpdateBody = Record<string, unknown>;

/** Options of {@link myChatMemberUpdate}. */
export interface MyChatMemberOptions {
  readonly oldStatus?: ChatMemberStatus;
  readonly from?: FakeUser;
}

/** A `bot_command` entity for a leading `/command[@bot]`, as Telegram adds it. */
function commandEntities(text: string): TextEntity[] {
  const match = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,64})?/.exec(text);
  return match === null ? [] : [{ type: 'bot_command', offset: 0, length: match[0].length }];
}

/**
 * A text message from a user (`message`), or a `channel_post` (with `sender_chat`, no `from`) when the chat
 * is a channel. A leading `/command` gets its `bot_command` entity.
 */
export function textUpdate(state: TelegramState, input: SendTextInput): UpdateBody {
  const chat = state.completeChat(input.chat, input.from);
  const message: Record<string, unknown> = {
    message_id: state.allocateMessageId(chat.id),
    date: nowSeconds(),
    chat,
  };
  if (chat.type === 'channel') {
    message.sender_chat = chat;
  } else {
    const from = input.from ?? state.defaultUser(chat);
    state.users.set(from.id, from);
    message.from = { is_bot: false, ...from };
  }
  if (input.message_thread_id !== undefined) {
    message.message_thread_id = input.message_thread_id;
    if (input.is_topic_message ?? chat.is_forum === true) message.is_topic_message = true;
  }
  message.text = input.text;
  const entities = input.entities ?? commandEntities(input.text);
  if (entities.length > 0) message.entities = entities;
  return { [chat.type === 'channel' ? 'channel_post' : 'message']: message };
}

/**
 * A `my_chat_member` update: the bot's status in `chat` changed to `newStatus`. Also sets what getChatMember
 * answers for the bot there.
 */
export function myChatMemberUpdate(
  state: TelegramState,
  chat: FakeChat,
  newStatus: ChatMemberStatus,
  options: MyChatMemberOptions,
): UpdateBody {
  const full = state.completeChat(chat, options.from);
  const removed = newStatus === 'left' || newStatus === 'kicked';
  const oldStatus =
    options.oldStatus ?? (removed ? (full.type === 'channel' ? 'administrator' : 'member') : 'left');
  const from = options.from ?? state.defaultUser(full);
  state.setChatMember(full.id, state.botUser.id, newStatus);
  return {
    my_chat_member: {
      chat: full,
      from: { is_bot: false, ...from },
      date: nowSeconds(),
      old_chat_member: state.chatMember(state.botUser, oldStatus),
      new_chat_member: state.chatMember(state.botUser, newStatus),
    },
  };
}

/**
 * The two service messages of a group becoming a supergroup: `migrate_to_chat_id` in the old group, then
 * `migrate_from_chat_id` in the new supergroup (which is registered).
 */
export function migrationUpdates(
  state: TelegramState,
  fromChatId: number,
  toChatId: number,
): readonly [UpdateBody, UpdateBody] {
  const title = state.knownChat(fromChatId)?.title ?? 'Test group';
  const oldChat: FakeChat = { id: fromChatId, type: 'group', title };
  const newChat: FakeChat = { id: toChatId, type: 'supergroup', title };
  state.setChat(newChat);
  const from = { is_bot: false, ...state.defaultUser(oldChat) };
  const first = {
    message: {
      message_id: state.allocateMessageId(fromChatId),
      date: nowSeconds(),
      chat: oldChat,
      from,
      migrate_to_chat_id: toChatId,
    },
  };
  const second = {
    message: {
      message_id: state.allocateMessageId(toChatId),
      date: nowSeconds(),
      chat: newChat,
      from,
      migrate_from_chat_id: fromChatId,
    },
  };
  return [first, second];
}

/** A `callback_query`: a button press on a bot message. */
export function callbackQueryUpdate(state: TelegramState, input: CallbackQueryInput): UpdateBody {
  const chat = state.completeChat(input.chat, input.from);
  const from = input.from ?? state.defaultUser(chat);
  const messageId = input.message_id ?? state.allocateMessageId(chat.id);
  // A press under a message the bot sent carries that message as it is now: its text and keyboard.
  const live = state.liveMessages.get(`${chatKey(chat.id)}|${messageId}`);
  // A message allocated for a press (not sent by the bot) has no markup recorded.
  const markup: unknown = live === undefined || live.markup === '' ? null : JSON.parse(live.markup);
  const message: Record<string, unknown> = {
    message_id: messageId,
    date: nowSeconds(),
    chat,
    from: state.botUser,
    text: live?.text || '…',
    ...(markup !== null && { reply_markup: markup }),
  };
  return {
    callback_query: {
      id: state.newCallbackId(),
      from: { is_bot: false, ...from },
      chat_instance: String(chat.id),
      data: input.data,
      message,
    },
  };
}

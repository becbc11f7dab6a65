import type { Chat, Message, MessageEntity, User } from 'telegraf/types';
import type { ChatKind, ChatRef, UserRef } from '../../core/chat.js';

/** A command as a message states it: `/brief@briefcast_bot 2022-01-11`. */
export interface CommandText {
  /** The command's name, lowercased, without `/` or `@bot`. */
  readonly name: string;
  /** The bot the command names after `@`, if any. */
  readonly bot?: string;
  /** Everything after the command, leading whitespace removed (line breaks inside are kept). */
  readonly rest: string;
}

/**
 * Reads the command a message starts with. Like telegraf's `bot.command`, it needs a `bot_command` entity at
 * offset 0 — Telegram adds one to every command — so `/` in the middle of a sentence is never a command.
 * @see https://core.telegram.org/bots/features#commands
 */
export function parseCommand(
  text: string,
  entities: readonly MessageEntity[] | undefined,
): CommandText | undefined {
  const first = entities?.[0];
  if (first === undefined || first.type !== 'bot_command' || first.offset !== 0) return undefined;
  const [name = '', bot] = text.slice(1, first.length).split('@');
  if (name === '') return undefined;
  return {
    name: name.toLowerCase(),
    ...(bot !== undefined && { bot }),
    rest: text.slice(first.length).trimStart(),
  };
}

/** Whether a command is for this bot: it names no bot, or names this one (case-insensitively). */
export function isForBot(command: CommandText, botUsername: string | undefined): boolean {
  return command.bot === undefined || command.bot.toLowerCase() === botUsername?.toLowerCase();
}

/** Our kind of a Telegram chat: groups and supergroups are both groups. */
export function chatKindOf(chat: Chat): ChatKind {
  if (chat.type === 'private') return 'private';
  if (chat.type === 'channel') return 'channel';
  return 'group';
}

/**
 * The chat a message belongs to. In a forum supergroup a message in a topic carries the topic's
 * `message_thread_id` and `is_topic_message`; that topic is a chat of its own. A reply thread in an
 * ordinary group also has a `message_thread_id`, but no `is_topic_message`, and is not.
 */
export function chatOf(message: Message): ChatRef {
  const thread = message.is_topic_message === true ? message.message_thread_id : undefined;
  return {
    platform: 'telegram',
    id: String(message.chat.id),
    ...(thread !== undefined && { thread: String(thread) }),
  };
}

/** A chat's title as the subscription list shows it. */
export function chatTitleOf(chat: Chat): string | undefined {
  if (chat.type === 'private')
    return [chat.first_name, chat.last_name].filter(Boolean).join(' ') || undefined;
  return chat.title;
}

/** A Telegram user as the core knows them. */
export function userOf(from: User): UserRef {
  const name =
    [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username || String(from.id);
  return { platform: 'telegram', id: String(from.id), name };
}

/**
 * Whether a group message was sent by an anonymous administrator: Telegram then sets `sender_chat` to the
 * group itself (and `from` to a placeholder bot, GroupAnonymousBot).
 * @see https://core.telegram.org/bots/api#message
 */
export function isAnonymousAdmin(message: Message): boolean {
  return message.sender_chat !== undefined && message.sender_chat.id === message.chat.id;
}

/** The numeric chat id Telegram expects for numeric ids (`-100…`), or the `@username` as given. */
export function telegramChatId(chat: ChatRef): number | string {
  return /^-?\d+$/.test(chat.id) ? Number(chat.id) : chat.id;
}

/** The platforms Briefcast speaks to. `console` is the local terminal chat. */
export type Platform = 'telegram' | 'discord' | 'console';

/** Every platform, in display order. */
export const PLATFORMS: readonly Platform[] = ['telegram', 'discord', 'console'];

/**
 * Where a message goes: a chat on one platform. Ids are strings on every platform (Discord snowflakes
 * exceed 2^53). `thread` is a Telegram forum topic (`message_thread_id`); a Discord thread is a
 * channel of its own and has no `thread`. `guild` is the Discord server a channel or thread belongs
 * to: not part of the address ({@link chatKey} leaves it out), but kept with a subscription so that
 * the bot's removal from a server finds every subscription there.
 */
export interface ChatRef {
  readonly platform: Platform;
  readonly id: string;
  readonly thread?: string;
  readonly guild?: string;
}

/** A chat without its forum topic: every subscription of a Telegram forum shares one. */
export type ChatId = Pick<ChatRef, 'platform' | 'id'>;

/** What kind of chat a command came from; decides who may change its subscription. */
export type ChatKind = 'private' | 'group' | 'channel';

/** A person on a platform. */
export interface UserRef {
  readonly platform: Platform;
  readonly id: string;
  readonly name: string;
}

/** The store key of a chat: `telegram:-1001234`, `telegram:-1001234#42` for a forum topic. */
export function chatKey(chat: ChatRef): string {
  return chat.thread === undefined
    ? `${chat.platform}:${chat.id}`
    : `${chat.platform}:${chat.id}#${chat.thread}`;
}

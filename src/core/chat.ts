/** The platforms Briefcast speaks to. `console` is the local terminal chat. */
export type Platform = 'telegram' | 'discord' | 'console';

/** Every platform, in display order. */
export const PLATFORMS: readonly Platform[] = ['telegram', 'discord', 'console'];

/**
 * Where a message goes: a chat on one platform. Ids are strings on every platform (Discord snowflakes
 * exceed 2^53). `thread` is a Telegram forum topic (`message_thread_id`); a Discord thread is a
 * channel of its own and has no `thread`.
 */
export interface ChatRef {
  readonly platform: Platform;
  readonly id: string;
  readonly thread?: string;
}

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

import type { Chat, ChatMemberUpdated } from 'telegraf/types';
import type { Newsroom } from '../../core/newsroom.js';

/** Reasons shown in `/settings` and `/stats` for a subscription paused by a membership change. */
export const REMOVED_REASON = 'the bot was removed from the chat';
export const BLOCKED_REASON = 'the bot was blocked by the user';

/** Why the bot can no longer post in `chat`, when `update` says so; `undefined` when it still can. */
export function removalReason(update: ChatMemberUpdated): string | undefined {
  const status = update.new_chat_member.status;
  if (status !== 'kicked' && status !== 'left') return undefined;
  return update.chat.type === 'private' ? BLOCKED_REASON : REMOVED_REASON;
}

/**
 * Acts on `my_chat_member`: the bot blocked in a private chat, or removed from a group or channel, pauses
 * the chat's subscriptions (every forum topic's too) with the reason. Being added back resumes nothing:
 * the chat's admins run `/subscribe` when they want the digest again. Returns the keys of the
 * subscriptions paused.
 * @see https://core.telegram.org/bots/api#chatmemberupdated
 */
export async function onMyChatMember(
  newsroom: Newsroom,
  update: ChatMemberUpdated,
  now: Date,
): Promise<string[]> {
  const reason = removalReason(update);
  if (reason === undefined) return [];
  return newsroom.pauseChat({ platform: 'telegram', id: String(update.chat.id) }, reason, now);
}

/**
 * Acts on a group's upgrade to a supergroup, announced by service messages in both chats
 * (`migrate_to_chat_id` in the old group, `migrate_from_chat_id` in the new supergroup): the subscription
 * moves to the new id before any send to the old one fails. Either message suffices; the second finds
 * nothing left to move. When the supergroup already has a subscription of its own, that one is kept
 * and the group's is dropped (the store's one rule, `Store.moveChat`). Returns whether the group had
 * a subscription.
 * @see https://core.telegram.org/bots/api#message
 */
export function onMigration(
  newsroom: Newsroom,
  from: Chat['id'],
  to: Chat['id'],
  now: Date,
): Promise<boolean> {
  return newsroom.moveSubscription(
    { platform: 'telegram', id: String(from) },
    { platform: 'telegram', id: String(to) },
    now,
  );
}

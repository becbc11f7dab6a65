import { type Client, GatewayDispatchEvents } from 'discord.js';
import type { Newsroom } from '../../core/newsroom.js';
import { messages } from '../../i18n/locales/en.js';
import type { Logger } from '../../log.js';

/** Why a subscription was paused, as its settings show it. */
export const PAUSE_REASON = {
  channelDeleted: messages.reasons.channelDeleted,
  removedFromServer: messages.reasons.removedFromServer,
} as const;

/** The `id` (and `unavailable`) a GUILD_DELETE, CHANNEL_DELETE or THREAD_DELETE carries. */
function deletedId(data: unknown): { id: string; unavailable: boolean } | undefined {
  if (typeof data !== 'object' || data === null || !('id' in data) || typeof data.id !== 'string')
    return undefined;
  return { id: data.id, unavailable: 'unavailable' in data && data.unavailable === true };
}

/**
 * Pauses subscriptions when their channel goes away: a deleted channel or thread pauses its own;
 * the bot leaving (or being removed from) a server pauses those of every channel and thread it knew
 * there. A server that is only unavailable (`unavailable: true`, an outage) pauses nothing.
 *
 * It listens to the gateway's raw dispatches rather than discord.js's `guildDelete`, because by the
 * time that fires discord.js has already dropped the server's channels from its cache, and
 * `channelDelete`/`threadDelete` fire only for cached channels. A thread the bot never saw (an old
 * archived one) is missed here and paused by delivery when Discord answers Unknown Channel.
 *
 * @param track - registers the work, so that stopping waits for it
 */
export function watchChatRemovals(
  client: Client,
  newsroom: Newsroom,
  logger: Logger,
  now: () => Date,
  track: (work: Promise<unknown>) => void,
): void {
  const pause = async (channelIds: ReadonlySet<string>, reason: string) => {
    if (channelIds.size === 0) return;
    const subscriptions = await newsroom.store.listSubscriptions();
    for (const sub of subscriptions) {
      if (sub.chat.platform !== 'discord' || !channelIds.has(sub.chat.id)) continue;
      if (await newsroom.pauseSubscription(sub.chat, reason, now()))
        logger.info({ chat: sub.key, reason }, 'paused a Discord subscription');
    }
  };
  const run = (channelIds: ReadonlySet<string>, reason: string) =>
    track(
      pause(channelIds, reason).catch((err: unknown) =>
        logger.error({ err, reason }, 'could not pause subscriptions'),
      ),
    );

  client.ws.on(GatewayDispatchEvents.GuildDelete, (data: unknown) => {
    const deleted = deletedId(data);
    if (!deleted || deleted.unavailable) return;
    // Read now: discord.js forgets the server's channels right after this event.
    const channels = client.guilds.cache.get(deleted.id)?.channels.cache;
    run(new Set(channels?.keys() ?? []), PAUSE_REASON.removedFromServer);
  });
  for (const event of [GatewayDispatchEvents.ChannelDelete, GatewayDispatchEvents.ThreadDelete]) {
    client.ws.on(event, (data: unknown) => {
      const deleted = deletedId(data);
      if (deleted) run(new Set([deleted.id]), PAUSE_REASON.channelDeleted);
    });
  }
}

import { type Client, GatewayDispatchEvents } from 'discord.js';
import type { Newsroom } from '../../core/newsroom.js';
import type { Logger } from '../../log.js';

/** Why a subscription was paused, as its settings show it. */
export const PAUSE_REASON = {
  channelDeleted: 'the channel was deleted',
  removedFromServer: 'the bot was removed from the server (or the server was deleted)',
} as const;

/** The `id` (and `unavailable`) a GUILD_DELETE, CHANNEL_DELETE or THREAD_DELETE carries. */
function deletedId(data: unknown): { id: string; unavailable: boolean } | undefined {
  if (typeof data !== 'object' || data === null || !('id' in data) || typeof data.id !== 'string')
    return undefined;
  return { id: data.id, unavailable: 'unavailable' in data && data.unavailable === true };
}

/**
 * Pauses subscriptions when their channel goes away: a deleted channel or thread pauses its own;
 * the bot leaving (or being removed from) a server pauses those of every channel and thread there,
 * found by the server id each subscription keeps (`ChatRef.guild`), so threads the bot never saw
 * (old archived ones) are paused too. A server that is only unavailable (`unavailable: true`, an
 * outage) pauses nothing.
 *
 * It listens to the gateway's raw dispatches rather than discord.js's `channelDelete`/`threadDelete`,
 * which fire only for channels in discord.js's cache. A thread deleted without the bot seeing it is
 * paused by delivery when Discord answers Unknown Channel.
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
  const run = (pausing: () => Promise<string[]>, reason: string) =>
    track(
      pausing().then(
        (keys) => {
          for (const key of keys) logger.info({ chat: key, reason }, 'paused a Discord subscription');
        },
        (err: unknown) => logger.error({ err, reason }, 'could not pause subscriptions'),
      ),
    );

  client.ws.on(GatewayDispatchEvents.GuildDelete, (data: unknown) => {
    const deleted = deletedId(data);
    if (!deleted || deleted.unavailable) return;
    run(
      () => newsroom.pauseGuild(deleted.id, PAUSE_REASON.removedFromServer, now()),
      PAUSE_REASON.removedFromServer,
    );
  });
  for (const event of [GatewayDispatchEvents.ChannelDelete, GatewayDispatchEvents.ThreadDelete]) {
    client.ws.on(event, (data: unknown) => {
      const deleted = deletedId(data);
      if (!deleted) return;
      const chat = { platform: 'discord', id: deleted.id } as const;
      run(() => newsroom.pauseChat(chat, PAUSE_REASON.channelDeleted, now()), PAUSE_REASON.channelDeleted);
    });
  }
}

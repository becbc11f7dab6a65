import { once } from 'node:events';
import { Client, type ClientOptions, Events, GatewayIntentBits, Status } from 'discord.js';
import type { Config } from '../../config.js';
import type { ChatSender } from '../../core/sender.js';
import type { Adapter, AdapterContext } from '../adapter.js';
import { watchChatRemovals } from './chat-removal.js';
import { handleInteraction } from './interactions.js';
import { registerCommands } from './register.js';
import type { DiscordPayload } from './render.js';
import { DEFER_AFTER_MS } from './reply.js';
import { createDiscordSender } from './sender.js';

/** How long {@link Adapter.stop} waits for replies under way before closing the connection. */
const STOP_GRACE_MS = 5000;

/** What {@link createDiscordAdapter} is built from. */
export interface DiscordAdapterOptions extends AdapterContext {
  readonly config: NonNullable<Config['discord']>;
  /** The time subscriptions are paused at. */
  readonly now: () => Date;
  /**
   * Overrides for discord.js's client options, merged over the adapter's (tests shorten
   * `waitGuildTimeout` and `rest.retries`/`rest.timeout`). `rest` is merged key by key.
   */
  readonly clientOptions?: Partial<ClientOptions>;
  /** How long a reply may take before it is deferred. @defaultValue {@link DEFER_AFTER_MS} */
  readonly deferAfterMs?: number;
}

/** The Discord adapter, with its sender typed for the payloads it renders. */
export interface DiscordAdapter extends Adapter {
  readonly sender: ChatSender<DiscordPayload>;
  /** The discord.js client (for health checks and tests). */
  readonly client: Client;
  /** The gateway shards this process runs (`DISCORD_SHARDS`; else those discord.js started). */
  shardIds(): readonly number[];
}

/**
 * The Discord side of Briefcast on discord.js: the gateway (its `DISCORD_SHARDS`, else every shard) with the Guilds intent only
 * (slash commands, forms and autocomplete arrive as interactions; channel and server removals come
 * with Guilds), every message without mentions, REST at `config.apiUrl` when set (the gateway is
 * discovered through it). With `config.guildId` the commands are registered in that server at
 * start; otherwise `npm run deploy-commands` registers them globally.
 */
export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { config, dispatcher, newsroom, logger, now } = options;
  const overrides = options.clientOptions ?? {};
  const client = new Client({
    ...overrides,
    // Several processes split the gateway: each runs its shards of the same count. Without, discord.js
    // runs every shard Discord recommends in this process.
    ...(config.shards !== undefined && { shards: [...config.shards.ids], shardCount: config.shards.count }),
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    rest: {
      ...(config.apiUrl !== undefined && { api: config.apiUrl }),
      ...overrides.rest,
    },
  });
  const log = logger.child({ adapter: 'discord' });
  const inFlight = new Set<Promise<unknown>>();
  const track = (work: Promise<unknown>) => {
    inFlight.add(work);
    const done = () => inFlight.delete(work);
    // Handlers catch their own failures; this only forgets the work, and never rejects.
    work.then(done, done);
  };
  let accepting = false;
  const deferAfterMs = options.deferAfterMs ?? DEFER_AFTER_MS;

  client.on(Events.InteractionCreate, (interaction) => {
    if (!accepting) return;
    track(handleInteraction(interaction, { dispatcher, newsroom, logger: log, deferAfterMs }));
  });
  watchChatRemovals(client, newsroom, log, now, track);
  client.on(Events.Error, (err) => log.error({ err }, 'discord.js client error'));
  client.on(Events.ShardDisconnect, (event, shard) =>
    log.warn({ code: event.code, shard }, 'gateway disconnected'),
  );
  // discord.js waits out every bucket and its own 50/s global window: routine at scale, so debug.
  client.rest.on('rateLimited', (info) =>
    log.debug(
      { route: info.route, retryAfterMs: info.retryAfter, scope: info.scope, global: info.global },
      'Discord rate limit: waiting',
    ),
  );

  return {
    name: 'discord',
    client,
    sender: createDiscordSender(client.rest),

    async start() {
      const ready = once(client, Events.ClientReady);
      // Awaited below; when logging in fails, that failure is the one reported.
      ready.catch(() => {});
      try {
        await client.login(config.token);
        await ready;
      } catch (err) {
        await client.destroy();
        throw err;
      }
      accepting = true;
      log.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'connected to Discord');
      if (config.guildId !== undefined) {
        try {
          const done = await registerCommands(client.rest, {
            applicationId: config.applicationId,
            guildId: config.guildId,
            commands: dispatcher.commands,
            topics: newsroom.topics,
          });
          log.info(
            { guild: config.guildId, commands: done.names.length },
            'registered slash commands in the guild',
          );
        } catch (err) {
          // The bot still serves commands registered earlier (or globally); say why these are not new.
          log.error({ err, guild: config.guildId }, 'could not register slash commands in DISCORD_GUILD_ID');
        }
      }
    },

    async stop() {
      accepting = false;
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, STOP_GRACE_MS);
      });
      await Promise.race([Promise.allSettled([...inFlight]), grace]);
      clearTimeout(timer);
      await client.destroy();
    },

    isConnected() {
      return client.isReady() && client.ws.status === Status.Ready;
    },

    shardIds() {
      if (config.shards !== undefined) return config.shards.ids;
      return [...client.ws.shards.keys()].sort((a, b) => a - b);
    },

    async directChat(userId: string) {
      // POST /users/@me/channels: opens (or finds) the DM; discord.js caches it.
      const channel = await client.users.createDM(userId);
      return { platform: 'discord', id: channel.id };
    },
  };
}

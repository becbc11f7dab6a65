import type { Readable, Writable } from 'node:stream';
import { commands } from '../commands/index.js';
import type { Adapter } from './adapters/adapter.js';
import { ConsoleAdapter } from './adapters/console/console.js';
import { DeskAuth } from './adapters/desk/auth.js';
import { type DeskServer, type DeskServerOptions, startDeskServer } from './adapters/desk/server.js';
import type { DiscordAdapter } from './adapters/discord/discord.js';
import type { TelegramAdapter } from './adapters/telegram/telegram.js';
import { LeaderDuties } from './cluster/leader-duties.js';
import { type Leadership, LockLeadership, soleLeadership } from './cluster/leadership.js';
import { type Config, isConsoleMode } from './config.js';
import type { Platform, UserRef } from './core/chat.js';
import { type Clock, systemClock } from './core/clock.js';
import type { DeskSessions } from './core/desk.js';
import { CONSOLE_USER_ID, Dispatcher } from './core/dispatch.js';
import { Newsroom } from './core/newsroom.js';
import type { Store } from './core/store.js';
import { DeliveryEngine, type DeliveryEngineOptions, type DeliveryLanes } from './delivery/engine.js';
import { createGates, type DeliveryGates, deliveryConcurrency } from './delivery/gates.js';
import { Scheduler } from './delivery/scheduler.js';
import { type HealthServer, startHealthServer } from './health.js';
import { translatorFor } from './i18n/translator.js';
import type { Logger } from './log.js';
import { openStore } from './store/open.js';
import { serverOf } from './store/postgres/server.js';
import { loadSample, loadTopics } from './store/seed.js';
import { type EditorChannel, WireNotifier } from './wire/notifier.js';
import { FeedParser } from './wire/parser.js';
import { type FeedReader, HttpFeedReader } from './wire/reader.js';
import { WireScheduler, type WireSchedulerOptions } from './wire/scheduler.js';
import type { WireStore } from './wire/store.js';
import { Wire } from './wire/wire.js';

/** What the app needs from outside; tests pass their own. */
export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Defaults to the store the configuration names ({@link openStore}: PostgreSQL or lowdb). */
  readonly store?: Store;
  /** The console's streams (defaults: stdin and stdout). */
  readonly input?: Readable;
  readonly output?: Writable;
  /** Where the desk keeps sign-in links and sessions; defaults to the store. */
  readonly deskSessions?: DeskSessions;
  /** Delivery tuning (retry policy, timeouts); defaults suit production. */
  readonly delivery?: Partial<Pick<DeliveryEngineOptions, 'retry' | 'progressIntervalMs' | 'stopTimeoutMs'>>;
  /** The wire's store. Defaults to the store's own (`store.wire`). */
  readonly wireStore?: WireStore;
  /** Wire polling tuning (jitter, tick); defaults suit production. */
  readonly wirePolling?: Partial<
    Pick<WireSchedulerOptions, 'jitterMs' | 'tickMs' | 'concurrency' | 'shouldPoll'>
  >;
  /** Wire notifications: how often each editor may get a batch. */
  readonly wireNotifyIntervalMs?: number;
  /**
   * Who delivers when several processes share a database. @defaultValue with `DATABASE_URL`, the
   * advisory lock on it ({@link LockLeadership}); without, this process always leads
   */
  readonly leadership?: Leadership;
}

/** A running Briefcast: its parts, and how to stop it. */
export interface App {
  readonly store: Store;
  readonly newsroom: Newsroom;
  readonly dispatcher: Dispatcher;
  readonly adapters: readonly Adapter[];
  /** One send gate per platform; every adapter's command replies and every digest pass its own. */
  readonly gates: DeliveryGates;
  /** The digest engine; `delivery.tick()` runs a delivery now. */
  readonly delivery: DeliveryEngine;
  /** Ticks the engine every minute (and once at start). */
  readonly scheduler: Scheduler;
  /** The `/healthz` server when `HEALTH_PORT` is set. */
  readonly health?: HealthServer;
  /** The editors' desk when `DESK_PORT` is set. */
  readonly desk?: DeskServer;
  /** Whether this process leads (delivers, polls the wire and Telegram) or stands by. */
  readonly leadership: Leadership;
  /** Starts and stops the leader's work as leadership changes; `settled()` after a change. */
  readonly leaderDuties: LeaderDuties;
  /** The news wire: feeds, drafts, decisions. */
  readonly wire: Wire;
  /** Polls the wire's feeds every minute for those due; `wireScheduler.tick()` polls now. */
  readonly wireScheduler: WireScheduler;
  readonly wireNotifier: WireNotifier;
  /** Resolves when the app wants to end by itself (the console's input ended). */
  readonly ended: Promise<void>;
  /**
   * Stops in order: the leader's work (the scheduler, Telegram polling, delivery: sends in flight
   * finish, bounded, the rest is given back), leadership (a standby takes over), the wire, the
   * health server, the adapters, then the store (flushed). Safe to call twice.
   */
  stop(): Promise<void>;
}

/** Starts the desk, naming `DESK_PORT` when its port cannot be used. */
async function startDesk(
  config: NonNullable<Config['desk']>,
  options: Omit<DeskServerOptions, 'port'>,
): Promise<DeskServer> {
  try {
    return await startDeskServer({ ...options, port: config.port });
  } catch (e) {
    throw new Error(`DESK_PORT ${config.port} cannot be used (${(e as Error).message})`);
  }
}

/**
 * Builds and starts the app: store, newsroom, dispatcher, gates, adapters, the delivery engine (one
 * lane per running adapter: its sender, its platform's gate and concurrency), the health server,
 * and last leadership: a leader starts the scheduler, whose first tick delivers what fell due while
 * the bot was down (or what a leader that is gone left), the wire's polling and Telegram's long
 * polling; a standby serves commands only until it leads.
 */
export async function startApp(deps: AppDeps): Promise<App> {
  const { config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const leadership =
    deps.leadership ??
    (config.database === undefined
      ? soleLeadership()
      : new LockLeadership({ url: config.database.url, logger, retryMs: config.leaderRetrySeconds * 1000 }));
  // With a lock, Telegram long polling waits for the lead; alone, it starts with the adapter.
  const pollOnlyWhenLeading = leadership.kind === 'lock';
  const topics = await loadTopics();
  const openStart = performance.now();
  const store = deps.store ?? (await openStore(config, { logger }));
  logger.debug(
    {
      ...(config.database === undefined
        ? { file: config.databaseFile }
        : { server: serverOf(config.database.url) }),
      ms: Math.round(performance.now() - openStart),
      sinceStartMs: Math.round(openStart),
    },
    'store opened',
  );
  const consoleMode = isConsoleMode(config);
  if (config.sampleData ?? consoleMode) {
    const added = await loadSample(store, topics);
    if (added > 0) logger.info({ added }, 'loaded the sample briefing into an empty database');
  }
  const newsroom = new Newsroom(
    store,
    topics,
    {
      timezone: config.briefingTimezone,
      defaultDeliveryTime: config.defaultDeliveryTime,
      defaultLanguage: config.defaultLanguage,
    },
    clock,
  );
  const editors: Record<Platform, ReadonlySet<string>> = {
    telegram: new Set(config.adminTelegramIds),
    discord: new Set(config.adminDiscordIds),
    console: new Set([CONSOLE_USER_ID]),
  };
  const wireStore = deps.wireStore ?? store.wire;
  const parser = new FeedParser();
  const reader: FeedReader = new HttpFeedReader({ allowPrivate: config.feeds.allowPrivate }, parser);
  const wire = new Wire({ store: wireStore, newsroom, reader });
  const isEditor = (user: UserRef) => editors[user.platform].has(user.id);
  // The desk's sign-in links are minted by `/desk`, so they exist before the dispatcher.
  const deskAuth = config.desk
    ? new DeskAuth({
        sessions: deps.deskSessions ?? store,
        publicUrl: config.desk.publicUrl,
        isEditor,
      })
    : undefined;
  const dispatcher = new Dispatcher(commands, newsroom, editors, logger, wire, deskAuth);
  // Made before the adapters: each platform adapter takes its gate for its command replies.
  const gates = createGates(config, logger);

  let endApp: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    endApp = resolve;
  });
  const adapters: Adapter[] = [];
  if (consoleMode) {
    const language = config.consoleLanguage ?? config.defaultLanguage;
    adapters.push(
      new ConsoleAdapter({
        dispatcher,
        input: deps.input ?? process.stdin,
        output: deps.output ?? process.stdout,
        language,
        greeting: translatorFor(language).t('console.greeting'),
        onEnd: endApp,
      }),
    );
  }

  // Each platform's adapter, and with it its library (telegraf, discord.js), is loaded only when that
  // platform is configured: loading both cost every start about half a second, console mode included.
  if (config.telegram) {
    const { createTelegramAdapter } = await import('./adapters/telegram/telegram.js');
    adapters.push(
      createTelegramAdapter({
        dispatcher,
        newsroom,
        logger,
        config: config.telegram,
        gate: gates.telegram,
        now: () => clock.now(),
        editorIds: config.adminTelegramIds,
        pollOnlyWhenLeading,
      }),
    );
  }

  if (config.discord) {
    const { createDiscordAdapter } = await import('./adapters/discord/discord.js');
    adapters.push(
      createDiscordAdapter({ dispatcher, newsroom, logger, config: config.discord, now: () => clock.now() }),
    );
  }

  const lanes: DeliveryLanes = {};
  for (const adapter of adapters) {
    const platform = adapter.sender.platform;
    lanes[platform] = {
      sender: adapter.sender,
      gate: gates[platform],
      concurrency: deliveryConcurrency(platform, config),
    };
  }
  // Paused until this process leads (at once when it is the only one).
  const delivery = new DeliveryEngine({ newsroom, lanes, logger, ...deps.delivery, paused: true });
  const wireNotifier = new WireNotifier({
    wire,
    channels: adapters.flatMap((adapter) => editorChannel(adapter, gates)),
    editors: {
      telegram: config.adminTelegramIds,
      discord: config.adminDiscordIds,
      ...(consoleMode && { console: [CONSOLE_USER_ID] }),
    },
    logger,
    ...(deps.wireNotifyIntervalMs !== undefined && { intervalMs: deps.wireNotifyIntervalMs }),
  });
  // Only the leader polls the wire (and so only it notifies editors): `shouldPoll` is asked every round.
  const askedShouldPoll = deps.wirePolling?.shouldPoll;
  const wireScheduler = new WireScheduler({
    wire,
    clock,
    logger,
    pollMinutes: config.feeds.pollMinutes,
    onRound: (outcomes, now) => wireNotifier.afterRound(outcomes, now),
    ...deps.wirePolling,
    shouldPoll: async () =>
      leadership.isLeader() && (askedShouldPoll === undefined || (await askedShouldPoll())),
  });
  const scheduler = new Scheduler(delivery, { logger });
  const telegramAdapter = adapters.find((a): a is TelegramAdapter => a.name === 'telegram');
  const discordAdapter = adapters.find((a): a is DiscordAdapter => a.name === 'discord');
  const leaderDuties = new LeaderDuties({
    delivery,
    scheduler,
    ...(telegramAdapter && { telegramPolling: telegramAdapter }),
    clock,
    logger,
  });
  // Before the adapters connect, so a port in use stops the start before anything is online.
  const health =
    config.healthPort === undefined
      ? undefined
      : await startHealthServer({
          port: config.healthPort,
          adapters,
          delivery,
          logger,
          cluster: {
            isLeader: () => leadership.isLeader(),
            shards: () => discordAdapter?.shardIds() ?? null,
          },
        }).catch((e: unknown) => {
          throw new Error(`HEALTH_PORT ${config.healthPort} cannot be used (${(e as Error).message})`);
        });

  let desk: DeskServer | undefined;
  try {
    desk =
      config.desk && deskAuth
        ? await startDesk(config.desk, {
            newsroom,
            auth: deskAuth,
            logger,
            publicUrl: config.desk.publicUrl,
            wire,
          })
        : undefined;
    for (const adapter of adapters) await adapter.start();
  } catch (e) {
    await desk?.close();
    await health?.close();
    throw e;
  }
  wireScheduler.start();
  try {
    await leadership.start(leaderDuties);
    await leaderDuties.settled();
  } catch (e) {
    await wireScheduler.stop();
    for (const adapter of adapters) await adapter.stop().catch(() => undefined);
    await desk?.close();
    await health?.close();
    throw e;
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      // The leader's work ends first (sends in flight finish, the rest is given back), then the lock
      // goes, so the standby that takes over finds no claim of ours still being sent.
      leaderDuties.onStandBy();
      await leaderDuties.settled();
      await leadership.stop();
      await wireScheduler.stop();
      await parser.close();
      await scheduler.stop();
      await delivery.stop();
      await desk?.close();
      await health?.close();
      for (const adapter of adapters) {
        try {
          await adapter.stop();
        } catch (e) {
          logger.error({ err: e, adapter: adapter.name }, 'adapter did not stop cleanly');
        }
      }
      await store.close();
      if (wireStore !== store.wire) await wireStore.close();
    })();
    return stopping;
  };
  return {
    store,
    newsroom,
    dispatcher,
    adapters,
    gates,
    delivery,
    scheduler,
    ...(health && { health }),
    ...(desk && { desk }),
    leadership,
    leaderDuties,
    wire,
    wireScheduler,
    wireNotifier,
    ended,
    stop,
  };
}

/**
 * How the wire reaches editors on an adapter's platform: its private chat with the bot, and the
 * adapter's sender through the platform's send gate (notifications share the bot's rate budget).
 */
function editorChannel(adapter: Adapter, gates: DeliveryGates): EditorChannel[] {
  const directChat = adapter.directChat?.bind(adapter);
  if (directChat === undefined) return [];
  const { sender } = adapter;
  const gate = gates[sender.platform];
  return [
    {
      platform: sender.platform,
      chatOf: (userId) => directChat(userId),
      async send(chat, doc) {
        let outcome: Awaited<ReturnType<EditorChannel['send']>> = { kind: 'sent' };
        for (const part of sender.render(doc)) {
          await gate?.acquire(chat, 'private');
          try {
            outcome = await sender.send(chat, part, { kind: 'notice', chatKind: 'private' });
          } finally {
            gate?.answered?.(chat, 'private');
          }
          if (outcome.kind !== 'sent') return outcome;
        }
        return outcome;
      },
    },
  ];
}

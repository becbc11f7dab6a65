import type { Readable, Writable } from 'node:stream';
import { commands } from '../commands/index.js';
import type { Adapter } from './adapters/adapter.js';
import { ConsoleAdapter } from './adapters/console/console.js';
import type { Config } from './config.js';
import type { Platform } from './core/chat.js';
import { type Clock, systemClock } from './core/clock.js';
import { CONSOLE_USER_ID, Dispatcher } from './core/dispatch.js';
import { Newsroom } from './core/newsroom.js';
import type { Store } from './core/store.js';
import type { Logger } from './log.js';
import { LowdbStore } from './store/lowdb.js';
import { loadSample, loadTopics } from './store/seed.js';

/** What the app needs from outside; tests pass their own. */
export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Defaults to the lowdb store at `config.databaseFile`. */
  readonly store?: Store;
  /** The console's streams (defaults: stdin and stdout). */
  readonly input?: Readable;
  readonly output?: Writable;
}

/** A running Briefcast: its parts, and how to stop it. */
export interface App {
  readonly store: Store;
  readonly newsroom: Newsroom;
  readonly dispatcher: Dispatcher;
  readonly adapters: readonly Adapter[];
  /** Resolves when the app wants to end by itself (the console's input ended). */
  readonly ended: Promise<void>;
  /** Stops adapters, lets work under way finish, flushes the store. Safe to call twice. */
  stop(): Promise<void>;
}

/** Builds and starts the app: store, newsroom, dispatcher, adapters. */
export async function startApp(deps: AppDeps): Promise<App> {
  const { config, logger } = deps;
  const clock = deps.clock ?? systemClock;
  const topics = await loadTopics();
  const store = deps.store ?? (await LowdbStore.open(config.databaseFile, { logger }));
  const platformConfigured = config.telegram !== undefined || config.discord !== undefined;
  const consoleMode = !platformConfigured;
  if (config.sampleData ?? consoleMode) {
    const added = await loadSample(store, topics);
    if (added > 0) logger.info({ added }, 'loaded the sample briefing into an empty database');
  }
  const newsroom = new Newsroom(
    store,
    topics,
    { timezone: config.briefingTimezone, defaultDeliveryTime: config.defaultDeliveryTime },
    clock,
  );
  const editors: Record<Platform, ReadonlySet<string>> = {
    telegram: new Set(config.adminTelegramIds),
    discord: new Set(config.adminDiscordIds),
    console: new Set([CONSOLE_USER_ID]),
  };
  const dispatcher = new Dispatcher(commands, newsroom, editors, logger);

  let endApp: () => void = () => {};
  const ended = new Promise<void>((resolve) => {
    endApp = resolve;
  });
  const adapters: Adapter[] = [];
  if (consoleMode) {
    adapters.push(
      new ConsoleAdapter({
        dispatcher,
        input: deps.input ?? process.stdin,
        output: deps.output ?? process.stdout,
        greeting:
          'Briefcast console — a local chat on the sample briefing; you are an editor. Type /help. (Set TELEGRAM_BOT_TOKEN or DISCORD_TOKEN in .env to connect a platform.)',
        onEnd: endApp,
      }),
    );
  }
  for (const adapter of adapters) await adapter.start();

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const adapter of adapters) {
        try {
          await adapter.stop();
        } catch (e) {
          logger.error({ err: e, adapter: adapter.name }, 'adapter did not stop cleanly');
        }
      }
      await store.close();
    })();
    return stopping;
  };
  return { store, newsroom, dispatcher, adapters, ended, stop };
}

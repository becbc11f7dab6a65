import { commands } from '../../commands/index.js';
import type { Platform } from '../../src/core/chat.js';
import type { Clock } from '../../src/core/clock.js';
import type { DeskLinks } from '../../src/core/desk.js';
import { CONSOLE_USER_ID, Dispatcher } from '../../src/core/dispatch.js';
import { Newsroom } from '../../src/core/newsroom.js';
import type { Store } from '../../src/core/store.js';
import { silentLogger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory.js';
import { loadSample, loadTopics } from '../../src/store/seed.js';
import { MemoryWireStore } from '../../src/wire/memory-store.js';
import type { FeedReader } from '../../src/wire/reader.js';
import { Wire } from '../../src/wire/wire.js';

/** A feed reader for fixtures that read no feeds: every read fails (the wire's own tests serve real feeds). */
const NO_FEEDS: FeedReader = { read: async () => ({ kind: 'failed', reason: 'no feeds in this fixture' }) };

/** A clock a test sets by hand. */
export class TestClock implements Clock {
  #now: Date;
  constructor(start: string | Date) {
    this.#now = new Date(start);
  }
  now(): Date {
    return new Date(this.#now);
  }
  /** Sets the time. */
  set(at: string | Date): void {
    this.#now = new Date(at);
  }
  /** Moves the time forward. */
  advance(ms: number): void {
    this.#now = new Date(this.#now.getTime() + ms);
  }
}

/** Options for {@link makeNewsroom}. */
export interface NewsroomFixtureOptions {
  readonly now?: string;
  readonly store?: Store;
  /** Load the sample briefing (default true). */
  readonly sample?: boolean;
  readonly editors?: Partial<Record<Platform, string[]>>;
  readonly timezone?: string;
  readonly defaultDeliveryTime?: string;
  /** The desk's sign-in links, for `/desk`. */
  readonly desk?: DeskLinks;
  /** How the wire reads feeds; by default it reads none. */
  readonly reader?: FeedReader;
}

/**
 * A newsroom on a memory store (with the sample briefing), a dispatcher with every command (the
 * wire on a memory store, reading no feeds), a test clock.
 */
export async function makeNewsroom(options: NewsroomFixtureOptions = {}) {
  const clock = new TestClock(options.now ?? '2022-01-11T06:00:00Z');
  const store = options.store ?? new MemoryStore();
  const topics = await loadTopics();
  if (options.sample ?? true) await loadSample(store, topics);
  const newsroom = new Newsroom(
    store,
    topics,
    {
      timezone: options.timezone ?? 'Asia/Shanghai',
      defaultDeliveryTime: options.defaultDeliveryTime ?? '08:00',
    },
    clock,
  );
  const editors: Record<Platform, ReadonlySet<string>> = {
    telegram: new Set(options.editors?.telegram ?? []),
    discord: new Set(options.editors?.discord ?? []),
    console: new Set([CONSOLE_USER_ID, ...(options.editors?.console ?? [])]),
  };
  const wire = new Wire({ store: new MemoryWireStore(), newsroom, reader: options.reader ?? NO_FEEDS });
  const dispatcher = new Dispatcher(commands, newsroom, editors, silentLogger, wire, options.desk);
  return { clock, store, topics, newsroom, dispatcher, wire };
}

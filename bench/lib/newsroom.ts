import { commands } from '../../commands/index.js';
import type { ChatKind, ChatRef } from '../../src/core/chat.js';
import { chatKey } from '../../src/core/chat.js';
import type { Clock } from '../../src/core/clock.js';
import { CONSOLE_USER_ID, Dispatcher } from '../../src/core/dispatch.js';
import { Newsroom } from '../../src/core/newsroom.js';
import type { Subscription } from '../../src/core/subscription.js';
import type { Logger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory.js';
import { loadSample, loadTopics } from '../../src/store/seed.js';

/**
 * The instant every fan-out bench delivers at: the sample briefing's items were published on
 * 2022-01-11 between 01:00 and 01:30 UTC, and every bench subscription is due at 08:00 UTC.
 */
export const BENCH_NOW = new Date('2022-01-11T08:00:00Z');
const BENCH_TIME = '08:00';
const BENCH_TIMEZONE = 'UTC';
const BENCH_AUTHOR = { platform: 'console', id: 'bench', name: 'Bench' } as const;

/** A clock stopped at {@link BENCH_NOW}: every delivery in a run sees the same day. */
const benchClock: Clock = { now: () => new Date(BENCH_NOW) };

/** A newsroom on the in-memory store with the sample briefing, and a dispatcher with every command. */
export async function benchNewsroom(logger: Logger) {
  const store = new MemoryStore();
  const topics = await loadTopics();
  await loadSample(store, topics);
  const newsroom = new Newsroom(
    store,
    topics,
    { timezone: BENCH_TIMEZONE, defaultDeliveryTime: BENCH_TIME },
    benchClock,
  );
  const dispatcher = new Dispatcher(
    commands,
    newsroom,
    { telegram: new Set(), discord: new Set(), console: new Set([CONSOLE_USER_ID]) },
    logger,
  );
  return { store, newsroom, dispatcher, clock: benchClock };
}

/** A subscription to every topic, due at {@link BENCH_NOW} and never delivered before. */
export function benchSubscription(chat: ChatRef, chatKind: ChatKind): Subscription {
  const at = '2021-12-01T00:00:00.000Z';
  return {
    key: chatKey(chat),
    chat,
    chatKind,
    topics: [],
    time: BENCH_TIME,
    timezone: BENCH_TIMEZONE,
    status: 'active',
    createdBy: BENCH_AUTHOR,
    createdAt: at,
    updatedAt: at,
    startDate: '2021-12-01',
  };
}

/** The sample digest as every bench chat gets it, in one platform's rendering. */
export async function sampleDigestDoc(logger: Logger) {
  const { newsroom } = await benchNewsroom(logger);
  const digest = await newsroom.digests.select({ topics: [] }, BENCH_NOW);
  if (digest === undefined) throw new Error('the sample briefing has no digest at the bench instant');
  return newsroom.views.digest(digest);
}

import type { Platform } from '../../src/core/chat.js';
import type { SendGate } from '../../src/core/sender.js';
import type { Store } from '../../src/core/store.js';
import type { SubscriptionRecord } from '../../src/core/subscription.js';
import { DeliveryEngine, type DeliveryEngineOptions, type DeliveryLanes } from '../../src/delivery/engine.js';
import type { RetryPolicy } from '../../src/delivery/outcomes.js';
import { type Logger, silentLogger } from '../../src/log.js';
import {
  type SubscriptionSeed,
  sampleSub,
  seedSubscription,
  splitSeed,
  TEST_AUTHOR,
} from '../helpers/fixtures.js';
import { makeNewsroom } from '../helpers/newsroom.js';
import { FakeSender, RecordingGate } from './fake-sender.js';

/** Retries that take milliseconds, not seconds. */
export const FAST_RETRY: Partial<RetryPolicy> = { backoffBaseMs: 1, backoffMaxMs: 4 };

/** Options for {@link makeDelivery}. */
export interface DeliveryFixtureOptions {
  readonly now?: string;
  readonly store?: Store;
  /** Load the sample briefing (items on 2022-01-11 01:00–01:30 UTC). @defaultValue true */
  readonly sample?: boolean;
  /** One fake sender per platform. @defaultValue one Telegram sender */
  readonly senders?: readonly FakeSender[];
  readonly gates?: Partial<Record<Platform, SendGate>>;
  readonly concurrency?: number;
  readonly logger?: Logger;
  readonly engine?: Partial<DeliveryEngineOptions>;
}

/** A newsroom (test clock, sample briefing) and a delivery engine sending through fake senders. */
export async function makeDelivery(options: DeliveryFixtureOptions = {}) {
  const fixture = await makeNewsroom({
    now: options.now ?? '2022-01-11T08:00:00Z',
    ...(options.store && { store: options.store }),
    sample: options.sample ?? true,
    timezone: 'UTC',
  });
  const senders = options.senders ?? [new FakeSender('telegram')];
  const gates: Partial<Record<Platform, RecordingGate | SendGate>> = {};
  const lanes: DeliveryLanes = {};
  for (const sender of senders) {
    const gate = options.gates?.[sender.platform] ?? new RecordingGate();
    gates[sender.platform] = gate;
    lanes[sender.platform] = { sender, gate, concurrency: options.concurrency ?? 4 };
  }
  const engine = new DeliveryEngine({
    newsroom: fixture.newsroom,
    lanes,
    logger: options.logger ?? silentLogger,
    retry: FAST_RETRY,
    ...options.engine,
  });
  const sender = senders[0]!;
  const gate = gates[sender.platform] as RecordingGate;
  return { ...fixture, engine, lanes, senders, sender, gate };
}

/**
 * Saves a subscription (`key` is `platform:id`) that may start on any date by default; delivery
 * fields in `over` (cursor, lastDigestDate, …) go into its delivery record.
 */
export async function subscribe(
  store: Store,
  key: string,
  over: SubscriptionSeed = {},
): Promise<SubscriptionRecord> {
  const { settings, delivery } = splitSeed(over);
  return seedSubscription(store, sampleSub(key, { startDate: '2000-01-01', ...settings }), delivery);
}

/** Adds an item published at `at` (ISO). */
export async function postAt(store: Store, at: string, headline = `Item at ${at}`, topic = 'mining') {
  return store.addItem({
    topic,
    headline,
    body: `Body of ${headline}.`,
    author: TEST_AUTHOR,
    publishedAt: new Date(at).toISOString(),
    updatedAt: new Date(at).toISOString(),
  });
}

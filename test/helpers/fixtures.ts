import { type ChatRef, chatKey } from '../../src/core/chat.js';
import type { SubscriptionStore } from '../../src/core/store.js';
import {
  DELIVERY_FIELDS,
  type DeliveryState,
  NO_DELIVERY,
  type Subscription,
  type SubscriptionRecord,
} from '../../src/core/subscription.js';

/** An author for items made in tests. */
export const TEST_AUTHOR = { platform: 'console', id: 'e', name: 'Editor' } as const;

/** An active subscription of `chat` (all topics, 08:00 UTC, started 2022-01-10) with `over` applied. */
export function subscriptionFor(chat: ChatRef, over: Partial<Subscription> = {}): Subscription {
  return {
    key: chatKey(chat),
    chat,
    chatKind: 'private',
    topics: [],
    time: '08:00',
    timezone: 'UTC',
    status: 'active',
    createdBy: TEST_AUTHOR,
    createdAt: '2022-01-10T00:00:00.000Z',
    updatedAt: '2022-01-10T00:00:00.000Z',
    startDate: '2022-01-10',
    ...over,
  };
}

/** A subscription keyed `platform:id` (e.g. `telegram:1`), started 2026-11-01, with `over` applied. */
export function sampleSub(key = 'telegram:1', over: Partial<Subscription> = {}): Subscription {
  const [platform, id] = key.split(':') as [ChatRef['platform'], string];
  return subscriptionFor(
    { platform, id },
    {
      createdAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-01T00:00:00.000Z',
      startDate: '2026-11-01',
      ...over,
    },
  );
}

/** Settings and delivery fields of a subscription a test starts from, in one object. */
export type SubscriptionSeed = Partial<Subscription> & Partial<Omit<DeliveryState, 'claim'>>;

const SEEDED_DELIVERY_FIELDS: ReadonlySet<string> = new Set(DELIVERY_FIELDS.filter((f) => f !== 'claim'));

/** A seed split into settings and delivery fields. */
export function splitSeed(seed: SubscriptionSeed): {
  settings: Partial<Subscription>;
  delivery: Partial<DeliveryState> | undefined;
} {
  const settings: Record<string, unknown> = {};
  let delivery: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(seed)) {
    if (!SEEDED_DELIVERY_FIELDS.has(k)) settings[k] = v;
    else {
      delivery ??= {};
      delivery[k] = v;
    }
  }
  return { settings, delivery };
}

/**
 * Stores `settings` with a delivery record made of `delivery` (when given, through
 * `importSubscriptions`; otherwise as `/subscribe` does, through `saveSubscription`).
 */
export async function seedSubscription(
  store: SubscriptionStore,
  settings: Subscription,
  delivery?: Partial<DeliveryState>,
): Promise<SubscriptionRecord> {
  const record = { settings, delivery: { ...NO_DELIVERY, ...delivery } };
  if (delivery) await store.importSubscriptions([record]);
  else await store.saveSubscription(settings);
  return record;
}

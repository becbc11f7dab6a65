/**
 * Data for the fault drills, written through the store's public API only (`LowdbStore.open`, the
 * `Store` port, `close`), so the drills hold whatever layout the store keeps its data in.
 */
import type { ChatKind, ChatRef } from '../../src/core/chat.js';
import { chatKey } from '../../src/core/chat.js';
import type { Store } from '../../src/core/store.js';
import type { Subscription, SubscriptionRecord } from '../../src/core/subscription.js';
import { silentLogger } from '../../src/log.js';
import { LowdbStore } from '../../src/store/lowdb.js';

const AUTHOR = { platform: 'console', id: 'drill', name: 'Drill editor' } as const;
/** A start date long past, so a 00:00 subscription is due whenever the bot runs. */
const LONG_AGO = '2020-01-01';

/**
 * A fixed-offset time zone where it is now about noon, so a drill (a few seconds long) never
 * crosses a local midnight, where a 00:00 subscription would fall due a second time.
 */
export function noonZone(now = new Date()): string {
  const offset = (((12 - now.getUTCHours()) % 24) + 24) % 24;
  const hours = offset > 12 ? offset - 24 : offset;
  // POSIX-style names: Etc/GMT-5 is five hours ahead of UTC.
  return hours === 0 ? 'Etc/UTC' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
}

/** Today's date in `timezone`, `YYYY-MM-DD`: the local date a digest due now is for. */
export function todayIn(timezone: string, now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, dateStyle: 'short' }).format(now);
}

/**
 * An active subscription to every topic at 00:00 in `timezone`, starting long ago: due whenever the
 * bot runs, until it has had today's digest.
 */
export function dueSubscription(chat: ChatRef, chatKind: ChatKind, timezone = noonZone()): Subscription {
  const at = new Date(Date.now() - 24 * 3600_000).toISOString();
  return {
    key: chatKey(chat),
    chat,
    chatKind,
    topics: [],
    time: '00:00',
    timezone,
    status: 'active',
    createdBy: AUTHOR,
    createdAt: at,
    updatedAt: at,
    startDate: LONG_AGO,
  };
}

/** Adds one short item published an hour ago, so every first digest holds exactly one message. */
export async function addFreshItem(store: Store, headline = 'Drill: hash rate moves west'): Promise<void> {
  const at = new Date(Date.now() - 3600_000).toISOString();
  await store.addItem({
    topic: 'mining',
    headline,
    body: 'Miners keep moving their machines to cheaper power.',
    author: AUTHOR,
    publishedAt: at,
    updatedAt: at,
  });
}

/**
 * Writes an item and a due subscription (00:00 in `timezone`) for each chat to the data file at
 * `file`, then closes it.
 */
export async function seedDataFile(
  file: string,
  chats: readonly ChatRef[],
  chatKind: ChatKind,
  timezone: string,
): Promise<void> {
  const store = await LowdbStore.open(file, { logger: silentLogger });
  try {
    await addFreshItem(store);
    for (const chat of chats) await store.saveSubscription(dueSubscription(chat, chatKind, timezone));
  } finally {
    await store.close();
  }
}

/** Reads every subscription from the data file at `file` (opening and closing the store). */
export async function readSubscriptions(file: string): Promise<readonly SubscriptionRecord[]> {
  const store = await LowdbStore.open(file, { logger: silentLogger });
  try {
    return store.allSubscriptions();
  } finally {
    await store.close();
  }
}

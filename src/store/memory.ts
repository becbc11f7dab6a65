import type { Item } from '../core/items.js';
import type { DeliveryRun, ItemPage, ItemQuery, Store, TopicStats } from '../core/store.js';
import type { DeliveryClaim, DeliveryProgress, Subscription } from '../core/subscription.js';
import { ItemIndex, toItemPage } from './item-index.js';
import { SubscriptionTable } from './subscription-table.js';

/** How many delivery runs are kept. */
export const KEPT_RUNS = 50;

/** Everything a store holds, as plain data (the shape of a schema-1 data file). */
export interface StoreData {
  nextItemId: number;
  items: Item[];
  subscriptions: Subscription[];
  runs: DeliveryRun[];
}

/** One change to the data, as a persistent store journals it. Applying a change twice is harmless. */
export type Change =
  | { readonly op: 'item'; readonly item: Item }
  | { readonly op: 'itemDeleted'; readonly id: number }
  | { readonly op: 'subscription'; readonly sub: Subscription }
  | { readonly op: 'subscriptionDeleted'; readonly key: string }
  | { readonly op: 'run'; readonly run: DeliveryRun };

/** An empty data set. */
export function emptyData(): StoreData {
  return { nextItemId: 1, items: [], subscriptions: [], runs: [] };
}

/** `runs` with `run` appended (once: a run already there is not added again), the newest {@link KEPT_RUNS}. */
export function keepRun(runs: readonly DeliveryRun[], run: DeliveryRun): DeliveryRun[] {
  if (runs.some((r) => r.id === run.id)) return [...runs];
  return [...runs, run].slice(-KEPT_RUNS);
}

/**
 * A {@link Store} held in memory: the store for tests and for the console. Items are kept sorted by
 * publication time, overall and per topic ({@link ItemIndex}), so range queries are binary searches.
 */
export class MemoryStore implements Store {
  #nextItemId: number;
  readonly #items: ItemIndex<Item>;
  readonly #subs = new SubscriptionTable();
  #runs: DeliveryRun[];

  constructor(data: StoreData = emptyData()) {
    this.#nextItemId = data.nextItemId;
    this.#items = new ItemIndex(data.items);
    for (const sub of data.subscriptions) this.#subs.set(sub);
    this.#runs = [...data.runs];
  }

  async addItem(fields: Omit<Item, 'id'>): Promise<Item> {
    const item: Item = { ...fields, id: this.#nextItemId++ };
    this.#items.put(item);
    return item;
  }

  async replaceItem(item: Item): Promise<boolean> {
    if (!this.#items.get(item.id)) return false;
    this.#items.put(item);
    return true;
  }

  async deleteItem(id: number): Promise<Item | undefined> {
    return this.#items.remove(id);
  }

  async getItem(id: number): Promise<Item | undefined> {
    return this.#items.get(id);
  }

  async queryItems(query: ItemQuery): Promise<ItemPage> {
    return toItemPage(this.#items.query(query));
  }

  async topicStats(): Promise<TopicStats> {
    return this.#items.stats();
  }

  async getSubscription(key: string): Promise<Subscription | undefined> {
    return this.#subs.get(key);
  }

  async listSubscriptions(): Promise<readonly Subscription[]> {
    return this.#subs.list();
  }

  async saveSubscription(sub: Subscription): Promise<void> {
    this.#subs.set(sub);
  }

  async deleteSubscription(key: string): Promise<boolean> {
    return this.#subs.delete(key);
  }

  async claimDelivery(key: string, claim: DeliveryClaim, now: string): Promise<Subscription | undefined> {
    return this.#subs.claim(key, claim, now);
  }

  async finishDelivery(key: string, owner: string, changes: Partial<Subscription>): Promise<boolean> {
    return this.#subs.finish(key, owner, changes) !== undefined;
  }

  async recordProgress(key: string, owner: string, progress: DeliveryProgress): Promise<boolean> {
    return this.#subs.progress(key, owner, progress) !== undefined;
  }

  async addRun(run: DeliveryRun): Promise<void> {
    this.#runs = keepRun(this.#runs, run);
  }

  async recentRuns(limit: number): Promise<readonly DeliveryRun[]> {
    return this.#runs.slice(-limit);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}

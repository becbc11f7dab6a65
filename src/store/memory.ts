import type { Item } from '../core/items.js';
import type { DeliveryRun, ItemPage, ItemQuery, Store, TopicStats } from '../core/store.js';
import type { DeliveryClaim, DeliveryProgress, Subscription } from '../core/subscription.js';

/** How many delivery runs are kept. */
export const KEPT_RUNS = 50;

/** Everything a store holds, as plain data: the shape of the data file. */
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

const byTime = (a: Item, b: Item): number =>
  a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : a.id - b.id;

/** The first index in sorted `list` whose item is not `before` the probe. */
function lowerBound(list: readonly Item[], isBefore: (item: Item) => boolean): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (isBefore(list[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The `[lo, hi)` slice of time-sorted `list` that `query`'s time bounds select. */
function timeRange(list: readonly Item[], query: ItemQuery): [number, number] {
  let lo = 0;
  let hi = list.length;
  const { from, after, upTo, before } = query;
  if (from !== undefined)
    lo = Math.max(
      lo,
      lowerBound(list, (i) => i.publishedAt < from),
    );
  if (after !== undefined)
    lo = Math.max(
      lo,
      lowerBound(list, (i) => i.publishedAt <= after),
    );
  if (upTo !== undefined)
    hi = Math.min(
      hi,
      lowerBound(list, (i) => i.publishedAt <= upTo),
    );
  if (before !== undefined)
    hi = Math.min(
      hi,
      lowerBound(list, (i) => i.publishedAt < before),
    );
  return [lo, Math.max(lo, hi)];
}

/**
 * A {@link Store} held in memory: the store for tests, and the working set of the lowdb store, which
 * persists the {@link Change}s this one reports. Items are kept sorted by publication time, overall
 * and per topic, so range queries are binary searches.
 */
export class MemoryStore implements Store {
  #nextItemId: number;
  readonly #items = new Map<number, Item>();
  #sorted: Item[] = [];
  readonly #byTopic = new Map<string, Item[]>();
  readonly #subs = new Map<string, Subscription>();
  #runs: DeliveryRun[];

  constructor(data: StoreData = emptyData()) {
    this.#nextItemId = data.nextItemId;
    for (const item of data.items) this.#items.set(item.id, item);
    for (const sub of data.subscriptions) this.#subs.set(sub.key, sub);
    this.#runs = [...data.runs];
    this.#reindex();
  }

  /** Called after every change; the lowdb store journals and batches them. */
  protected changed(_change: Change | undefined): void {}

  /** Applies a change read back from a journal. */
  protected apply(change: Change): void {
    switch (change.op) {
      case 'item':
        this.#putItem(change.item);
        break;
      case 'itemDeleted':
        this.#removeItem(change.id);
        break;
      case 'subscription':
        this.#subs.set(change.sub.key, change.sub);
        break;
      case 'subscriptionDeleted':
        this.#subs.delete(change.key);
        break;
      case 'run':
        this.#pushRun(change.run);
        break;
    }
  }

  /** A snapshot of everything, for writing out. */
  snapshot(): StoreData {
    return {
      nextItemId: this.#nextItemId,
      items: [...this.#items.values()].sort((a, b) => a.id - b.id),
      subscriptions: [...this.#subs.values()],
      runs: [...this.#runs],
    };
  }

  #reindex(): void {
    this.#sorted = [...this.#items.values()].sort(byTime);
    this.#byTopic.clear();
    for (const item of this.#sorted) this.#topicList(item.topic).push(item);
  }

  #topicList(topic: string): Item[] {
    let list = this.#byTopic.get(topic);
    if (!list) {
      list = [];
      this.#byTopic.set(topic, list);
    }
    return list;
  }

  #putItem(item: Item): void {
    this.#removeItem(item.id);
    this.#items.set(item.id, item);
    this.#nextItemId = Math.max(this.#nextItemId, item.id + 1);
    for (const list of [this.#sorted, this.#topicList(item.topic)]) {
      list.splice(
        lowerBound(list, (i) => byTime(i, item) < 0),
        0,
        item,
      );
    }
  }

  #removeItem(id: number): Item | undefined {
    const item = this.#items.get(id);
    if (!item) return undefined;
    this.#items.delete(id);
    for (const list of [this.#sorted, this.#topicList(item.topic)]) {
      const at = lowerBound(list, (i) => byTime(i, item) < 0);
      if (list[at]?.id === id) list.splice(at, 1);
    }
    return item;
  }

  #pushRun(run: DeliveryRun): void {
    if (this.#runs.some((r) => r.id === run.id)) return;
    this.#runs.push(run);
    if (this.#runs.length > KEPT_RUNS) this.#runs = this.#runs.slice(-KEPT_RUNS);
  }

  async addItem(fields: Omit<Item, 'id'>): Promise<Item> {
    const item: Item = { ...fields, id: this.#nextItemId };
    this.#putItem(item);
    this.changed({ op: 'item', item });
    return item;
  }

  async replaceItem(item: Item): Promise<boolean> {
    if (!this.#items.has(item.id)) return false;
    this.#putItem(item);
    this.changed({ op: 'item', item });
    return true;
  }

  async deleteItem(id: number): Promise<Item | undefined> {
    const item = this.#removeItem(id);
    if (item) this.changed({ op: 'itemDeleted', id });
    return item;
  }

  async getItem(id: number): Promise<Item | undefined> {
    return this.#items.get(id);
  }

  async queryItems(query: ItemQuery): Promise<ItemPage> {
    const lists =
      query.topics && query.topics.length > 0
        ? [...new Set(query.topics)].map((t) => this.#byTopic.get(t) ?? [])
        : [this.#sorted];
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    let total = 0;
    let picked: Item[] = [];
    for (const list of lists) {
      const [lo, hi] = timeRange(list, query);
      total += hi - lo;
      picked = picked.concat(list.slice(Math.max(lo, hi - limit), hi));
    }
    picked.sort((a, b) => byTime(b, a));
    return { items: picked.slice(0, limit), total };
  }

  async topicStats(): Promise<TopicStats> {
    const stats: Record<string, { count: number; latest?: string }> = {};
    for (const [topic, list] of this.#byTopic) {
      const latest = list.at(-1)?.publishedAt;
      if (list.length > 0) stats[topic] = { count: list.length, ...(latest !== undefined && { latest }) };
    }
    return stats;
  }

  async getSubscription(key: string): Promise<Subscription | undefined> {
    return this.#subs.get(key);
  }

  async listSubscriptions(): Promise<readonly Subscription[]> {
    return [...this.#subs.values()];
  }

  async saveSubscription(sub: Subscription): Promise<void> {
    this.#subs.set(sub.key, sub);
    this.changed({ op: 'subscription', sub });
  }

  async deleteSubscription(key: string): Promise<boolean> {
    const existed = this.#subs.delete(key);
    if (existed) this.changed({ op: 'subscriptionDeleted', key });
    return existed;
  }

  async claimDelivery(key: string, claim: DeliveryClaim, now: string): Promise<Subscription | undefined> {
    const sub = this.#subs.get(key);
    if (sub?.status !== 'active') return undefined;
    if (sub.lastDigestDate !== undefined && sub.lastDigestDate >= claim.date) return undefined;
    if (sub.claim && sub.claim.owner !== claim.owner && sub.claim.expiresAt > now) return undefined;
    const claimed: Subscription = { ...sub, claim };
    this.#subs.set(key, claimed);
    // A claim is not journalled: after a restart every claim of the old process is void anyway.
    this.changed(undefined);
    return claimed;
  }

  async finishDelivery(key: string, owner: string, changes: Partial<Subscription>): Promise<boolean> {
    const sub = this.#subs.get(key);
    if (!sub || sub.claim?.owner !== owner) return false;
    const { claim: _dropped, ...rest } = { ...sub, ...changes };
    const finished: Subscription = rest;
    this.#subs.set(key, finished);
    this.changed({ op: 'subscription', sub: finished });
    return true;
  }

  async recordProgress(key: string, owner: string, progress: DeliveryProgress): Promise<boolean> {
    const sub = this.#subs.get(key);
    if (!sub || sub.claim?.owner !== owner) return false;
    const updated: Subscription = { ...sub, progress };
    this.#subs.set(key, updated);
    // Journalled with its claim; opening the store again releases the claim and keeps the progress.
    this.changed({ op: 'subscription', sub: updated });
    return true;
  }

  /** Drops every delivery claim (a restarted single process owns none of them). */
  protected releaseAllClaims(): number {
    let released = 0;
    for (const [key, sub] of this.#subs) {
      if (!sub.claim) continue;
      const { claim: _dropped, ...rest } = sub;
      this.#subs.set(key, rest);
      released++;
    }
    return released;
  }

  async addRun(run: DeliveryRun): Promise<void> {
    this.#pushRun(run);
    this.changed({ op: 'run', run });
  }

  async recentRuns(limit: number): Promise<readonly DeliveryRun[]> {
    return this.#runs.slice(-limit);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}

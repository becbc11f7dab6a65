import type { ItemPage, ItemQuery, TopicStats } from '../core/store.js';

/** What the index needs of an item: enough to place it in time and topic. */
export interface Indexed {
  readonly id: number;
  readonly topic: string;
  /** UTC instant, ISO 8601 (these compare as strings). */
  readonly publishedAt: string;
}

/** Time order: by publication instant, then id. */
export const byTime = (a: Indexed, b: Indexed): number =>
  a.publishedAt < b.publishedAt ? -1 : a.publishedAt > b.publishedAt ? 1 : a.id - b.id;

/** The first index in sorted `list` whose entry is not `before` the probe. */
function lowerBound<T>(list: readonly T[], isBefore: (entry: T) => boolean): number {
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
function timeRange(list: readonly Indexed[], query: ItemQuery): [number, number] {
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

function isSorted(list: readonly Indexed[]): boolean {
  for (let i = 1; i < list.length; i++) if (byTime(list[i - 1]!, list[i]!) > 0) return false;
  return true;
}

/** The entries a query selects, newest first, and how many matched before its `limit`. */
export interface IndexPage<T> {
  readonly entries: readonly T[];
  readonly total: number;
}

/**
 * Items (or stand-ins for them) kept sorted by publication time, overall and per topic, so a range
 * query is two binary searches and a slice. The in-memory store indexes whole items; the lowdb store
 * indexes only id, topic and time, and fetches the bodies a query returns from the month files.
 */
export class ItemIndex<T extends Indexed> {
  readonly #byId = new Map<number, T>();
  #sorted: T[] = [];
  readonly #byTopic = new Map<string, T[]>();

  constructor(entries: Iterable<T> = []) {
    for (const entry of entries) this.#byId.set(entry.id, entry);
    this.#sorted = [...this.#byId.values()];
    // Files keep their entries in time order; sorting is only needed when they do not.
    if (!isSorted(this.#sorted)) this.#sorted.sort(byTime);
    for (const entry of this.#sorted) this.#topicList(entry.topic).push(entry);
  }

  /** How many entries. */
  get size(): number {
    return this.#byId.size;
  }

  get(id: number): T | undefined {
    return this.#byId.get(id);
  }

  /** Every entry, oldest first. */
  inTimeOrder(): readonly T[] {
    return this.#sorted;
  }

  /** Adds or replaces the entry with `entry.id`; returns the one replaced. */
  put(entry: T): T | undefined {
    const previous = this.remove(entry.id);
    this.#byId.set(entry.id, entry);
    for (const list of [this.#sorted, this.#topicList(entry.topic)]) {
      list.splice(
        lowerBound(list, (i) => byTime(i, entry) < 0),
        0,
        entry,
      );
    }
    return previous;
  }

  /** Removes the entry with `id`; returns it. */
  remove(id: number): T | undefined {
    const entry = this.#byId.get(id);
    if (!entry) return undefined;
    this.#byId.delete(id);
    for (const list of [this.#sorted, this.#topicList(entry.topic)]) {
      const at = lowerBound(list, (i) => byTime(i, entry) < 0);
      if (list[at]?.id === id) list.splice(at, 1);
    }
    return entry;
  }

  /** The entries `query` selects, newest first (at most `limit`), and how many matched. */
  query(query: ItemQuery): IndexPage<T> {
    const lists =
      query.topics && query.topics.length > 0
        ? [...new Set(query.topics)].map((t) => this.#byTopic.get(t) ?? [])
        : [this.#sorted];
    const limit = query.limit ?? Number.POSITIVE_INFINITY;
    let total = 0;
    let picked: T[] = [];
    for (const list of lists) {
      const [lo, hi] = timeRange(list, query);
      total += hi - lo;
      picked = picked.concat(list.slice(Math.max(lo, hi - limit), hi));
    }
    picked.sort((a, b) => byTime(b, a));
    return { entries: picked.slice(0, limit), total };
  }

  /** Per topic: how many entries and the latest publication instant. */
  stats(): TopicStats {
    const stats: Record<string, { count: number; latest?: string }> = {};
    for (const [topic, list] of this.#byTopic) {
      const latest = list.at(-1)?.publishedAt;
      if (list.length > 0) stats[topic] = { count: list.length, ...(latest !== undefined && { latest }) };
    }
    return stats;
  }

  #topicList(topic: string): T[] {
    let list = this.#byTopic.get(topic);
    if (!list) {
      list = [];
      this.#byTopic.set(topic, list);
    }
    return list;
  }
}

/** An {@link IndexPage} of whole items as the Store port returns it. */
export function toItemPage<T extends ItemPage['items'][number]>(page: IndexPage<T>): ItemPage {
  return { items: page.entries, total: page.total };
}

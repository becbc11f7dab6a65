import type { DeliveryClaim, DeliveryProgress, Subscription } from '../core/subscription.js';

/**
 * The shard a subscription key belongs to: FNV-1a over the key, modulo `shards`. Stable across
 * processes and versions, since files are named by it.
 */
export function shardOf(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** A subscription with no delivery claim (claims live only as long as the process that took them). */
export function withoutClaim(sub: Subscription): Subscription {
  if (!sub.claim) return sub;
  const { claim: _dropped, ...rest } = sub;
  return rest;
}

/**
 * Subscriptions by key, split into `shards` groups by {@link shardOf} so that a persistent store can
 * write one group at a time. Holds the rules of the delivery claim (compare-and-set on its owner);
 * every change returns the subscription as it now is, for the caller to journal. Subscriptions are
 * immutable values: a change stores a new object.
 */
export class SubscriptionTable {
  readonly #shards: Map<string, Subscription>[];

  constructor(
    /** How many groups (1 for a store that is never written out). */
    readonly shards = 1,
  ) {
    this.#shards = Array.from({ length: shards }, () => new Map<string, Subscription>());
  }

  /** The group a key belongs to. */
  shardOf(key: string): number {
    return this.shards === 1 ? 0 : shardOf(key, this.shards);
  }

  /** The subscriptions of one group. */
  shard(n: number): Iterable<Subscription> {
    return this.#shards[n]?.values() ?? [];
  }

  /** How many subscriptions in all. */
  get size(): number {
    return this.#shards.reduce((n, s) => n + s.size, 0);
  }

  get(key: string): Subscription | undefined {
    return this.#shards[this.shardOf(key)]!.get(key);
  }

  /** Every subscription (a new array). */
  list(): Subscription[] {
    const all: Subscription[] = [];
    for (const shard of this.#shards) for (const sub of shard.values()) all.push(sub);
    return all;
  }

  /** Creates or replaces the subscription with `sub.key`. */
  set(sub: Subscription): Subscription {
    this.#shards[this.shardOf(sub.key)]!.set(sub.key, sub);
    return sub;
  }

  delete(key: string): boolean {
    return this.#shards[this.shardOf(key)]!.delete(key);
  }

  /**
   * Claims the delivery of `claim.date`: only if the subscription is active, has no digest for that
   * date yet and nobody else holds a live claim. Returns the claimed subscription, or `undefined`.
   */
  claim(key: string, claim: DeliveryClaim, now: string): Subscription | undefined {
    const sub = this.get(key);
    if (sub?.status !== 'active') return undefined;
    if (sub.lastDigestDate !== undefined && sub.lastDigestDate >= claim.date) return undefined;
    if (sub.claim && sub.claim.owner !== claim.owner && sub.claim.expiresAt > now) return undefined;
    return this.set({ ...sub, claim });
  }

  /** Applies `changes` and drops the claim, only if `owner` holds it; the result, or `undefined`. */
  finish(key: string, owner: string, changes: Partial<Subscription>): Subscription | undefined {
    const sub = this.get(key);
    if (!sub || sub.claim?.owner !== owner) return undefined;
    return this.set(withoutClaim({ ...sub, ...changes }));
  }

  /** Records progress, keeping the claim, only if `owner` holds it; the result, or `undefined`. */
  progress(key: string, owner: string, progress: DeliveryProgress): Subscription | undefined {
    const sub = this.get(key);
    if (!sub || sub.claim?.owner !== owner) return undefined;
    return this.set({ ...sub, progress });
  }

  /** Drops every delivery claim; returns how many there were. */
  releaseClaims(): number {
    let released = 0;
    for (const shard of this.#shards) {
      for (const [key, sub] of shard) {
        if (!sub.claim) continue;
        shard.set(key, withoutClaim(sub));
        released++;
      }
    }
    return released;
  }
}

/**
 * Shares equal strings between subscriptions read from files. `JSON.parse` makes a new string for
 * every value, but most values repeat (times, zones, dates, platforms): sharing them takes 100,000
 * subscriptions from about 67 MB of memory to under 49 MB. Used while a store opens, then dropped.
 */
export class StringPool {
  readonly #strings = new Map<string, string>();
  readonly #topicLists = new Map<string, readonly string[]>();

  /** The pooled copy of `s`. */
  get<T extends string | undefined>(s: T): T {
    if (s === undefined) return s;
    const pooled = this.#strings.get(s);
    if (pooled !== undefined) return pooled as T;
    this.#strings.set(s, s);
    return s;
  }

  /** A shared copy of a topic list (there are only a few distinct ones; lists are never mutated). */
  topics(topics: readonly string[]): readonly string[] {
    const key = topics.join('\n');
    let pooled = this.#topicLists.get(key);
    if (!pooled) {
      pooled = topics.map((t) => this.get(t));
      this.#topicLists.set(key, pooled);
    }
    return pooled;
  }

  /**
   * Shares the repeating strings of a subscription fresh from `JSON.parse`, in place (it is not
   * shared with anyone yet, and copying 100,000 of them would double the garbage of an open), and
   * drops its claim (claims die with their process).
   */
  adopt(parsed: Subscription): Subscription {
    const sub = parsed as Mutable<Subscription>;
    const chat = sub.chat as Mutable<Subscription['chat']>;
    const createdBy = sub.createdBy as Mutable<Subscription['createdBy']>;
    const stats = sub.stats as Mutable<Subscription['stats']>;
    if (sub.claim) delete sub.claim;
    chat.platform = this.get(chat.platform);
    sub.chatKind = this.get(sub.chatKind);
    sub.topics = this.topics(sub.topics);
    sub.time = this.get(sub.time);
    sub.timezone = this.get(sub.timezone);
    sub.status = this.get(sub.status);
    createdBy.platform = this.get(createdBy.platform);
    sub.createdAt = this.get(sub.createdAt);
    sub.updatedAt = this.get(sub.updatedAt);
    sub.startDate = this.get(sub.startDate);
    if (sub.cursor !== undefined) sub.cursor = this.get(sub.cursor);
    if (sub.lastDigestDate !== undefined) sub.lastDigestDate = this.get(sub.lastDigestDate);
    if (stats.lastSentAt !== undefined) stats.lastSentAt = this.get(stats.lastSentAt);
    return sub;
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

import { type ChatId, chatKey, type Platform } from '../core/chat.js';
import type {
  ChatPrefs,
  ClaimedDelivery,
  DeliveryOutcome,
  DueQuery,
  MovedSubscription,
  SubscriptionCounts,
} from '../core/store.js';
import {
  type DeliveryProgress,
  type DeliveryState,
  NO_DELIVERY,
  type Subscription,
  type SubscriptionRecord,
} from '../core/subscription.js';
import type { LocalDate } from '../core/time.js';
import { DueIndex } from './due-index.js';

/**
 * One change to the subscriptions or chat preferences, as a persistent store journals it (claims
 * are never in one: they die with the process). Applying a change twice is harmless.
 */
export type SubscriptionChange =
  /** Settings created or replaced; a new subscription starts with {@link NO_DELIVERY}. */
  | { readonly op: 'subscription'; readonly sub: Subscription }
  /** A delivery record replaced. */
  | { readonly op: 'delivery'; readonly key: string; readonly delivery: DeliveryState }
  /** Settings and delivery record written together (a pause, a move, an import). */
  | { readonly op: 'record'; readonly record: SubscriptionRecord }
  | { readonly op: 'subscriptionDeleted'; readonly key: string }
  /** A chat's preferences replaced; absent `prefs`: removed. */
  | { readonly op: 'chatPrefs'; readonly key: string; readonly prefs?: ChatPrefs };

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

/** A delivery record without its claim, as it is journalled and written to files. */
export function withoutClaim(delivery: DeliveryState): DeliveryState {
  if (!delivery.claim) return delivery;
  const { claim: _dropped, ...rest } = delivery;
  return rest;
}

/** The key of a chat without its forum topic. */
const chatIdKey = (chat: ChatId): string => `${chat.platform}:${chat.id}`;

/**
 * Whether the claim rule of the `SubscriptionStore` port lets a claim for `date` be taken at `now`:
 * the subscription is active, due by `date` (started, no digest for it yet), past its `retryAt`,
 * and no one holds a live claim on it.
 */
function claimable(record: SubscriptionRecord, date: LocalDate, now: string): boolean {
  const { settings, delivery } = record;
  if (settings.status !== 'active' || settings.startDate > date) return false;
  if (delivery.lastDigestDate !== undefined && delivery.lastDigestDate >= date) return false;
  if (delivery.retryAt !== undefined && delivery.retryAt > now) return false;
  return delivery.claim === undefined || delivery.claim.expiresAt <= now;
}

/**
 * Keys by a value most have alone (a chat's one subscription): a lone key is held as itself, a Set
 * only when there are more — 100,000 chats would otherwise make 100,000 Sets (about 15 MB).
 */
type KeysBy = Map<string, string | Set<string>>;

function addTo(map: KeysBy, by: string, key: string): void {
  const there = map.get(by);
  if (there === undefined) map.set(by, key);
  else if (typeof there === 'string') {
    if (there !== key) map.set(by, new Set([there, key]));
  } else there.add(key);
}

function removeFrom(map: KeysBy, by: string, key: string): void {
  const there = map.get(by);
  if (there === key) map.delete(by);
  else if (typeof there !== 'string' && there?.delete(key) && there.size === 0) map.delete(by);
}

function keysIn(map: KeysBy, by: string): Iterable<string> {
  const there = map.get(by);
  return there === undefined ? [] : typeof there === 'string' ? [there] : there;
}

/**
 * The subscriptions and chat preferences of an in-memory store (the memory store's and the lowdb
 * store's): records by key, split into `shards` groups by {@link shardOf} so that a persistent store
 * can write one group at a time, with the indexes that answer the port's questions — due
 * subscriptions by (platform, time zone, date, time) ({@link DueIndex}), subscriptions by chat and by
 * Discord server, counts by platform and status. It keeps the port's claim rule with a
 * compare-and-set (JavaScript runs one call at a time, so each operation is atomic).
 *
 * Every change is reported to {@link onChange} for a persistent store to journal; {@link apply}
 * replays one without reporting it. Records are immutable values: a change stores a new object.
 */
export class SubscriptionTable {
  readonly #shards: Map<string, SubscriptionRecord>[];
  /** The subscriptions of forum topics, by their chat's key (a chat's own is found by its key). */
  readonly #topics: KeysBy = new Map();
  readonly #byGuild: KeysBy = new Map();
  readonly #due = new DueIndex();
  readonly #counts = new Map<Platform, { active: number; paused: number }>();
  readonly #prefs = new Map<string, ChatPrefs>();
  /** Told of every change, for a persistent store to journal (set once, by that store). */
  onChange: (change: SubscriptionChange) => void = () => undefined;

  constructor(
    /** How many groups (1 for a store that is never written out). */
    readonly shards = 1,
  ) {
    this.#shards = Array.from({ length: shards }, () => new Map<string, SubscriptionRecord>());
  }

  /** The group a key belongs to. */
  shardOf(key: string): number {
    return this.shards === 1 ? 0 : shardOf(key, this.shards);
  }

  /** The subscriptions of one group. */
  shard(n: number): Iterable<SubscriptionRecord> {
    return this.#shards[n]?.values() ?? [];
  }

  /** Every subscription, shard by shard. */
  *all(): Generator<SubscriptionRecord> {
    for (const shard of this.#shards) yield* shard.values();
  }

  /** How many subscriptions in all. */
  get size(): number {
    return this.#shards.reduce((n, s) => n + s.size, 0);
  }

  get(key: string): SubscriptionRecord | undefined {
    return this.#shards[this.shardOf(key)]!.get(key);
  }

  /** Every subscription of a chat (each forum topic's too). */
  ofChat(chat: ChatId): SubscriptionRecord[] {
    const key = chatIdKey(chat);
    const own = this.get(key);
    const topics = this.#records(keysIn(this.#topics, key));
    return own ? [own, ...topics] : topics;
  }

  /** Every subscription of a chat in a Discord server. */
  ofGuild(guild: string): SubscriptionRecord[] {
    return this.#records(keysIn(this.#byGuild, guild));
  }

  #records(keys: Iterable<string>): SubscriptionRecord[] {
    return Array.from(keys, (key) => this.get(key)!);
  }

  counts(): SubscriptionCounts {
    return Object.fromEntries([...this.#counts].map(([platform, c]) => [platform, { ...c }]));
  }

  timezones(): string[] {
    return this.#due.timezones();
  }

  /** Creates a subscription or replaces its settings, keeping its delivery record. */
  saveSettings(settings: Subscription): void {
    const delivery = this.get(settings.key)?.delivery ?? NO_DELIVERY;
    this.#put(settings.key, { settings, delivery });
    this.onChange({ op: 'subscription', sub: settings });
  }

  delete(key: string): boolean {
    if (!this.get(key)) return false;
    this.#put(key, undefined);
    this.onChange({ op: 'subscriptionDeleted', key });
    return true;
  }

  /** See `SubscriptionStore.pauseSubscription`. */
  pause(key: string, reason: string, at: string, owner?: string): boolean {
    const record = this.get(key);
    if (!record) return false;
    if (owner === undefined ? record.settings.status !== 'active' : record.delivery.claim?.owner !== owner)
      return false;
    const delivery = { ...record.delivery, lastError: reason };
    this.#write({
      settings: { ...record.settings, status: 'paused', pausedReason: reason, updatedAt: at },
      delivery: owner === undefined ? delivery : withoutClaim(delivery),
    });
    return true;
  }

  /** See `SubscriptionStore.moveChat`. */
  move(from: ChatId, to: ChatId, at: string): MovedSubscription[] {
    const moved: MovedSubscription[] = [];
    const same = chatIdKey(from) === chatIdKey(to);
    for (const record of this.ofChat(from)) {
      const { settings } = record;
      const chat = { ...settings.chat, platform: to.platform, id: to.id };
      const key = chatKey(chat);
      if (same) {
        moved.push({ from: key, to: key, kind: 'moved' });
        continue;
      }
      this.#movePrefs(settings.key, key);
      if (this.get(key)) {
        this.delete(settings.key);
        moved.push({ from: settings.key, to: key, kind: 'merged' });
        continue;
      }
      // Written first, then the old one deleted: a crash in between leaves two, never none.
      this.#write({ settings: { ...settings, key, chat, updatedAt: at }, delivery: record.delivery });
      this.delete(settings.key);
      moved.push({ from: settings.key, to: key, kind: 'moved' });
    }
    if (!same) this.#movePrefs(chatIdKey(from), chatIdKey(to));
    return moved;
  }

  /** The old chat's preferences go to the new one, unless it has its own. */
  #movePrefs(from: string, to: string): void {
    const prefs = this.#prefs.get(from);
    if (!prefs) return;
    if (!this.#prefs.has(to)) this.savePrefs(to, prefs);
    this.#prefs.delete(from);
    this.onChange({ op: 'chatPrefs', key: from });
  }

  /** Writes whole records, as given (claims left out). */
  import(records: readonly SubscriptionRecord[]): void {
    for (const record of records) this.#write({ ...record, delivery: withoutClaim(record.delivery) });
  }

  /** See `SubscriptionStore.claimDue`. */
  claimDue(query: DueQuery): ClaimedDelivery[] {
    const claimed: ClaimedDelivery[] = [];
    if (query.limit <= 0) return claimed;
    for (const platform of new Set(query.platforms)) {
      for (const cutoff of query.cutoffs) {
        for (const key of this.#due.candidates(platform, cutoff)) {
          const record = this.get(key)!;
          if (!claimable(record, cutoff.date, query.now)) continue;
          const claim = { date: cutoff.date, owner: query.owner, expiresAt: query.expiresAt };
          const taken = { settings: record.settings, delivery: { ...record.delivery, claim } };
          // A claim moves nothing in the due index, so the iteration above stays valid.
          this.#shards[this.shardOf(key)]!.set(key, taken);
          claimed.push({ ...taken, date: cutoff.date, language: this.#language(record.settings) });
          if (claimed.length >= query.limit) return claimed;
        }
      }
    }
    return claimed;
  }

  /** The chat's language: the subscription's own preferences, else (a forum topic) its chat's. */
  #language(settings: Subscription): string | undefined {
    if (this.#prefs.size === 0) return undefined;
    return this.#prefs.get(settings.key)?.language ?? this.#prefs.get(chatIdKey(settings.chat))?.language;
  }

  /** Records progress, keeping the claim, only if `owner` holds it. */
  progress(key: string, owner: string, progress: DeliveryProgress): boolean {
    const record = this.get(key);
    if (record?.delivery.claim?.owner !== owner) return false;
    this.#writeDelivery(record, { ...record.delivery, progress });
    return true;
  }

  /** Records `outcome` and drops the claim, only if `owner` holds it. */
  finish(key: string, owner: string, outcome: DeliveryOutcome): boolean {
    const record = this.get(key);
    if (record?.delivery.claim?.owner !== owner) return false;
    const { claim: _claim, progress, retryAt: _retryAt, ...kept } = record.delivery;
    let delivery: DeliveryState;
    switch (outcome.kind) {
      case 'sent':
        delivery = {
          ...kept,
          lastDigestDate: outcome.date,
          cursor: outcome.upTo,
          sent: kept.sent + 1,
          lastSentAt: outcome.at,
        };
        break;
      case 'empty':
        delivery = { ...kept, lastDigestDate: outcome.date, cursor: outcome.upTo };
        break;
      case 'failed':
        delivery = {
          ...kept,
          ...(progress && { progress }),
          failed: kept.failed + 1,
          lastError: outcome.reason,
          retryAt: outcome.retryAt,
        };
        break;
      case 'released':
        delivery = withoutClaim(record.delivery);
        break;
    }
    this.#writeDelivery(record, delivery);
    return true;
  }

  getPrefs(key: string): ChatPrefs | undefined {
    return this.#prefs.get(key);
  }

  savePrefs(key: string, prefs: ChatPrefs): void {
    this.#prefs.set(key, prefs);
    this.onChange({ op: 'chatPrefs', key, prefs });
  }

  /** Every chat's preferences, by chat key. */
  allPrefs(): ReadonlyMap<string, ChatPrefs> {
    return this.#prefs;
  }

  /** Adds a subscription read from a file (opening a store: no change to report). */
  load(record: SubscriptionRecord): void {
    this.#put(record.settings.key, record);
  }

  /** Applies a change read back from a journal or file (claims left as they are: there are none). */
  apply(change: SubscriptionChange): void {
    switch (change.op) {
      case 'subscription': {
        const delivery = this.get(change.sub.key)?.delivery ?? NO_DELIVERY;
        this.#put(change.sub.key, { settings: change.sub, delivery });
        break;
      }
      case 'delivery': {
        const record = this.get(change.key);
        if (record) this.#put(change.key, { settings: record.settings, delivery: change.delivery });
        break;
      }
      case 'record':
        this.#put(change.record.settings.key, change.record);
        break;
      case 'subscriptionDeleted':
        this.#put(change.key, undefined);
        break;
      case 'chatPrefs':
        if (change.prefs) this.#prefs.set(change.key, change.prefs);
        else this.#prefs.delete(change.key);
        break;
    }
  }

  #write(record: SubscriptionRecord): void {
    this.#put(record.settings.key, record);
    this.onChange({
      op: 'record',
      record: { settings: record.settings, delivery: withoutClaim(record.delivery) },
    });
  }

  #writeDelivery(record: SubscriptionRecord, delivery: DeliveryState): void {
    const key = record.settings.key;
    this.#put(key, { settings: record.settings, delivery });
    this.onChange({ op: 'delivery', key, delivery: withoutClaim(delivery) });
  }

  /** Stores `next` under `key` (or removes it), keeping every index in step. */
  #put(key: string, next: SubscriptionRecord | undefined): void {
    const shard = this.#shards[this.shardOf(key)]!;
    const previous = shard.get(key);
    if (previous && next && previous.settings === next.settings && DueIndex.samePlace(previous, next)) {
      shard.set(key, next);
      return;
    }
    if (previous) this.#unindex(previous);
    if (next) {
      shard.set(key, next);
      this.#index(next);
    } else {
      shard.delete(key);
    }
  }

  #index(record: SubscriptionRecord): void {
    const { settings } = record;
    if (settings.chat.thread !== undefined) addTo(this.#topics, chatIdKey(settings.chat), settings.key);
    if (settings.chat.guild !== undefined) addTo(this.#byGuild, settings.chat.guild, settings.key);
    this.#due.add(record);
    let counts = this.#counts.get(settings.chat.platform);
    if (!counts) {
      counts = { active: 0, paused: 0 };
      this.#counts.set(settings.chat.platform, counts);
    }
    counts[settings.status] += 1;
  }

  #unindex(record: SubscriptionRecord): void {
    const { settings } = record;
    if (settings.chat.thread !== undefined) removeFrom(this.#topics, chatIdKey(settings.chat), settings.key);
    if (settings.chat.guild !== undefined) removeFrom(this.#byGuild, settings.chat.guild, settings.key);
    this.#due.remove(record);
    const counts = this.#counts.get(settings.chat.platform);
    if (!counts) return;
    counts[settings.status] -= 1;
    if (counts.active === 0 && counts.paused === 0) this.#counts.delete(settings.chat.platform);
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
}

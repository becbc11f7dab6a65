import type { WireStore } from '../wire/store.js';
import type { ChatId, Platform } from './chat.js';
import type { DeskSessions } from './desk.js';
import type { Item } from './items.js';
import type { DeliveryProgress, Subscription, SubscriptionRecord } from './subscription.js';
import type { LocalDate, LocalTime } from './time.js';

/** Which items to return; all bounds are ISO instants. */
export interface ItemQuery {
  /** Topic slugs; absent or empty means every topic. */
  readonly topics?: readonly string[];
  /** Only items published at or after this instant. */
  readonly from?: string;
  /** Only items published strictly after this instant. */
  readonly after?: string;
  /** Only items published at or before this instant. */
  readonly upTo?: string;
  /** Only items published strictly before this instant. */
  readonly before?: string;
  /** At most this many (the newest). */
  readonly limit?: number;
}

/** Items matching a query, newest first, and how many matched before `limit`. */
export interface ItemPage {
  readonly items: readonly Item[];
  readonly total: number;
}

/** Per topic: how many items and when the latest was published. */
export type TopicStats = Readonly<Record<string, { readonly count: number; readonly latest?: string }>>;

/**
 * Digests sent per time bucket over a run, for the desk's chart: `counts[i]` went out in the
 * `bucketSeconds` starting `i * bucketSeconds` after the run started. At most 600 buckets: a longer
 * run has longer buckets (see `SendRateCounter` in `src/delivery/run-record.ts`).
 */
export interface SendRate {
  readonly bucketSeconds: number;
  readonly counts: readonly number[];
}

/** The record of one scheduler run, kept for `/stats`, `/healthz` and the desk. */
export interface DeliveryRun {
  readonly id: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly due: number;
  readonly sent: number;
  /** Digests with nothing to send (no new items). */
  readonly empty: number;
  readonly failed: number;
  readonly paused: number;
  readonly byPlatform: Readonly<Partial<Record<Platform, { sent: number; failed: number; paused: number }>>>;
  /** Digests sent per second over the run; absent in runs recorded before it was kept. */
  readonly sendRate?: SendRate;
}

/** Items: the newsroom's content. */
export interface ItemStore {
  /** Stores a new item under the next id. */
  addItem(item: Omit<Item, 'id'>): Promise<Item>;
  /** Replaces an existing item; `false` when there is none with that id. */
  replaceItem(item: Item): Promise<boolean>;
  deleteItem(id: number): Promise<Item | undefined>;
  getItem(id: number): Promise<Item | undefined>;
  /** Matching items, newest first. */
  queryItems(query: ItemQuery): Promise<ItemPage>;
  topicStats(): Promise<TopicStats>;
  /**
   * Writes items as given, ids kept, replacing any with the same id; later {@link addItem} ids go
   * above the largest. For moving data between stores (`npm run migrate-store`); commands never call it.
   */
  importItems(items: readonly Item[]): Promise<void>;
  /**
   * Items whose `searchText` contains every one of `terms` (both folded as `src/core/search.ts`
   * folds them), newest first, at most `limit`, and how many matched. Optional: a store
   * without it is searched by reading its items in memory (the in-memory and lowdb stores hold them
   * there anyway).
   */
  searchItems?(terms: readonly string[], limit: number): Promise<ItemPage>;
}

/**
 * When subscriptions in one time zone are due: those whose `HH:MM` is at or before `time`, whose
 * `startDate` is at or before `date` and that have had no digest for `date` yet.
 */
export interface DueCutoff {
  readonly timezone: string;
  readonly date: LocalDate;
  readonly time: LocalTime;
}

/** A page of due deliveries to claim; see {@link SubscriptionStore.claimDue}. */
export interface DueQuery {
  /** One per time zone asked about; zones not listed are not due. */
  readonly cutoffs: readonly DueCutoff[];
  /** Only subscriptions of chats on these platforms. */
  readonly platforms: readonly Platform[];
  /** Who takes the claims (the process's id). */
  readonly owner: string;
  /** When the claims lapse (ISO). */
  readonly expiresAt: string;
  /** The present (ISO), to tell live claims from lapsed ones and to honour `retryAt`. */
  readonly now: string;
  /** At most this many. */
  readonly limit: number;
}

/** A delivery claimed by {@link SubscriptionStore.claimDue}: the subscription, the date it is due for, the chat's language. */
export interface ClaimedDelivery extends SubscriptionRecord {
  /** The local date the claim is for (its cutoff's `date`). */
  readonly date: LocalDate;
  /**
   * The chat's language ({@link ChatPrefs}): the preferences under the subscription's key, else (a
   * forum topic with none of its own) under its chat's; `undefined` when never chosen.
   */
  readonly language?: string | undefined;
}

/** How a claimed delivery ended, as {@link SubscriptionStore.finishDelivery} records it. */
export type DeliveryOutcome =
  /** The digest went out: `date` is done, the cursor moves to `upTo`, `sent` counts one more. */
  | { readonly kind: 'sent'; readonly date: LocalDate; readonly upTo: string; readonly at: string }
  /** Nothing new to send: `date` is done without a message, the cursor moves to `upTo`. */
  | { readonly kind: 'empty'; readonly date: LocalDate; readonly upTo: string }
  /** Gave up for now: `failed` counts one more, and the delivery is not claimed again before `retryAt`. */
  | { readonly kind: 'failed'; readonly reason: string; readonly retryAt: string }
  /** Stopped before sending (shutdown): only the claim is dropped. */
  | { readonly kind: 'released' };

/** What {@link SubscriptionStore.moveChat} did with one subscription of the old chat. */
export interface MovedSubscription {
  /** Its key in the old chat. */
  readonly from: string;
  /** Its key in the new chat. */
  readonly to: string;
  /**
   * `moved`: settings and delivery record now live under `to`, claim included; `merged`: the new chat
   * already had a subscription at `to`, which was kept, and this one was deleted.
   */
  readonly kind: 'moved' | 'merged';
}

/** A page of subscriptions for the desk's table; see {@link SubscriptionStore.subscriptionPage}. */
export interface SubscriptionPageQuery {
  readonly platform?: Platform;
  readonly status?: Subscription['status'];
  /** Only keys after this one (the last key of the previous page). */
  readonly after?: string;
  /** At most this many. */
  readonly limit: number;
}

/** Subscriptions by platform and status, for `/stats`. */
export type SubscriptionCounts = Readonly<
  Partial<Record<Platform, { readonly active: number; readonly paused: number }>>
>;

/**
 * A chat's own preferences, kept whether or not it has a subscription. Every field is optional, so a
 * new one needs no change to stored data.
 */
export interface ChatPrefs {
  /** The language replies and digests are written in (a BCP 47 tag such as `zh-CN`); absent: the default. */
  readonly language?: string;
}

/**
 * Subscriptions: their settings, their delivery records, and the delivery claims on them.
 *
 * **The claim rule**, which every store keeps (and `test/store/contract.ts` checks): a delivery is
 * claimed for a local date only if, at the moment of the claim, the subscription is active, has had
 * no digest for that date (`lastDigestDate` before it), its `retryAt` (if any) has passed, and no one
 * holds a live claim on it — a claim is live until its `expiresAt`, and "no one" includes the
 * claimer itself, so successive {@link claimDue} pages never return a subscription twice. Progress
 * and outcomes are recorded only while the caller still holds the claim (same owner; a claim that
 * lapsed and was taken over belongs to its new owner), and recording an outcome drops the claim.
 * Each store enforces this with its own tools: a compare-and-set in memory, a `WHERE` clause (and
 * `FOR UPDATE SKIP LOCKED`) in SQL.
 *
 * **Settings and delivery records are written apart**: {@link saveSubscription} never changes a
 * delivery record and the delivery operations never change settings — except
 * {@link pauseSubscription}, the one operation that writes both.
 */
export interface SubscriptionStore {
  /** One subscription, settings and delivery record. */
  getSubscription(key: string): Promise<SubscriptionRecord | undefined>;
  /** Every subscription of one chat: the chat itself and, in a Telegram forum, each of its topics. */
  chatSubscriptions(chat: ChatId): Promise<readonly SubscriptionRecord[]>;
  /** Every subscription of a chat in this Discord server (`ChatRef.guild`). */
  guildSubscriptions(guild: string): Promise<readonly SubscriptionRecord[]>;
  /** How many subscriptions, by platform and status. */
  subscriptionCounts(): Promise<SubscriptionCounts>;
  /**
   * Subscriptions matching the filter in key order, after `after`, at most `limit` (the desk's
   * table), and how many match the filter in all.
   */
  subscriptionPage(
    query: SubscriptionPageQuery,
  ): Promise<{ readonly records: readonly SubscriptionRecord[]; readonly total: number }>;
  /**
   * Creates the subscription (with an empty delivery record) or replaces its settings. An existing
   * delivery record is kept as it is, claim included: a `/subscribe` during a delivery changes
   * what the next digest holds, not the one under way.
   */
  saveSubscription(settings: Subscription): Promise<void>;
  /** Deletes settings and delivery record (a claim on it is then lost); `false` when there was none. */
  deleteSubscription(key: string): Promise<boolean>;
  /**
   * Pauses the subscription with `reason` (status, `pausedReason`, `updatedAt` = `at`) and records
   * the reason as its `lastError`. With `owner` (delivery found the chat unreachable) only if that
   * owner holds the claim, which is then dropped; without (an adapter learnt the bot was removed)
   * only if it is active. Returns whether it paused.
   */
  pauseSubscription(key: string, reason: string, at: string, owner?: string): Promise<boolean>;
  /**
   * Moves every subscription of chat `from` (each forum topic's too) to chat `to` — a Telegram group
   * upgraded to a supergroup — keeping the topic, the settings (`updatedAt` = `at`) and the delivery
   * record, claim included. Where the new chat already has a subscription under the new key, that one
   * is kept (a chat's own settings win) and the old one is deleted. The old chat's preferences go
   * along when the new chat has none. Returns what happened to each; empty when `from` had none.
   */
  moveChat(from: ChatId, to: ChatId, at: string): Promise<readonly MovedSubscription[]>;
  /**
   * Writes whole subscriptions, settings and delivery records as given (claims left out), replacing
   * any with the same key: for moving data between stores and for seeding tests. Commands and
   * delivery never call it.
   */
  importSubscriptions(records: readonly SubscriptionRecord[]): Promise<void>;
  /** Every time zone that has an active subscription (the engine computes a {@link DueCutoff} for each). */
  activeTimezones(): Promise<readonly string[]>;
  /**
   * Claims up to `limit` deliveries due under `cutoffs` on `platforms`, atomically, each for its
   * cutoff's date (see the claim rule above), and returns them. Call it again for the next page
   * until it returns none: pages cover every due subscription exactly once, in no set order.
   */
  claimDue(query: DueQuery): Promise<readonly ClaimedDelivery[]>;
  /**
   * Records how far a claimed multi-part delivery got, keeping the claim, only if `owner` holds it;
   * durable like any change, so a restart resumes after the parts already sent. `false` when the
   * claim was lost.
   */
  recordProgress(key: string, owner: string, progress: DeliveryProgress): Promise<boolean>;
  /**
   * Records the outcome of a claimed delivery in its delivery record and drops the claim, only if
   * `owner` holds it. `false` when the claim was lost (nothing is then recorded).
   */
  finishDelivery(key: string, owner: string, outcome: DeliveryOutcome): Promise<boolean>;
}

/** Per-chat preferences, by chat key ({@link chatKey}). */
export interface ChatPrefsStore {
  getChatPrefs(chatKey: string): Promise<ChatPrefs | undefined>;
  /** Replaces the chat's preferences. */
  saveChatPrefs(chatKey: string, prefs: ChatPrefs): Promise<void>;
}

/** Delivery runs, newest last. */
export interface RunStore {
  addRun(run: DeliveryRun): Promise<void>;
  recentRuns(limit: number): Promise<readonly DeliveryRun[]>;
}

/**
 * Where Briefcast keeps its data. lowdb is the embedded default (`src/store/lowdb.ts`); an
 * in-memory one serves tests (`src/store/memory.ts`); PostgreSQL is another. The core and delivery
 * only see this. Every question is one a database answers from an index (due subscriptions by time
 * zone and time, a chat's subscriptions, counts), never "everything, to filter". A store is done
 * when it passes `describeStoreContract` (`test/store/contract.ts`).
 */
export interface Store extends ItemStore, SubscriptionStore, ChatPrefsStore, RunStore, DeskSessions {
  /**
   * The news wire's data — feeds, the entry keys each has shown, drafts, editors' notification
   * places — with its own rules (`src/wire/store.ts`, kept by every store: the contract suite runs
   * them on `store.wire`). Flushed and closed with the store.
   */
  readonly wire: WireStore;
  /** Writes everything changed so far to durable storage. */
  flush(): Promise<void>;
  /** Flushes and releases the storage. */
  close(): Promise<void>;
}

import type { Platform } from './chat.js';
import type { Item } from './items.js';
import type { DeliveryClaim, DeliveryProgress, Subscription } from './subscription.js';

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

/** The record of one scheduler run, kept for `/stats` and `/healthz`. */
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
}

/** Subscriptions, and the delivery bookkeeping on them. */
export interface SubscriptionStore {
  getSubscription(key: string): Promise<Subscription | undefined>;
  listSubscriptions(): Promise<readonly Subscription[]>;
  /** Creates or replaces the subscription with this key. */
  saveSubscription(sub: Subscription): Promise<void>;
  deleteSubscription(key: string): Promise<boolean>;
  /**
   * Marks the subscription as being delivered for `claim.date` — only if it is active, has no digest
   * for that date yet and nobody else holds a live claim on it. Returns the claimed subscription, or
   * `undefined` when another worker got there first or it is no longer due.
   * @param now - ISO instant, to tell live claims from expired ones
   */
  claimDelivery(key: string, claim: DeliveryClaim, now: string): Promise<Subscription | undefined>;
  /**
   * Records the result of a claimed delivery: applies `changes` and drops the claim, only if `owner`
   * still holds it. Returns `false` when the claim was lost (the result is then not recorded).
   */
  finishDelivery(key: string, owner: string, changes: Partial<Subscription>): Promise<boolean>;
  /**
   * Records how far a claimed multi-part delivery got, keeping the claim, only if `owner` still holds
   * it; persisted like any change, so a restart resumes after the parts already sent. Returns `false`
   * when the claim was lost.
   */
  recordProgress(key: string, owner: string, progress: DeliveryProgress): Promise<boolean>;
}

/** Delivery runs, newest last. */
export interface RunStore {
  addRun(run: DeliveryRun): Promise<void>;
  recentRuns(limit: number): Promise<readonly DeliveryRun[]>;
}

/**
 * Where Briefcast keeps its data. lowdb is the embedded default (`src/store/lowdb.ts`); an
 * in-memory one serves tests; PostgreSQL will be another. The core and delivery only see this.
 */
export interface Store extends ItemStore, SubscriptionStore, RunStore {
  /** Writes everything changed so far to durable storage. */
  flush(): Promise<void>;
  /** Flushes and releases the storage. */
  close(): Promise<void>;
}

import type { ChatId } from '../core/chat.js';
import type { DeskSession, SignInToken, TokenUse } from '../core/desk.js';
import type { Item } from '../core/items.js';
import type {
  ChatPrefs,
  ClaimedDelivery,
  DeliveryOutcome,
  DeliveryRun,
  DueQuery,
  ItemPage,
  ItemQuery,
  MovedSubscription,
  Store,
  SubscriptionCounts,
  SubscriptionPageQuery,
  TopicStats,
} from '../core/store.js';
import type { DeliveryProgress, Subscription, SubscriptionRecord } from '../core/subscription.js';
import { MemoryWireStore } from '../wire/memory-store.js';
import type { WireStore } from '../wire/store.js';
import { type DeskChange, DeskTable } from './desk-table.js';
import { ItemIndex, toItemPage } from './item-index.js';
import type { DeskExport, StoreExport } from './store-export.js';
import { type SubscriptionChange, SubscriptionTable } from './subscription-table.js';

/** How many delivery runs are kept. */
export const KEPT_RUNS = 50;

/** One change to the data, as a persistent store journals it. Applying a change twice is harmless. */
export type Change =
  | { readonly op: 'item'; readonly item: Item }
  | { readonly op: 'itemDeleted'; readonly id: number }
  | { readonly op: 'run'; readonly run: DeliveryRun }
  | { readonly op: 'desk'; readonly change: DeskChange }
  | SubscriptionChange;

/** `runs` with `run` appended (once: a run already there is not added again), the newest {@link KEPT_RUNS}. */
export function keepRun(runs: readonly DeliveryRun[], run: DeliveryRun): DeliveryRun[] {
  if (runs.some((r) => r.id === run.id)) return [...runs];
  return [...runs, run].slice(-KEPT_RUNS);
}

/**
 * The subscription, chat-preference and desk-session parts of the {@link Store} port on a
 * {@link SubscriptionTable} and a {@link DeskTable}, shared by the memory and lowdb stores.
 */
export class TableSubscriptions implements StoreExport {
  protected readonly desk = new DeskTable();

  constructor(protected readonly table: SubscriptionTable) {}

  async *chatPrefsPages(pageSize: number): AsyncIterable<ReadonlyArray<readonly [string, ChatPrefs]>> {
    // The keys once, sorted; each page's preferences are read when it is asked for.
    const keys = [...this.table.allPrefs().keys()].sort();
    for (let i = 0; i < keys.length; i += pageSize) {
      const page: Array<readonly [string, ChatPrefs]> = [];
      for (const key of keys.slice(i, i + pageSize)) {
        const prefs = this.table.getPrefs(key);
        if (prefs) page.push([key, prefs]);
      }
      yield page;
    }
  }

  async deskExport(): Promise<DeskExport> {
    const { key, tokens, sessions } = this.desk.snapshot();
    return {
      ...(key !== undefined && { signingKey: key }),
      signInTokens: tokens.length,
      sessions: sessions.length,
    };
  }

  async subscriptionPage(
    query: SubscriptionPageQuery,
  ): Promise<{ records: readonly SubscriptionRecord[]; total: number }> {
    // Every subscription is in memory here; a database answers this with WHERE, ORDER BY key, LIMIT.
    const matching: SubscriptionRecord[] = [];
    for (const record of this.table.all()) {
      const { settings } = record;
      if (query.platform !== undefined && settings.chat.platform !== query.platform) continue;
      if (query.status !== undefined && settings.status !== query.status) continue;
      matching.push(record);
    }
    matching.sort((a, b) => (a.settings.key < b.settings.key ? -1 : a.settings.key > b.settings.key ? 1 : 0));
    const after = query.after;
    const start = after === undefined ? 0 : matching.findIndex((r) => r.settings.key > after);
    return {
      records: start < 0 ? [] : matching.slice(start, start + query.limit),
      total: matching.length,
    };
  }

  async addSignInToken(token: SignInToken): Promise<void> {
    this.check();
    this.desk.addToken(token);
    await this.settle();
  }

  async findSignInToken(hash: string): Promise<SignInToken | undefined> {
    return this.desk.findToken(hash);
  }

  async useSignInToken(hash: string, now: string): Promise<TokenUse> {
    this.check();
    const use = this.desk.useToken(hash, now);
    await this.settle();
    return use;
  }

  async addSession(session: DeskSession): Promise<void> {
    this.check();
    this.desk.addSession(session);
    await this.settle();
  }

  async getSession(hash: string): Promise<DeskSession | undefined> {
    return this.desk.getSession(hash);
  }

  async deleteSession(hash: string): Promise<boolean> {
    this.check();
    const deleted = this.desk.deleteSession(hash);
    await this.settle();
    return deleted;
  }

  async purgeDesk(now: string): Promise<number> {
    this.check();
    const purged = this.desk.purge(now);
    await this.settle();
    return purged;
  }

  async deskSigningKey(proposed: string): Promise<string> {
    this.check();
    const key = this.desk.signingKey(proposed);
    await this.settle();
    return key;
  }

  /** Runs before every change; the lowdb store refuses changes once closed. */
  protected check(): void {}

  /** Awaited after every change before the call resolves; the lowdb store waits for its journal to be on disk. */
  protected settle(): Promise<void> | undefined {
    return undefined;
  }

  async getSubscription(key: string): Promise<SubscriptionRecord | undefined> {
    return this.table.get(key);
  }

  async chatSubscriptions(chat: ChatId): Promise<readonly SubscriptionRecord[]> {
    return this.table.ofChat(chat);
  }

  async guildSubscriptions(guild: string): Promise<readonly SubscriptionRecord[]> {
    return this.table.ofGuild(guild);
  }

  async subscriptionCounts(): Promise<SubscriptionCounts> {
    return this.table.counts();
  }

  async saveSubscription(settings: Subscription): Promise<void> {
    this.check();
    this.table.saveSettings(settings);
    await this.settle();
  }

  async deleteSubscription(key: string): Promise<boolean> {
    this.check();
    const deleted = this.table.delete(key);
    await this.settle();
    return deleted;
  }

  async pauseSubscription(key: string, reason: string, at: string, owner?: string): Promise<boolean> {
    this.check();
    const paused = this.table.pause(key, reason, at, owner);
    await this.settle();
    return paused;
  }

  async moveChat(from: ChatId, to: ChatId, at: string): Promise<readonly MovedSubscription[]> {
    this.check();
    const moved = this.table.move(from, to, at);
    await this.settle();
    return moved;
  }

  async importSubscriptions(records: readonly SubscriptionRecord[]): Promise<void> {
    this.check();
    this.table.import(records);
    await this.settle();
  }

  async activeTimezones(): Promise<readonly string[]> {
    return this.table.timezones();
  }

  async claimDue(query: DueQuery): Promise<readonly ClaimedDelivery[]> {
    this.check();
    return this.table.claimDue(query);
  }

  async recordProgress(key: string, owner: string, progress: DeliveryProgress): Promise<boolean> {
    this.check();
    const recorded = this.table.progress(key, owner, progress);
    await this.settle();
    return recorded;
  }

  async finishDelivery(key: string, owner: string, outcome: DeliveryOutcome): Promise<boolean> {
    this.check();
    const recorded = this.table.finish(key, owner, outcome);
    await this.settle();
    return recorded;
  }

  async getChatPrefs(chatKey: string): Promise<ChatPrefs | undefined> {
    return this.table.getPrefs(chatKey);
  }

  async saveChatPrefs(chatKey: string, prefs: ChatPrefs): Promise<void> {
    this.check();
    this.table.savePrefs(chatKey, prefs);
    await this.settle();
  }
}

/**
 * A {@link Store} held in memory: the store for tests and for the console. Items are kept sorted by
 * publication time, overall and per topic ({@link ItemIndex}), so range queries are binary searches;
 * subscriptions are in a {@link SubscriptionTable}, indexed for the due query.
 */
export class MemoryStore extends TableSubscriptions implements Store {
  readonly wire: WireStore = new MemoryWireStore();
  #nextItemId = 1;
  readonly #items = new ItemIndex<Item>();
  #runs: DeliveryRun[] = [];

  constructor() {
    super(new SubscriptionTable());
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

  async importItems(items: readonly Item[]): Promise<void> {
    for (const item of items) {
      this.#items.put(item);
      this.#nextItemId = Math.max(this.#nextItemId, item.id + 1);
    }
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

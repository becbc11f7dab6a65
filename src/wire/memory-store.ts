import type { Draft, DraftDecision, Feed, NewDraft } from './model.js';
import {
  type DecideResult,
  type DraftPage,
  type DraftQuery,
  type FeedChanges,
  MAX_SEEN_KEYS_PER_FEED,
  type WireBatch,
  type WireStore,
} from './store.js';

/** Decided drafts kept (the newest); older ones are forgotten — their items live on as items. */
export const MAX_DECIDED_DRAFTS = 5_000;
/** Waiting drafts kept (the newest): a wire nobody reads must not grow without end. */
export const MAX_WAITING_DRAFTS = 10_000;

/** Everything a wire store holds, as plain JSON. */
export interface WireSnapshot {
  readonly version: 1;
  readonly nextFeedId: number;
  readonly nextDraftId: number;
  readonly feeds: readonly Feed[];
  /** Per feed id, its seen keys, oldest first. */
  readonly seen: Readonly<Record<string, readonly string[]>>;
  readonly drafts: readonly Draft[];
  readonly notified: Readonly<Record<string, number>>;
}

/** An empty wire. */
export const EMPTY_WIRE: WireSnapshot = {
  version: 1,
  nextFeedId: 1,
  nextDraftId: 1,
  feeds: [],
  seen: {},
  drafts: [],
  notified: {},
};

/** A feed's seen keys: a set to ask, and their order to forget the oldest. */
class SeenKeys {
  readonly #set: Set<string>;
  #order: string[];
  constructor(keys: readonly string[] = []) {
    this.#order = [...keys];
    this.#set = new Set(keys);
  }
  has(key: string): boolean {
    return this.#set.has(key);
  }
  add(key: string): void {
    if (this.#set.has(key)) return;
    this.#set.add(key);
    this.#order.push(key);
    if (this.#order.length > MAX_SEEN_KEYS_PER_FEED * 1.25) {
      // Forget in batches, so the array is not shifted once per new key.
      const drop = this.#order.length - MAX_SEEN_KEYS_PER_FEED;
      for (const old of this.#order.slice(0, drop)) this.#set.delete(old);
      this.#order = this.#order.slice(drop);
    }
  }
  list(): readonly string[] {
    return this.#order.length > MAX_SEEN_KEYS_PER_FEED
      ? this.#order.slice(-MAX_SEEN_KEYS_PER_FEED)
      : this.#order;
  }
}

/**
 * The wire's data in memory. Tests use it as it is; {@link JsonWireStore} persists its snapshots.
 * Every operation is synchronous inside, so each is atomic: a compare-and-set cannot interleave.
 */
export class MemoryWireStore implements WireStore {
  #nextFeedId: number;
  #nextDraftId: number;
  readonly #feeds = new Map<number, Feed>();
  readonly #seen = new Map<number, SeenKeys>();
  /** In id order (ids only grow). */
  readonly #drafts = new Map<number, Draft>();
  readonly #notified = new Map<string, number>();

  constructor(snapshot: WireSnapshot = EMPTY_WIRE) {
    this.#nextFeedId = snapshot.nextFeedId;
    this.#nextDraftId = snapshot.nextDraftId;
    for (const feed of snapshot.feeds) this.#feeds.set(feed.id, feed);
    for (const [id, keys] of Object.entries(snapshot.seen)) this.#seen.set(Number(id), new SeenKeys(keys));
    for (const draft of snapshot.drafts) this.#drafts.set(draft.id, draft);
    for (const [editor, id] of Object.entries(snapshot.notified)) this.#notified.set(editor, id);
  }

  /** Called after every change; a persisting store schedules a write. */
  protected changed(): void {}

  /** Everything, as plain JSON. */
  snapshot(): WireSnapshot {
    return {
      version: 1,
      nextFeedId: this.#nextFeedId,
      nextDraftId: this.#nextDraftId,
      feeds: [...this.#feeds.values()],
      seen: Object.fromEntries([...this.#seen].map(([id, keys]) => [String(id), keys.list()])),
      drafts: [...this.#drafts.values()],
      notified: Object.fromEntries(this.#notified),
    };
  }

  async addFeed(feed: Omit<Feed, 'id'>): Promise<Feed> {
    const stored: Feed = { ...feed, id: this.#nextFeedId++ };
    this.#feeds.set(stored.id, stored);
    this.changed();
    return stored;
  }

  async getFeed(id: number): Promise<Feed | undefined> {
    return this.#feeds.get(id);
  }

  async listFeeds(): Promise<readonly Feed[]> {
    return [...this.#feeds.values()].sort((a, b) => a.id - b.id);
  }

  async updateFeed(id: number, changes: FeedChanges): Promise<Feed | undefined> {
    const feed = this.#apply(id, changes);
    if (feed) this.changed();
    return feed;
  }

  #apply(id: number, changes: FeedChanges): Feed | undefined {
    const feed = this.#feeds.get(id);
    if (!feed) return undefined;
    const next = { ...feed, ...changes } as Record<string, unknown>;
    // An explicit `undefined` clears a field (a resumed feed has no paused reason).
    for (const [key, value] of Object.entries(changes)) if (value === undefined) delete next[key];
    this.#feeds.set(id, next as unknown as Feed);
    return next as unknown as Feed;
  }

  async deleteFeed(id: number): Promise<boolean> {
    if (!this.#feeds.delete(id)) return false;
    this.#seen.delete(id);
    for (const [draftId, draft] of this.#drafts)
      if (draft.feedId === id && draft.state === 'waiting') this.#drafts.delete(draftId);
    this.changed();
    return true;
  }

  async unseenKeys(feedId: number, keys: readonly string[]): Promise<string[]> {
    const seen = this.#seen.get(feedId);
    const out = new Set<string>();
    for (const key of keys) if (!seen?.has(key)) out.add(key);
    return [...out];
  }

  async recordPoll(
    feedId: number,
    keys: readonly string[],
    drafts: readonly NewDraft[],
    changes: FeedChanges,
  ): Promise<Draft[]> {
    if (!this.#feeds.has(feedId)) return [];
    let seen = this.#seen.get(feedId);
    if (!seen) {
      seen = new SeenKeys();
      this.#seen.set(feedId, seen);
    }
    const stored: Draft[] = [];
    for (const draft of drafts) {
      if (seen.has(draft.key)) continue;
      seen.add(draft.key);
      const full: Draft = { ...draft, id: this.#nextDraftId++, state: 'waiting' };
      this.#drafts.set(full.id, full);
      stored.push(full);
    }
    for (const key of keys) seen.add(key);
    this.#apply(feedId, changes);
    this.#prune();
    this.changed();
    return stored;
  }

  /** Keeps the newest {@link MAX_WAITING_DRAFTS} waiting and {@link MAX_DECIDED_DRAFTS} decided drafts. */
  #prune(): void {
    let waiting = 0;
    let decided = 0;
    for (const draft of this.#drafts.values()) {
      if (draft.state === 'waiting') waiting++;
      else decided++;
    }
    if (waiting <= MAX_WAITING_DRAFTS && decided <= MAX_DECIDED_DRAFTS) return;
    for (const [id, draft] of this.#drafts) {
      if (draft.state === 'waiting' && waiting > MAX_WAITING_DRAFTS) {
        this.#drafts.delete(id);
        waiting--;
      } else if (draft.state !== 'waiting' && decided > MAX_DECIDED_DRAFTS) {
        this.#drafts.delete(id);
        decided--;
      }
    }
  }

  async getDraft(id: number): Promise<Draft | undefined> {
    return this.#drafts.get(id);
  }

  async listDrafts(query: DraftQuery): Promise<DraftPage> {
    const { afterId, beforeId } = query;
    const matching = [...this.#drafts.values()].filter(
      (d) =>
        d.state === query.state &&
        (afterId === undefined || d.id > afterId) &&
        (beforeId === undefined || d.id < beforeId),
    );
    return { drafts: matching.reverse().slice(0, query.limit), total: matching.length };
  }

  async decideDraft(id: number, decision: DraftDecision): Promise<DecideResult> {
    const draft = this.#drafts.get(id);
    if (draft?.state !== 'waiting') return draft ? { ok: false, draft } : { ok: false };
    const decided: Draft = {
      ...draft,
      state: decision.state,
      decidedBy: decision.by,
      decidedAt: decision.at,
      ...(decision.auto && { auto: true }),
      ...(decision.topic !== undefined && { topic: decision.topic }),
    };
    this.#drafts.set(id, decided);
    this.changed();
    return { ok: true, draft: decided };
  }

  async setDraftItem(id: number, itemId: number): Promise<void> {
    const draft = this.#drafts.get(id);
    if (!draft) return;
    this.#drafts.set(id, { ...draft, itemId });
    this.changed();
  }

  async reopenDraft(id: number, decision: DraftDecision): Promise<void> {
    const draft = this.#drafts.get(id);
    if (!draft || draft.state !== decision.state || draft.decidedAt !== decision.at) return;
    const { decidedBy: _by, decidedAt: _at, auto: _auto, ...rest } = draft;
    this.#drafts.set(id, { ...rest, state: 'waiting' });
    this.changed();
  }

  async notifiedUpTo(editor: string): Promise<number> {
    return this.#notified.get(editor) ?? 0;
  }

  async setNotifiedUpTo(editor: string, draftId: number): Promise<void> {
    this.#notified.set(editor, Math.max(draftId, this.#notified.get(editor) ?? 0));
    this.changed();
  }

  async *exportWire(pageSize: number): AsyncIterable<WireBatch> {
    yield { kind: 'ids', nextFeedId: this.#nextFeedId, nextDraftId: this.#nextDraftId };
    const feeds = await this.listFeeds();
    for (let i = 0; i < feeds.length; i += pageSize)
      yield { kind: 'feeds', feeds: feeds.slice(i, i + pageSize) };
    for (const [feedId, seen] of this.#seen) {
      const keys = seen.list();
      for (let i = 0; i < keys.length; i += pageSize)
        yield { kind: 'seen', feedId, keys: keys.slice(i, i + pageSize) };
    }
    const drafts = [...this.#drafts.values()];
    for (let i = 0; i < drafts.length; i += pageSize)
      yield { kind: 'drafts', drafts: drafts.slice(i, i + pageSize) };
    const cursors = [...this.#notified].map(([editor, draftId]) => ({ editor, draftId }));
    for (let i = 0; i < cursors.length; i += pageSize)
      yield { kind: 'cursors', cursors: cursors.slice(i, i + pageSize) };
  }

  async importWire(batch: WireBatch): Promise<void> {
    switch (batch.kind) {
      case 'ids':
        this.#nextFeedId = Math.max(this.#nextFeedId, batch.nextFeedId);
        this.#nextDraftId = Math.max(this.#nextDraftId, batch.nextDraftId);
        break;
      case 'feeds':
        for (const feed of batch.feeds) {
          this.#feeds.set(feed.id, feed);
          this.#nextFeedId = Math.max(this.#nextFeedId, feed.id + 1);
        }
        break;
      case 'seen': {
        let seen = this.#seen.get(batch.feedId);
        if (!seen) {
          seen = new SeenKeys();
          this.#seen.set(batch.feedId, seen);
        }
        for (const key of batch.keys) seen.add(key);
        break;
      }
      case 'drafts': {
        let last = Math.max(0, ...[...this.#drafts.keys()].slice(-1));
        let ordered = true;
        for (const draft of batch.drafts) {
          if (draft.id <= last && !this.#drafts.has(draft.id)) ordered = false;
          this.#drafts.set(draft.id, draft);
          last = Math.max(last, draft.id);
          this.#nextDraftId = Math.max(this.#nextDraftId, draft.id + 1);
        }
        // The map is kept in id order (listings read it backwards): restore it if a batch went below.
        if (!ordered) {
          const all = [...this.#drafts.values()].sort((a, b) => a.id - b.id);
          this.#drafts.clear();
          for (const draft of all) this.#drafts.set(draft.id, draft);
        }
        this.#prune();
        break;
      }
      case 'cursors':
        for (const { editor, draftId } of batch.cursors) this.#notified.set(editor, draftId);
        break;
    }
    this.changed();
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}

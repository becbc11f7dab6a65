import type { Draft, DraftDecision, Feed, NewDraft } from './model.js';

/** Seen entry keys kept per feed, oldest forgotten first: four times the entries a poll reads. */
export const MAX_SEEN_KEYS_PER_FEED = 2_000;

/** Changes to a feed; a field given as `undefined` is cleared. */
export type FeedChanges = {
  readonly [K in keyof Omit<Feed, 'id' | 'url' | 'addedBy' | 'addedAt'>]?: Feed[K] | undefined;
};

/** A page of drafts, newest first, and how many matched. */
export interface DraftPage {
  readonly drafts: readonly Draft[];
  readonly total: number;
}

/** Which drafts {@link WireStore.listDrafts} lists. */
export interface DraftQuery {
  readonly state: Draft['state'];
  readonly limit: number;
  readonly afterId?: number;
  readonly beforeId?: number;
}

/** What a compare-and-set on a draft found. */
export type DecideResult =
  /** The draft was waiting and now carries the decision. */
  | { readonly ok: true; readonly draft: Draft }
  /** Someone decided first (or it does not exist): the draft as it is. */
  | { readonly ok: false; readonly draft?: Draft };

/**
 * One part of a wire's contents, as {@link WireStore.exportWire} reads them and
 * {@link WireStore.importWire} writes them: for moving a wire from one store to another.
 */
export type WireBatch =
  /** The ids the store would give next, so a moved wire never reuses a removed feed's or draft's id. */
  | { readonly kind: 'ids'; readonly nextFeedId: number; readonly nextDraftId: number }
  /** Feeds, ids included. */
  | { readonly kind: 'feeds'; readonly feeds: readonly Feed[] }
  /** Some of one feed's seen keys, oldest first; a feed's batches come oldest first too. */
  | { readonly kind: 'seen'; readonly feedId: number; readonly keys: readonly string[] }
  /** Drafts with their decisions, ids included, in id order. */
  | { readonly kind: 'drafts'; readonly drafts: readonly Draft[] }
  /** Editors' notification cursors. */
  | { readonly kind: 'cursors'; readonly cursors: readonly WireCursor[] };

/** Where an editor's notifications stand: the last draft id they were told about. */
export interface WireCursor {
  readonly editor: string;
  readonly draftId: number;
}

/**
 * Where the wire keeps its feeds, the entry keys each feed has shown, its drafts and each editor's
 * notification cursor. Every store answers these; the rules each must keep are in the doc comments
 * and in the contract tests (`test/wire/store-contract.ts`).
 */
export interface WireStore {
  /** Stores a feed under the next id. */
  addFeed(feed: Omit<Feed, 'id'>): Promise<Feed>;
  getFeed(id: number): Promise<Feed | undefined>;
  /** Feeds in id order. */
  listFeeds(): Promise<readonly Feed[]>;
  /** Applies changes to a feed; `undefined` when there is none with that id. */
  updateFeed(id: number, changes: FeedChanges): Promise<Feed | undefined>;
  /** Removes a feed, its seen keys and its waiting drafts (decided drafts stay: they name items). */
  deleteFeed(id: number): Promise<boolean>;

  /** Which of `keys` this feed has not shown before, in the order given, without duplicates. */
  unseenKeys(feedId: number, keys: readonly string[]): Promise<string[]>;
  /**
   * Records one successful poll at once: marks `keys` seen (keeping at most
   * {@link MAX_SEEN_KEYS_PER_FEED}, oldest forgotten first), stores the drafts of the new entries
   * under the next ids, and applies `changes` to the feed. A draft whose key was already seen is not
   * stored, so a poll repeated after a crash adds nothing twice. Returns the drafts stored.
   */
  recordPoll(
    feedId: number,
    keys: readonly string[],
    drafts: readonly NewDraft[],
    changes: FeedChanges,
  ): Promise<Draft[]>;

  getDraft(id: number): Promise<Draft | undefined>;
  /**
   * Drafts in a state, newest first, at most `limit`; with `afterId`, only those with larger ids;
   * with `beforeId`, only those with smaller ids (the next page of a list read newest first). The
   * total counts the drafts in the state that the cursors let through.
   */
  listDrafts(query: DraftQuery): Promise<DraftPage>;
  /**
   * The compare-and-set behind Publish and Skip: applies the decision only if the draft is still
   * waiting. Two editors tapping at once: one gets `ok: true`, the other `ok: false` and the draft
   * as the first left it.
   */
  decideDraft(id: number, decision: DraftDecision): Promise<DecideResult>;
  /** Records the item a published draft became. */
  setDraftItem(id: number, itemId: number): Promise<void>;
  /**
   * Undoes a decision that could not be carried out (the item could not be stored): back to
   * waiting, only if it still carries this decision.
   */
  reopenDraft(id: number, decision: DraftDecision): Promise<void>;

  /** The last draft id an editor was told about (0 when none). */
  notifiedUpTo(editor: string): Promise<number>;
  setNotifiedUpTo(editor: string, draftId: number): Promise<void>;

  /**
   * Reads everything, one batch of at most `pageSize` records at a time: first the next ids, then
   * the feeds, each feed's seen keys, the drafts and the cursors. A store with nothing in it yields
   * only the ids. Never holds more than a page in memory beyond what the store already does.
   */
  exportWire(pageSize: number): AsyncIterable<WireBatch>;
  /**
   * Writes one batch as given, ids kept: feeds and drafts replace any with the same id, seen keys
   * are added after the feed's own (still at most {@link MAX_SEEN_KEYS_PER_FEED}, oldest forgotten
   * first), cursors are set. Later {@link addFeed} and {@link recordPoll} ids go above both the
   * largest id written and the `ids` batch. For moving data between stores; the wire never calls it.
   */
  importWire(batch: WireBatch): Promise<void>;

  /** Writes everything changed so far to durable storage. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

import type { ChatRef, UserRef } from '../core/chat.js';
import type { PressReply } from '../core/command.js';
import { type Doc, textDoc } from '../core/document.js';
import { UsageError } from '../core/errors.js';
import { validateDraft } from '../core/items.js';
import type { Newsroom } from '../core/newsroom.js';
import { quoted, wellFormed } from '../core/user-text.js';
import type { Translator } from '../i18n/translator.js';
import { entryToDraft } from './entry-draft.js';
import { urlProblem } from './fetch-feed.js';
import { htmlToLine } from './html-text.js';
import {
  type Draft,
  type DraftDecision,
  type Feed,
  MAX_CONSECUTIVE_FAILURES,
  type NewDraft,
} from './model.js';
import type { FeedReader, ReadResult } from './reader.js';
import type { FeedChanges, WireStore } from './store.js';
import { WireViews } from './wire-views.js';

/** The first poll of a new feed makes drafts of its newest entries only; the rest count as seen. */
export const FIRST_POLL_DRAFTS = 10;
/** A feed's name is kept to this many characters. */
const FEED_TITLE_MAX = 200;
/** `/wire` and each notification show this many drafts with buttons (one row each; Discord allows 5). */
export const DRAFTS_PER_MESSAGE = 5;

/** How one feed's poll went. */
export type PollOutcome =
  | {
      readonly kind: 'new';
      readonly feed: Feed;
      readonly drafts: readonly Draft[];
      readonly published: readonly Draft[];
    }
  | { readonly kind: 'unchanged'; readonly feed: Feed }
  | { readonly kind: 'failed'; readonly feed: Feed; readonly reason: string }
  /** This failure was one too many: the feed is paused and its editor is to be told. */
  | { readonly kind: 'paused'; readonly feed: Feed; readonly reason: string };

/** What the wire is made of. */
export interface WireOptions {
  readonly store: WireStore;
  readonly newsroom: Newsroom;
  readonly reader: FeedReader;
}

/**
 * The news wire: feeds editors add, drafts their polls bring, and the editor's decision on each.
 * Nothing reaches readers unless an editor publishes it — through the same validation and the same
 * store call as `/post` — or the feed was added as `auto`. Commands and buttons call it; the
 * scheduler calls {@link pollFeed}.
 */
export class Wire {
  readonly store: WireStore;
  readonly views: WireViews;
  readonly #newsroom: Newsroom;
  readonly #reader: FeedReader;

  constructor(options: WireOptions) {
    this.store = options.store;
    this.#newsroom = options.newsroom;
    this.#reader = options.reader;
    this.views = new WireViews(options.newsroom.topics, options.newsroom.settings.timezone);
  }

  /**
   * The language the wire writes to an editor's private chat in: the one chosen there with
   * `/language`, else `DEFAULT_LANGUAGE` (a notification answers nobody's message, so no platform
   * locale comes with it).
   */
  translatorOf(chat: ChatRef): Promise<Translator> {
    return this.#newsroom.translatorOf(chat);
  }

  /** The language of what no one reads at once (auto-publishing's refusals): `DEFAULT_LANGUAGE`. */
  get #defaultTranslator(): Translator {
    return this.#newsroom.translatorIn(undefined);
  }

  // -------------------------------------------------------------------------------------------
  // Feeds
  // -------------------------------------------------------------------------------------------

  /**
   * `/feed add`: reads the feed once (so a wrong URL is said at once, and nothing is added), then
   * adds it; its newest {@link FIRST_POLL_DRAFTS} entries wait on the wire, the others count as seen.
   */
  async addFeed(
    rawUrl: string,
    topic: string | undefined,
    auto: boolean,
    by: UserRef,
    now: Date,
    tr: Translator,
  ): Promise<Doc> {
    const added = await this.createFeed(rawUrl, topic, auto, by, now, tr);
    return this.views.feedAdded(added.feed, added.entries, added.drafts, tr);
  }

  /**
   * Adds a feed as {@link addFeed} does, answering with what was added rather than a reply (the desk
   * draws its own page). A URL that is not one, not http(s), already on the wire or that cannot be
   * read (an address the reader refuses, such as loopback without `FEED_ALLOW_PRIVATE`) is a
   * `UsageError` and nothing is added.
   */
  async createFeed(
    rawUrl: string,
    topic: string | undefined,
    auto: boolean,
    by: UserRef,
    now: Date,
    tr: Translator,
  ): Promise<FeedAdded> {
    let url: URL;
    try {
      url = new URL(rawUrl.trim());
    } catch {
      throw new UsageError('badFeedUrl', tr.t('wire.feed.notUrl', { url: quoted(rawUrl) }));
    }
    const problem = urlProblem(url);
    if (problem)
      throw new UsageError(
        'badFeedUrl',
        tr.t('wire.feed.badUrl', { url: quoted(rawUrl), problem: tr.t(`wire.feed.url.${problem}`) }),
      );
    const existing = (await this.store.listFeeds()).find((f) => f.url === url.href);
    if (existing) throw new UsageError('feedExists', tr.t('wire.feed.exists', { id: existing.id }));
    const read = await this.#reader.read(url.href, {});
    if (read.kind !== 'ok')
      throw new UsageError(
        'feedUnreadable',
        tr.t('wire.feed.unreadable', {
          url: quoted(url.href),
          // The reader's reason is a diagnostic, in English (see the README's Languages).
          reason: read.kind === 'failed' ? read.reason : tr.t('wire.feed.noContent'),
        }),
      );
    const feed = await this.store.addFeed({
      url: url.href,
      ...(topic !== undefined && { topic }),
      auto,
      status: 'active',
      addedBy: by,
      addedAt: now.toISOString(),
      failures: 0,
      entriesSeen: 0,
    });
    const outcome = await this.#record(feed, read, now);
    const drafts = outcome.kind === 'new' ? outcome.drafts.length : 0;
    return { feed: outcome.feed, entries: read.doc.entries.length, drafts };
  }

  /** `/feed list`: every feed with its status, last success, last error and entries seen. */
  async listFeeds(tr: Translator): Promise<Doc> {
    return this.views.feedList(await this.store.listFeeds(), tr);
  }

  /** `/feed remove`: stops polling it and drops its waiting drafts. */
  async removeFeed(id: number, tr: Translator): Promise<Doc> {
    const result = await this.changeFeed('remove', id, undefined);
    if (result.kind === 'missing') throw unknownFeed(id, tr);
    const feed = result.feed;
    return textDoc(tr.t('wire.feed.removed', { id, name: feed.title ?? feed.url }));
  }

  /** `/feed pause`. */
  async pauseFeed(id: number, by: UserRef, tr: Translator): Promise<Doc> {
    const result = await this.changeFeed('pause', id, by);
    if (result.kind === 'missing') throw unknownFeed(id, tr);
    if (result.kind === 'alreadyPaused')
      return textDoc(
        tr.t('wire.feed.alreadyPaused', { id, reason: this.views.pauseReason(result.feed, tr) }),
      );
    return textDoc(tr.t('wire.feed.paused', { id }));
  }

  /** `/feed resume`: also clears the failure count of a feed paused for failing. */
  async resumeFeed(id: number, tr: Translator): Promise<Doc> {
    const result = await this.changeFeed('resume', id, undefined);
    if (result.kind === 'missing') throw unknownFeed(id, tr);
    if (result.kind === 'notPaused') return textDoc(tr.t('wire.feed.notPaused', { id }));
    return textDoc(tr.t('wire.feed.resumed', { id }));
  }

  /**
   * Pauses (by `by`), resumes or removes a feed — the rules behind `/feed pause|resume|remove` —
   * and says what it found and did, for callers that draw their own answer (the desk).
   */
  async changeFeed(
    action: 'pause' | 'resume' | 'remove',
    id: number,
    by: UserRef | undefined,
  ): Promise<FeedChange> {
    const feed = await this.store.getFeed(id);
    if (!feed) return { kind: 'missing', id };
    if (action === 'remove') {
      await this.store.deleteFeed(id);
      return { kind: 'removed', feed };
    }
    if (action === 'pause') {
      if (feed.status === 'paused') return { kind: 'alreadyPaused', feed };
      const name = by?.name ?? 'an editor';
      const changes = {
        status: 'paused',
        pausedReason: `paused by ${name}`,
        ...(by && { pausedBy: by }),
      } as const;
      return { kind: 'paused', feed: (await this.store.updateFeed(id, changes)) ?? feed };
    }
    if (feed.status === 'active') return { kind: 'notPaused', feed };
    const resumed = await this.store.updateFeed(id, {
      status: 'active',
      pausedReason: undefined,
      pausedBy: undefined,
      failures: 0,
    });
    return { kind: 'resumed', feed: resumed ?? feed };
  }

  // -------------------------------------------------------------------------------------------
  // Polling
  // -------------------------------------------------------------------------------------------

  /** Reads one feed (conditionally) and records what it brought; never throws for the feed's faults. */
  async pollFeed(feed: Feed, now: Date): Promise<PollOutcome> {
    const read = await this.#reader.read(feed.url, {
      ...(feed.etag !== undefined && { etag: feed.etag }),
      ...(feed.lastModified !== undefined && { lastModified: feed.lastModified }),
    });
    return this.#record(feed, read, now);
  }

  async #record(feed: Feed, read: ReadResult, now: Date): Promise<PollOutcome> {
    const at = now.toISOString();
    if (read.kind === 'failed') return this.#failed(feed, read.reason, at);
    if (read.kind === 'notModified') {
      const updated = await this.store.updateFeed(feed.id, {
        lastPolledAt: at,
        lastSuccessAt: at,
        failures: 0,
      });
      return { kind: 'unchanged', feed: updated ?? feed };
    }
    const source = {
      url: read.url,
      ...(read.doc.title !== undefined && { title: read.doc.title }),
      ...(feed.topic !== undefined && { topic: feed.topic }),
    };
    const all = read.doc.entries.map((entry) => entryToDraft(entry, source, this.#newsroom.topics));
    // The feed's name as text, as its drafts' source name shows it.
    const title = wellFormed(htmlToLine(read.doc.title ?? '')).slice(0, FEED_TITLE_MAX);
    const keys = all.map((d) => d.key);
    const fresh = new Set(await this.store.unseenKeys(feed.id, keys));
    const firstPoll = feed.lastSuccessAt === undefined;
    // A key seen twice in one document (a duplicate GUID) is the entry that comes first.
    const firstOfKey = new Set<string>();
    let candidates = all.filter((d) => fresh.has(d.key) && !firstOfKey.has(d.key) && firstOfKey.add(d.key));
    candidates = newestFirst(candidates);
    if (firstPoll) candidates = candidates.slice(0, FIRST_POLL_DRAFTS);
    // Stored oldest first, so that draft numbers grow with the entries' dates and "newest" means both.
    const drafts: NewDraft[] = candidates.reverse().map((d) => ({ ...d, feedId: feed.id, createdAt: at }));
    const changes: FeedChanges = {
      lastPolledAt: at,
      lastSuccessAt: at,
      failures: 0,
      entriesSeen: feed.entriesSeen + fresh.size,
      ...(title !== '' && { title }),
      etag: read.etag,
      lastModified: read.lastModified,
    };
    const stored = await this.store.recordPoll(feed.id, keys, drafts, changes);
    const updated = (await this.store.getFeed(feed.id)) ?? feed;
    // An `auto` feed publishes from its second poll on: the first shows what the feed brings.
    const published = updated.auto && !firstPoll ? await this.#autoPublish(updated, stored, now) : [];
    if (stored.length === 0) return { kind: 'unchanged', feed: updated };
    return { kind: 'new', feed: updated, drafts: stored, published };
  }

  async #failed(feed: Feed, reason: string, at: string): Promise<PollOutcome> {
    const failures = feed.failures + 1;
    const pause = failures >= MAX_CONSECUTIVE_FAILURES && feed.status === 'active';
    const updated =
      (await this.store.updateFeed(feed.id, {
        lastPolledAt: at,
        lastError: reason,
        lastErrorAt: at,
        failures,
        ...(pause && {
          status: 'paused' as const,
          pausedReason: `failed ${failures} times in a row; last: ${reason}`,
        }),
      })) ?? feed;
    return pause ? { kind: 'paused', feed: updated, reason } : { kind: 'failed', feed: updated, reason };
  }

  async #autoPublish(feed: Feed, drafts: readonly Draft[], now: Date): Promise<Draft[]> {
    const published: Draft[] = [];
    for (const draft of drafts) {
      // A draft the newsroom would refuse (no topic matched) waits for an editor instead.
      const tr = this.#defaultTranslator;
      if (!validateDraft(itemDraftOf(draft), this.#newsroom.topics, tr).ok) continue;
      const result = await this.#publish(draft.id, feed.addedBy, undefined, now, true, tr);
      if (result.kind === 'published') published.push(result.draft);
    }
    return published;
  }

  // -------------------------------------------------------------------------------------------
  // Drafts
  // -------------------------------------------------------------------------------------------

  /** `/wire`: the newest waiting drafts with their buttons, and how many wait. */
  async waiting(tr: Translator): Promise<Doc> {
    const page = await this.store.listDrafts({ state: 'waiting', limit: DRAFTS_PER_MESSAGE });
    return this.views.wire(page.drafts, page.total, tr);
  }

  /** `/wire publish <id> [topic]`. */
  async publish(id: number, by: UserRef, topic: string | undefined, now: Date, tr: Translator): Promise<Doc> {
    return this.views.publishReply(await this.decide('publish', id, by, topic, now, tr), tr);
  }

  /** `/wire skip <id>`. */
  async skip(id: number, by: UserRef, now: Date, tr: Translator): Promise<Doc> {
    return this.views.skipReply(await this.decide('skip', id, by, undefined, now, tr), tr);
  }

  /**
   * Publishes (under `topic`, else the draft's own) or skips a waiting draft: the one decision path
   * of commands, buttons and the desk. Publishing validates as `/post` does (`invalid`, with the
   * problems in `tr`'s language); of two decisions at once, one wins and the other gets `taken`.
   */
  decide(
    action: 'publish' | 'skip',
    id: number,
    by: UserRef,
    topic: string | undefined,
    now: Date,
    tr: Translator,
  ): Promise<DecisionResult> {
    return action === 'publish' ? this.#publish(id, by, topic, now, false, tr) : this.#skip(id, by, now);
  }

  /**
   * A Publish or Skip button: decides the draft (once, whoever taps first), then draws the message
   * again from its buttons' drafts, so it shows who published or skipped each — in the presser's
   * language (`tr`).
   */
  async press(
    action: 'publish' | 'skip' | 'show',
    id: number,
    by: UserRef,
    topic: string | undefined,
    view: readonly string[],
    now: Date,
    tr: Translator,
  ): Promise<PressReply> {
    let notice: string;
    if (action === 'publish')
      notice = this.views.publishNotice(await this.decide('publish', id, by, topic, now, tr), tr);
    else if (action === 'skip')
      notice = this.views.skipNotice(await this.decide('skip', id, by, undefined, now, tr), tr);
    else notice = this.views.stateNotice(await this.store.getDraft(id), tr);
    const ids = viewDraftIds(view);
    if (ids.length === 0) return { notice };
    const drafts = (await Promise.all(ids.map((d) => this.store.getDraft(d)))).filter(
      (d): d is Draft => d !== undefined,
    );
    return { notice, doc: this.views.batch(drafts, tr) };
  }

  async #publish(
    id: number,
    by: UserRef,
    topic: string | undefined,
    now: Date,
    auto: boolean,
    tr: Translator,
  ): Promise<DecisionResult> {
    const draft = await this.store.getDraft(id);
    if (!draft) return { kind: 'missing', id };
    if (draft.state !== 'waiting') return { kind: 'taken', draft };
    const chosen = topic ?? draft.topic;
    const checked = validateDraft(
      itemDraftOf({ ...draft, ...(chosen !== undefined && { topic: chosen }) }),
      this.#newsroom.topics,
      tr,
    );
    if (!checked.ok) return { kind: 'invalid', draft, problems: checked.error };
    const decision: DraftDecision = {
      state: 'published',
      by,
      at: now.toISOString(),
      ...(auto && { auto: true }),
      topic: checked.value.topic,
    };
    // The compare-and-set: of two editors tapping at once, one gets here with ok and publishes.
    const decided = await this.store.decideDraft(id, decision);
    if (!decided.ok) return decided.draft ? { kind: 'taken', draft: decided.draft } : { kind: 'missing', id };
    // Durable before the item exists: a crash in between loses this item rather than publishing it twice.
    await this.store.flush();
    try {
      const item = await this.#newsroom.addItem(checked.value, by, now, tr);
      await this.store.setDraftItem(id, item.id);
      return { kind: 'published', draft: { ...decided.draft, itemId: item.id } };
    } catch (e) {
      await this.store.reopenDraft(id, decision);
      throw e;
    }
  }

  async #skip(id: number, by: UserRef, now: Date): Promise<DecisionResult> {
    const decided = await this.store.decideDraft(id, { state: 'skipped', by, at: now.toISOString() });
    if (decided.ok) return { kind: 'skipped', draft: decided.draft };
    return decided.draft ? { kind: 'taken', draft: decided.draft } : { kind: 'missing', id };
  }
}

/** What {@link Wire.createFeed} added. */
export interface FeedAdded {
  readonly feed: Feed;
  /** Entries the feed held when it was first read. */
  readonly entries: number;
  /** Drafts that first read left waiting on the wire. */
  readonly drafts: number;
}

/** What {@link Wire.changeFeed} found and did. */
export type FeedChange =
  | { readonly kind: 'removed' | 'paused' | 'resumed'; readonly feed: Feed }
  /** Nothing to do: the feed already was so. */
  | { readonly kind: 'alreadyPaused' | 'notPaused'; readonly feed: Feed }
  | { readonly kind: 'missing'; readonly id: number };

function unknownFeed(id: number, tr: Translator): UsageError {
  return new UsageError('unknownFeed', tr.t('wire.feed.unknown', { id }));
}

/** How a Publish or Skip went. */
export type DecisionResult =
  | { readonly kind: 'published' | 'skipped'; readonly draft: Draft }
  /** Someone decided first. */
  | { readonly kind: 'taken'; readonly draft: Draft }
  | { readonly kind: 'invalid'; readonly draft: Draft; readonly problems: readonly string[] }
  | { readonly kind: 'missing'; readonly id: number };

/** The item fields of a draft, as `/post` would take them. */
function itemDraftOf(draft: Pick<Draft, 'topic' | 'headline' | 'body' | 'sourceName' | 'sourceUrl'>) {
  return {
    topic: draft.topic ?? '',
    headline: draft.headline,
    body: draft.body,
    ...(draft.sourceName !== undefined && { sourceName: draft.sourceName }),
    ...(draft.sourceUrl !== undefined && { sourceUrl: draft.sourceUrl }),
  };
}

/** Entries with a date newest first, then undated ones in document order. */
function newestFirst<T extends { entryDate?: string }>(entries: readonly T[]): T[] {
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => {
      const da = a.entry.entryDate;
      const db = b.entry.entryDate;
      if (da !== undefined && db !== undefined && da !== db) return da < db ? 1 : -1;
      if (da !== undefined && db === undefined) return -1;
      if (da === undefined && db !== undefined) return 1;
      return a.index - b.index;
    })
    .map(({ entry }) => entry);
}

/** The draft ids a message's buttons name (`wire publish 12`, `wire skip 12`, `wire show 12`), in order. */
export function viewDraftIds(view: readonly string[]): number[] {
  const ids: number[] = [];
  for (const data of view) {
    const match = /^wire (?:publish|skip|show) (\d+)\b/.exec(data);
    const id = match ? Number(match[1]) : Number.NaN;
    if (Number.isSafeInteger(id) && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

import type { Action, Block, Doc } from '../core/document.js';
import { textDoc } from '../core/document.js';
import type { TopicCatalog } from '../core/topics.js';
import type { Translator } from '../i18n/translator.js';
import { cutAtSentence } from './html-text.js';
import { type Draft, type Feed, MAX_CONSECUTIVE_FAILURES } from './model.js';
import type { DecisionResult } from './wire.js';

/** A draft's body as a batch shows it: enough to judge it, short enough for five in one message. */
const EXCERPT_CHARS = 400;
/** A topicless draft gets one Publish button per topic when there are at most this many topics. */
const TOPIC_BUTTONS_MAX = 3;
/** Button labels are cut to this many characters (Discord labels hold 80). */
const NAME_ON_BUTTON = 24;

function short(name: string): string {
  const chars = Array.from(name);
  return chars.length <= NAME_ON_BUTTON ? name : `${chars.slice(0, NAME_ON_BUTTON - 1).join('')}…`;
}

/**
 * The wire's documents: feed lists, drafts with their buttons, and the answers to decisions, each
 * in the language of `tr` (the editor's). Feed titles, drafts' headlines and bodies, and fetch
 * failures stay as written.
 */
export class WireViews {
  constructor(
    private readonly topics: TopicCatalog,
    private readonly timezone: string,
  ) {}

  /** Why a feed is paused, in `tr`'s language: by whom, or after how many failures. */
  pauseReason(feed: Feed, tr: Translator): string {
    if (feed.pausedBy !== undefined) return tr.t('wire.feed.pausedBy', { name: feed.pausedBy.name });
    if (feed.failures >= MAX_CONSECUTIVE_FAILURES && feed.lastError !== undefined)
      return tr.t('wire.feed.pausedFailing', { failures: feed.failures, error: feed.lastError });
    // A record from before pauses named their editor, as it was stored.
    return feed.pausedReason ?? tr.t('wire.feed.pausedNoReason');
  }

  /** The reply to `/feed add`. */
  feedAdded(feed: Feed, entries: number, drafts: number, tr: Translator): Doc {
    const topic =
      feed.topic === undefined
        ? tr.t('wire.feed.added.topicByWords')
        : tr.t('wire.feed.added.topic', { topic: this.topics.label(feed.topic, tr) });
    const waiting =
      drafts === 0
        ? tr.t('wire.feed.added.nothingWaits')
        : tr.t('wire.feed.added.waiting', { count: drafts });
    return {
      title: tr.t('wire.feed.added.title', { id: feed.id, name: feed.title ?? feed.url }),
      blocks: [
        {
          type: 'fields',
          entries: [
            [tr.t('wire.feed.added.url'), feed.url],
            [tr.t('wire.feed.added.topicField'), topic],
            [
              tr.t('wire.feed.added.newEntries'),
              tr.t(feed.auto ? 'wire.feed.added.auto' : 'wire.feed.added.review'),
            ],
            [tr.t('wire.feed.added.entriesNow'), String(entries)],
          ],
        },
        { type: 'paragraph', text: waiting, style: 'muted' },
      ],
    };
  }

  #feedLine(feed: Feed, tr: Translator): string {
    const when = (iso: string) => tr.entryTime(iso, this.timezone);
    const parts = [
      `#${feed.id} ${feed.status === 'active' ? tr.t('wire.feed.list.active') : tr.t('wire.feed.list.paused', { reason: this.pauseReason(feed, tr) })}`,
      `${feed.title ?? tr.t('wire.feed.list.notRead')} — ${feed.url}`,
      feed.topic === undefined
        ? tr.t('wire.feed.list.topicByWords')
        : tr.t('wire.feed.list.topic', { topic: feed.topic }),
      ...(feed.auto ? [tr.t('wire.feed.list.auto')] : []),
      tr.t('wire.feed.list.lastSuccess', {
        when: feed.lastSuccessAt ? when(feed.lastSuccessAt) : tr.t('wire.feed.list.never'),
      }),
      ...(feed.lastError !== undefined && feed.lastErrorAt !== undefined
        ? [tr.t('wire.feed.list.lastError', { when: when(feed.lastErrorAt), error: feed.lastError })]
        : []),
      ...(feed.failures > 0 ? [tr.t('wire.feed.list.failures', { failures: feed.failures })] : []),
      tr.t('wire.feed.list.seen', { seen: feed.entriesSeen }),
    ];
    return parts.join(' · ');
  }

  /** `/feed list`. */
  feedList(feeds: readonly Feed[], tr: Translator): Doc {
    if (feeds.length === 0) return textDoc(tr.t('wire.feed.list.none'));
    return {
      title: tr.t('wire.feed.list.title', { total: feeds.length }),
      blocks: [
        { type: 'list', entries: feeds.map((f) => this.#feedLine(f, tr)) },
        { type: 'paragraph', text: tr.t('wire.feed.list.hint'), style: 'muted' },
      ],
      language: tr.language,
    };
  }

  /** One draft: a heading with its number and topic, the item as it would read, and its state. */
  #draftBlocks(draft: Draft, tr: Translator): Block[] {
    const topic = draft.topic === undefined ? tr.t('wire.draft.noTopic') : this.topics.label(draft.topic, tr);
    const blocks: Block[] = [
      { type: 'section', text: tr.t('wire.draft.heading', { id: draft.id, topic }) },
      {
        type: 'item',
        item: {
          id: draft.id,
          topic: draft.topic ?? '',
          headline: draft.headline,
          body: cutAtSentence(draft.body, EXCERPT_CHARS),
          ...(draft.sourceName !== undefined && { sourceName: draft.sourceName }),
          ...(draft.sourceUrl !== undefined && { sourceUrl: draft.sourceUrl }),
          dateLabel:
            draft.entryDate === undefined
              ? tr.t('wire.draft.undated')
              : tr.entryTime(draft.entryDate, this.timezone),
        },
      },
    ];
    const state = this.#stateLine(draft, tr);
    if (state !== undefined) blocks.push({ type: 'paragraph', text: state, style: 'muted' });
    return blocks;
  }

  /** "Published by …" / "Skipped by …", or `undefined` while it waits. */
  #stateLine(draft: Draft, tr: Translator): string | undefined {
    const name = draft.decidedBy?.name ?? tr.t('wire.draft.someone');
    if (draft.state === 'published') {
      const item = draft.itemId;
      if (draft.auto)
        return item === undefined
          ? tr.t('wire.state.publishedAuto')
          : tr.t('wire.state.publishedAutoAs', { item });
      return item === undefined
        ? tr.t('wire.state.published', { name })
        : tr.t('wire.state.publishedAs', { name, item });
    }
    if (draft.state === 'skipped') return tr.t('wire.state.skipped', { name });
    return undefined;
  }

  /** A draft's row of buttons. */
  #actions(draft: Draft, tr: Translator): Action[] {
    const show = `wire show ${draft.id}`;
    const name = draft.decidedBy?.name ?? '?';
    if (draft.state === 'published') {
      const item = draft.itemId;
      const label = draft.auto
        ? item === undefined
          ? tr.t('wire.buttons.publishedAuto')
          : tr.t('wire.buttons.publishedAutoAs', { item })
        : item === undefined
          ? tr.t('wire.buttons.published', { name })
          : tr.t('wire.buttons.publishedAs', { name, item });
      return [{ label: short(label), data: show, style: 'success', disabled: true }];
    }
    if (draft.state === 'skipped')
      return [
        {
          label: short(tr.t('wire.buttons.skipped', { name })),
          data: show,
          style: 'secondary',
          disabled: true,
        },
      ];
    const skip: Action = {
      label: tr.t('wire.buttons.skip', { id: draft.id }),
      data: `wire skip ${draft.id}`,
      style: 'secondary',
    };
    if (draft.topic !== undefined)
      return [
        {
          label: tr.t('wire.buttons.publish', { id: draft.id }),
          data: `wire publish ${draft.id}`,
          style: 'success',
        },
        skip,
      ];
    if (this.topics.topics.length > TOPIC_BUTTONS_MAX) return [skip];
    return [
      ...this.topics.topics.map(
        (t): Action => ({
          label: tr.t('wire.buttons.publishAs', { id: draft.id, emoji: t.emoji, topic: t.slug }),
          data: `wire publish ${draft.id} ${t.slug}`,
          style: 'success',
        }),
      ),
      skip,
    ];
  }

  /**
   * Drafts with their buttons, as a notification or `/wire` shows them, and as a message is drawn
   * again after a tap.
   */
  batch(drafts: readonly Draft[], tr: Translator, title = tr.t('wire.batch.title'), more = 0): Doc {
    const footer = more > 0 ? tr.t('wire.batch.more', { count: more }) : tr.t('wire.batch.hint');
    return {
      title,
      blocks: [
        ...drafts.flatMap((d) => this.#draftBlocks(d, tr)),
        { type: 'paragraph', text: footer, style: 'muted' },
      ],
      actions: drafts.map((d) => this.#actions(d, tr)),
      language: tr.language,
    };
  }

  /** `/wire`. */
  wire(drafts: readonly Draft[], total: number, tr: Translator): Doc {
    if (total === 0) return textDoc(tr.t('wire.batch.none'));
    return this.batch(drafts, tr, tr.t('wire.batch.waiting', { count: total }), total - drafts.length);
  }

  /** A notification of new drafts. */
  notification(drafts: readonly Draft[], total: number, tr: Translator): Doc {
    return this.batch(drafts, tr, tr.t('wire.batch.notification', { count: total }), total - drafts.length);
  }

  /** Told to the editor who added a feed that was paused for failing. */
  feedPaused(feed: Feed, tr: Translator): Doc {
    return textDoc(
      tr.t('wire.feed.pausedNotice', {
        id: feed.id,
        name: feed.title ?? feed.url,
        reason: this.pauseReason(feed, tr),
      }),
    );
  }

  /** The one-line answer to a decision, for a tap. */
  publishNotice(result: DecisionResult, tr: Translator): string {
    switch (result.kind) {
      case 'published':
        return tr.t('wire.notices.published', { item: result.draft.itemId ?? '?' });
      case 'invalid':
        return tr.t('wire.notices.invalid', { id: result.draft.id, problems: result.problems.join(' ') });
      default:
        return this.#otherNotice(result, tr);
    }
  }

  skipNotice(result: DecisionResult, tr: Translator): string {
    return result.kind === 'skipped'
      ? tr.t('wire.notices.skipped', { id: result.draft.id })
      : this.#otherNotice(result, tr);
  }

  #otherNotice(result: DecisionResult, tr: Translator): string {
    if (result.kind === 'missing') return tr.t('wire.notices.gone', { id: result.id });
    if (result.kind === 'taken' || result.kind === 'published' || result.kind === 'skipped')
      return tr.t('wire.notices.state', {
        id: result.draft.id,
        state: this.#stateLine(result.draft, tr) ?? tr.t('wire.notices.stillWaiting'),
      });
    return '';
  }

  /** The state of a decided draft, for a tap on its (disabled) state button. */
  stateNotice(draft: Draft | undefined, tr: Translator): string {
    if (!draft) return tr.t('wire.notices.draftGone');
    return this.#stateLine(draft, tr) ?? tr.t('wire.notices.waiting', { id: draft.id });
  }

  /** The reply to a typed `/wire publish`. */
  publishReply(result: DecisionResult, tr: Translator): Doc {
    if (result.kind === 'published') {
      const draft = result.draft;
      const item = draft.itemId ?? '?';
      return {
        title: tr.t('wire.publish.title', {
          id: draft.id,
          item,
          topic: this.topics.label(draft.topic ?? '', tr),
        }),
        blocks: [
          { type: 'paragraph', text: draft.headline },
          { type: 'paragraph', text: tr.t('post.hint', { id: item }), style: 'muted' },
        ],
      };
    }
    if (result.kind === 'invalid') {
      const values = { id: result.draft.id, problems: result.problems.join(' ') };
      const text =
        result.draft.topic === undefined
          ? tr.t('wire.publish.invalidNoTopic', { ...values, topics: this.topics.names(tr) })
          : tr.t('wire.publish.invalid', values);
      return { ...textDoc(text), tone: 'error', private: true };
    }
    return { ...textDoc(this.publishNotice(result, tr)), tone: 'error', private: true };
  }

  /** The reply to a typed `/wire skip`. */
  skipReply(result: DecisionResult, tr: Translator): Doc {
    const doc = textDoc(this.skipNotice(result, tr));
    return result.kind === 'skipped' ? doc : { ...doc, tone: 'error', private: true };
  }
}

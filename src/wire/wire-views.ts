import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { Action, Block, Doc } from '../core/document.js';
import { textDoc } from '../core/document.js';
import type { TopicCatalog } from '../core/topics.js';
import { cutAtSentence } from './html-text.js';
import type { Draft, Feed } from './model.js';
import type { DecisionResult } from './wire.js';

/** A draft's body as a batch shows it: enough to judge it, short enough for five in one message. */
const EXCERPT_CHARS = 400;
/** A topicless draft gets one Publish button per topic when there are at most this many topics. */
const TOPIC_BUTTONS_MAX = 3;
/** Names on buttons are cut to this many characters (Discord labels hold 80). */
const NAME_ON_BUTTON = 24;

function short(name: string): string {
  const chars = Array.from(name);
  return chars.length <= NAME_ON_BUTTON ? name : `${chars.slice(0, NAME_ON_BUTTON - 1).join('')}…`;
}

/** The wire's documents: feed lists, drafts with their buttons, and the answers to decisions. */
export class WireViews {
  constructor(
    private readonly topics: TopicCatalog,
    private readonly timezone: string,
  ) {}

  #when(iso: string): string {
    return format(new TZDate(new Date(iso).getTime(), this.timezone), 'd MMM yyyy HH:mm');
  }

  /** The reply to `/feed add`. */
  feedAdded(feed: Feed, entries: number, drafts: number): Doc {
    const topic =
      feed.topic === undefined
        ? 'topic chosen per entry by its words'
        : `topic ${this.topics.label(feed.topic)}`;
    const waiting =
      drafts === 0
        ? 'Nothing from it waits on the wire yet; new entries will.'
        : `Its ${drafts} newest ${drafts === 1 ? 'entry waits' : 'entries wait'} on the wire: /wire.`;
    return {
      title: `Added feed #${feed.id}: ${feed.title ?? feed.url}`,
      blocks: [
        {
          type: 'fields',
          entries: [
            ['URL', feed.url],
            ['Topic', topic],
            [
              'New entries',
              feed.auto ? 'published at once (auto), from the next poll on' : 'wait for an editor',
            ],
            ['Entries now', String(entries)],
          ],
        },
        { type: 'paragraph', text: waiting, style: 'muted' },
      ],
    };
  }

  #feedLine(feed: Feed): string {
    const parts = [
      `#${feed.id} ${feed.status === 'active' ? '▶️ active' : `⏸️ paused (${feed.pausedReason ?? 'paused'})`}`,
      `${feed.title ?? '(not read yet)'} — ${feed.url}`,
      feed.topic === undefined ? 'topic by words' : `topic ${feed.topic}`,
      ...(feed.auto ? ['auto'] : []),
      `last success ${feed.lastSuccessAt ? this.#when(feed.lastSuccessAt) : 'never'}`,
      ...(feed.lastError !== undefined && feed.lastErrorAt !== undefined
        ? [`last error ${this.#when(feed.lastErrorAt)}: ${feed.lastError}`]
        : []),
      ...(feed.failures > 0 ? [`${feed.failures} failed in a row`] : []),
      `${feed.entriesSeen} entries seen`,
    ];
    return parts.join(' · ');
  }

  /** `/feed list`. */
  feedList(feeds: readonly Feed[]): Doc {
    if (feeds.length === 0) return textDoc('No feeds yet. /feed add <url> [topic] [auto] adds one.');
    return {
      title: `Feeds on the wire (${feeds.length})`,
      blocks: [
        { type: 'list', entries: feeds.map((f) => this.#feedLine(f)) },
        {
          type: 'paragraph',
          text: 'Change one with /feed pause <id>, /feed resume <id> or /feed remove <id>.',
          style: 'muted',
        },
      ],
    };
  }

  /** One draft: a heading with its number and topic, the item as it would read, and its state. */
  #draftBlocks(draft: Draft): Block[] {
    const topic = draft.topic === undefined ? 'no topic yet' : this.topics.label(draft.topic);
    const blocks: Block[] = [
      { type: 'section', text: `Draft ${draft.id} · ${topic}` },
      {
        type: 'item',
        item: {
          id: draft.id,
          topic: draft.topic ?? '',
          headline: draft.headline,
          body: cutAtSentence(draft.body, EXCERPT_CHARS),
          ...(draft.sourceName !== undefined && { sourceName: draft.sourceName }),
          ...(draft.sourceUrl !== undefined && { sourceUrl: draft.sourceUrl }),
          dateLabel: draft.entryDate === undefined ? 'undated' : this.#when(draft.entryDate),
        },
      },
    ];
    const state = this.#stateLine(draft);
    if (state !== undefined) blocks.push({ type: 'paragraph', text: state, style: 'muted' });
    return blocks;
  }

  #stateLine(draft: Draft): string | undefined {
    const by = draft.decidedBy?.name ?? 'someone';
    if (draft.state === 'published')
      return `✅ Published${draft.auto ? ' automatically' : ` by ${by}`}${draft.itemId !== undefined ? ` as #${draft.itemId}` : ''}.`;
    if (draft.state === 'skipped') return `✖️ Skipped by ${by}.`;
    return undefined;
  }

  /** A draft's row of buttons. */
  #actions(draft: Draft): Action[] {
    const show = `wire show ${draft.id}`;
    if (draft.state === 'published')
      return [
        {
          label: short(
            `✅ ${draft.auto ? 'Published (auto)' : `Published by ${draft.decidedBy?.name ?? '?'}`}${draft.itemId !== undefined ? ` #${draft.itemId}` : ''}`,
          ),
          data: show,
          style: 'success',
          disabled: true,
        },
      ];
    if (draft.state === 'skipped')
      return [
        {
          label: short(`✖️ Skipped by ${draft.decidedBy?.name ?? '?'}`),
          data: show,
          style: 'secondary',
          disabled: true,
        },
      ];
    const skip: Action = { label: `✖️ Skip ${draft.id}`, data: `wire skip ${draft.id}`, style: 'secondary' };
    if (draft.topic !== undefined)
      return [{ label: `✅ Publish ${draft.id}`, data: `wire publish ${draft.id}`, style: 'success' }, skip];
    if (this.topics.topics.length > TOPIC_BUTTONS_MAX) return [skip];
    return [
      ...this.topics.topics.map(
        (t): Action => ({
          label: `✅ ${draft.id} as ${t.emoji} ${t.slug}`,
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
  batch(drafts: readonly Draft[], title = 'The wire', more = 0): Doc {
    const footer =
      more > 0
        ? `${more} more ${more === 1 ? 'draft waits' : 'drafts wait'}: /wire shows the newest.`
        : 'Publish with /wire publish <id> [topic], skip with /wire skip <id>.';
    return {
      title,
      blocks: [
        ...drafts.flatMap((d) => this.#draftBlocks(d)),
        { type: 'paragraph', text: footer, style: 'muted' },
      ],
      actions: drafts.map((d) => this.#actions(d)),
    };
  }

  /** `/wire`. */
  wire(drafts: readonly Draft[], total: number): Doc {
    if (total === 0)
      return textDoc(
        'Nothing waits on the wire. New entries from the feeds will; /feed list shows the feeds.',
      );
    return this.batch(
      drafts,
      `The wire — ${total} ${total === 1 ? 'draft waits' : 'drafts wait'}`,
      total - drafts.length,
    );
  }

  /** A notification of new drafts. */
  notification(drafts: readonly Draft[], total: number): Doc {
    const title = `📰 ${total} new ${total === 1 ? 'draft' : 'drafts'} on the wire`;
    return this.batch(drafts, title, total - drafts.length);
  }

  /** Told to the editor who added a feed that was paused for failing. */
  feedPaused(feed: Feed): Doc {
    return textDoc(
      `⚠️ Feed #${feed.id} (${feed.title ?? feed.url}) is paused: ${feed.pausedReason ?? 'it kept failing'}. Fix the source, then /feed resume ${feed.id}.`,
    );
  }

  /** The one-line answer to a decision, for a tap. */
  publishNotice(result: DecisionResult): string {
    switch (result.kind) {
      case 'published':
        return `Published as #${result.draft.itemId ?? '?'}.`;
      case 'invalid':
        return `Cannot publish draft ${result.draft.id}: ${result.problems.join(' ')}`;
      default:
        return this.#otherNotice(result);
    }
  }

  skipNotice(result: DecisionResult): string {
    return result.kind === 'skipped' ? `Skipped draft ${result.draft.id}.` : this.#otherNotice(result);
  }

  #otherNotice(result: DecisionResult): string {
    if (result.kind === 'missing') return `There is no draft ${result.id} any more.`;
    if (result.kind === 'taken' || result.kind === 'published' || result.kind === 'skipped')
      return `Draft ${result.draft.id}: ${this.#stateLine(result.draft) ?? 'still waiting.'}`;
    return '';
  }

  /** The state of a decided draft, for a tap on its (disabled) state button. */
  stateNotice(draft: Draft | undefined): string {
    if (!draft) return 'That draft is gone.';
    return this.#stateLine(draft) ?? `Draft ${draft.id} is waiting.`;
  }

  /** The reply to a typed `/wire publish`. */
  publishReply(result: DecisionResult): Doc {
    if (result.kind === 'published') {
      const draft = result.draft;
      return {
        title: `Published draft ${draft.id} as #${draft.itemId ?? '?'} in ${this.topics.label(draft.topic ?? '')}`,
        blocks: [
          { type: 'paragraph', text: draft.headline },
          {
            type: 'paragraph',
            text: `Correct it with /edit ${draft.itemId}, remove it with /delete ${draft.itemId}.`,
            style: 'muted',
          },
        ],
      };
    }
    if (result.kind === 'invalid') {
      const topics = this.topics.slugs.join(', ');
      const hint =
        result.draft.topic === undefined
          ? ` Give it a topic: /wire publish ${result.draft.id} <topic> (${topics}).`
          : '';
      return {
        ...textDoc(`⚠️ Cannot publish draft ${result.draft.id}: ${result.problems.join(' ')}${hint}`),
        tone: 'error',
        private: true,
      };
    }
    return { ...textDoc(this.publishNotice(result)), tone: 'error', private: true };
  }

  /** The reply to a typed `/wire skip`. */
  skipReply(result: DecisionResult): Doc {
    const doc = textDoc(this.skipNotice(result));
    return result.kind === 'skipped' ? doc : { ...doc, tone: 'error', private: true };
  }
}

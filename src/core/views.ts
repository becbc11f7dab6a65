import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import type { Briefing, TopicSection } from './briefing.js';
import type { Digest } from './digest.js';
import type { Block, Doc, ItemView } from './document.js';
import type { Item } from './items.js';
import type { Subscription, SubscriptionRecord } from './subscription.js';
import { describeDate, describeInstant, dueInstant, localDate, wallClockKind } from './time.js';
import type { TopicCatalog } from './topics.js';

/** Date labels remembered by a {@link Views}, at most; the memory starts over past this. */
const DATE_LABELS_KEPT = 10_000;

/** Builds the documents readers see from core values; one place for wording shared by replies and digests. */
export class Views {
  /**
   * Date labels by publication instant. Formatting a zoned date costs tens of microseconds (hundreds
   * before the JIT warms up), and a delivery run renders the same day's items into hundreds of
   * distinct digests; the first renders of a 100,000-chat run stalled the event loop for 70 ms.
   */
  readonly #dateLabels = new Map<string, string>();

  constructor(
    private readonly topics: TopicCatalog,
    /** Dates on items are the newsroom's (`BRIEFING_TIMEZONE`). */
    private readonly timezone: string,
  ) {}

  /** An item as readers see it. */
  item(item: Item): ItemView {
    return {
      id: item.id,
      topic: item.topic,
      headline: item.headline,
      body: item.body,
      ...(item.sourceName !== undefined && { sourceName: item.sourceName }),
      ...(item.sourceUrl !== undefined && { sourceUrl: item.sourceUrl }),
      dateLabel: this.#dateLabel(item.publishedAt),
    };
  }

  #dateLabel(publishedAt: string): string {
    let label = this.#dateLabels.get(publishedAt);
    if (label === undefined) {
      label = format(new TZDate(new Date(publishedAt).getTime(), this.timezone), 'd MMM yyyy');
      if (this.#dateLabels.size >= DATE_LABELS_KEPT) this.#dateLabels.clear();
      this.#dateLabels.set(publishedAt, label);
    }
    return label;
  }

  /** Topic headings, each followed by its items. */
  sections(sections: readonly TopicSection[], showIds = false): Block[] {
    return sections.flatMap((section) => [
      { type: 'section', text: this.topics.label(section.topic) } as const,
      ...section.items.map((item) => ({ type: 'item', item: this.item(item), showId: showIds }) as const),
    ]);
  }

  /** The briefing of a day. */
  briefing(briefing: Briefing, note?: string): Doc {
    return {
      title: `Briefing — ${describeDate(briefing.date)}`,
      blocks: [
        ...(note ? [{ type: 'paragraph', text: note, style: 'muted' } as const] : []),
        { type: 'paragraph', text: briefing.lede, style: 'lede' },
        ...this.sections(briefing.sections),
      ],
    };
  }

  /** A digest as delivered: shared by every chat with the same topics and window, so nothing chat-specific. */
  digest(digest: Digest): Doc {
    const topicList = digest.sections.map((s) => this.topics.get(s.topic)?.title ?? s.topic).join(', ');
    const count = digest.shown + digest.omitted;
    const intro = digest.window.day
      ? `The latest briefing, ${describeDate(digest.window.day)}: ${topicList}.`
      : `${count} new ${count === 1 ? 'item' : 'items'} since ${describeInstant(new Date(digest.window.after ?? digest.window.upTo), this.timezone)}: ${topicList}.`;
    const blocks: Block[] = [
      { type: 'paragraph', text: intro, style: 'muted' },
      ...this.sections(digest.sections),
    ];
    if (digest.omitted > 0) {
      blocks.push({
        type: 'paragraph',
        text: `…and ${digest.omitted} more. See them with ${digest.omittedTopics.map((t) => `/topic ${t} 10`).join(', ')}.`,
        style: 'muted',
      });
    }
    return { title: 'Your Briefcast digest', blocks };
  }

  /**
   * When the next digest goes out, in the subscription's zone. On a day the clocks skip its `HH:MM`
   * (it goes at the first minute after the gap) or show it twice (it goes at the first), the line
   * says so, so an answer naming 03:00 for a 02:30 subscription explains itself.
   */
  nextDigest(sub: Pick<Subscription, 'time' | 'timezone'>, next: Date): string {
    const when = describeInstant(next, sub.timezone);
    const date = localDate(next, sub.timezone);
    // `next` is "now" when the digest is due already; then it is not that day's due instant.
    if (dueInstant(date, sub.time, sub.timezone).getTime() !== next.getTime()) return when;
    switch (wallClockKind(date, sub.time, sub.timezone)) {
      case 'gap':
        return `${when} — the clocks skip ${sub.time} that day (they go forward)`;
      case 'fold':
        return `${when} — the first of the two ${sub.time}s that day (the clocks go back); one digest`;
      default:
        return when;
    }
  }

  /** A subscription's settings and counters as label/value pairs. */
  subscriptionFields({ settings: sub, delivery }: SubscriptionRecord, next: Date | undefined): Block {
    const entries: [string, string][] = [
      ['Topics', sub.topics.length === 0 ? 'all' : sub.topics.map((t) => this.topics.label(t)).join(', ')],
      ['Delivery', `${sub.time} ${sub.timezone}`],
      ['Status', sub.status === 'active' ? 'active' : `paused — ${sub.pausedReason ?? 'no reason given'}`],
      ['Next digest', next ? this.nextDigest(sub, next) : 'none while paused (/subscribe resumes it)'],
      ['Digests sent', String(delivery.sent)],
    ];
    if (delivery.lastSentAt)
      entries.push(['Last sent', describeInstant(new Date(delivery.lastSentAt), sub.timezone)]);
    return { type: 'fields', entries };
  }
}

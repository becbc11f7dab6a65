import type { Translator } from '../i18n/translator.js';
import type { Briefing, TopicSection } from './briefing.js';
import type { Digest } from './digest.js';
import type { Block, Doc, ItemView } from './document.js';
import type { Item } from './items.js';
import type { Subscription, SubscriptionRecord } from './subscription.js';
import { dueInstant, localDate, wallClockKind } from './time.js';
import type { TopicCatalog } from './topics.js';

/**
 * Builds the documents readers see from core values, in one language (a {@link Translator}); one
 * place for wording shared by replies and digests. Items stay in the language an editor wrote them in.
 */
export class Views {
  constructor(
    private readonly topics: TopicCatalog,
    /** Dates on items are the newsroom's (`BRIEFING_TIMEZONE`). */
    private readonly timezone: string,
  ) {}

  /** An item as readers see it; its date in `tr`'s language. */
  item(item: Item, tr: Translator): ItemView {
    return {
      id: item.id,
      topic: item.topic,
      headline: item.headline,
      body: item.body,
      ...(item.sourceName !== undefined && { sourceName: item.sourceName }),
      ...(item.sourceUrl !== undefined && { sourceUrl: item.sourceUrl }),
      dateLabel: tr.itemDate(item.publishedAt, this.timezone),
    };
  }

  /** Topic headings, each followed by its items. */
  sections(sections: readonly TopicSection[], tr: Translator, showIds = false): Block[] {
    return sections.flatMap((section) => [
      { type: 'section', text: this.topics.label(section.topic, tr) } as const,
      ...section.items.map((item) => ({ type: 'item', item: this.item(item, tr), showId: showIds }) as const),
    ]);
  }

  /** The briefing of a day. */
  briefing(briefing: Briefing, tr: Translator, note?: string): Doc {
    return {
      title: tr.t('brief.title', { date: tr.date(briefing.date) }),
      language: tr.language,
      blocks: [
        ...(note ? [{ type: 'paragraph', text: note, style: 'muted' } as const] : []),
        { type: 'paragraph', text: briefing.lede, style: 'lede' },
        ...this.sections(briefing.sections, tr),
      ],
    };
  }

  /**
   * A digest as delivered: shared by every chat with the same language, topics and window, so
   * nothing chat-specific.
   */
  digest(digest: Digest, tr: Translator): Doc {
    const topicList = tr.list(
      digest.sections.map((s) => {
        const topic = this.topics.get(s.topic);
        return topic ? this.topics.title(topic, tr) : s.topic;
      }),
    );
    const count = digest.shown + digest.omitted;
    const intro = digest.window.day
      ? tr.t('digest.introDay', { date: tr.date(digest.window.day), topics: topicList })
      : tr.t('digest.introSince', {
          count,
          since: tr.instant(new Date(digest.window.after ?? digest.window.upTo), this.timezone),
          topics: topicList,
        });
    const blocks: Block[] = [
      { type: 'paragraph', text: intro, style: 'muted' },
      ...this.sections(digest.sections, tr),
    ];
    if (digest.omitted > 0) {
      blocks.push({
        type: 'paragraph',
        text: tr.t('digest.more', {
          count: digest.omitted,
          commands: tr.list(digest.omittedTopics.map((t) => `/topic ${t} 10`)),
        }),
        style: 'muted',
      });
    }
    return { title: tr.t('digest.title'), blocks, language: tr.language };
  }

  /**
   * When the next digest goes out, in the subscription's zone. On a day the clocks skip its `HH:MM`
   * (it goes at the first minute after the gap) or show it twice (it goes at the first), the line
   * says so, so an answer naming 03:00 for a 02:30 subscription explains itself.
   */
  nextDigest(sub: Pick<Subscription, 'time' | 'timezone'>, next: Date, tr: Translator): string {
    const when = tr.instant(next, sub.timezone);
    const date = localDate(next, sub.timezone);
    // `next` is "now" when the digest is due already; then it is not that day's due instant.
    if (dueInstant(date, sub.time, sub.timezone).getTime() !== next.getTime()) return when;
    switch (wallClockKind(date, sub.time, sub.timezone)) {
      case 'gap':
        return tr.t('settings.nextInGap', { when, time: sub.time });
      case 'fold':
        return tr.t('settings.nextInFold', { when, time: sub.time });
      default:
        return when;
    }
  }

  /** A subscription's settings and counters as label/value pairs. */
  subscriptionFields(
    { settings: sub, delivery }: SubscriptionRecord,
    next: Date | undefined,
    tr: Translator,
  ): Block {
    const entries: [string, string][] = [
      [
        tr.t('settings.topics'),
        sub.topics.length === 0
          ? tr.t('settings.allTopics')
          : tr.list(sub.topics.map((t) => this.topics.label(t, tr))),
      ],
      [tr.t('settings.delivery'), `${sub.time} ${sub.timezone}`],
      [
        tr.t('settings.status'),
        sub.status === 'active'
          ? tr.t('settings.active')
          : tr.t('settings.paused', {
              reason:
                sub.pausedReason === undefined ? tr.t('settings.noReason') : tr.reason(sub.pausedReason),
            }),
      ],
      [tr.t('settings.next'), next ? this.nextDigest(sub, next, tr) : tr.t('settings.noneWhilePaused')],
      [tr.t('settings.sent'), String(delivery.sent)],
    ];
    if (delivery.lastSentAt)
      entries.push([tr.t('settings.lastSent'), tr.instant(new Date(delivery.lastSentAt), sub.timezone)]);
    return { type: 'fields', entries };
  }
}

import type { Item } from './items.js';
import type { ItemStore } from './store.js';
import { dayBounds, type LocalDate, localDate } from './time.js';
import type { TopicCatalog } from './topics.js';

/** Items of one topic, newest first. */
export interface TopicSection {
  readonly topic: string;
  readonly items: readonly Item[];
}

/** The briefing of a day: that day's items in the newsroom's time zone, grouped by topic. */
export interface Briefing {
  readonly date: LocalDate;
  /** One paragraph made of the day's headlines. */
  readonly lede: string;
  readonly sections: readonly TopicSection[];
}

/** Groups items by topic in catalogue order, keeping each group's order. */
export function groupByTopic(items: readonly Item[], topics: TopicCatalog): TopicSection[] {
  const groups = new Map<string, Item[]>();
  for (const item of items) {
    const group = groups.get(item.topic);
    if (group) group.push(item);
    else groups.set(item.topic, [item]);
  }
  const order = topics.slugs;
  // Items on a topic since removed from topics.json still show, after the known ones.
  for (const slug of groups.keys()) if (!order.includes(slug)) order.push(slug);
  return order.flatMap((topic) => {
    const group = groups.get(topic);
    return group ? [{ topic, items: group }] : [];
  });
}

/** One sentence per headline, oldest first, as a single paragraph. */
export function lede(items: readonly Item[]): string {
  return [...items]
    .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt))
    .map((item) => (/[.!?。！？…"”]$/.test(item.headline) ? item.headline : `${item.headline}.`))
    .join(' ');
}

/** Reads briefings out of the item store. */
export class Briefings {
  constructor(
    private readonly items: ItemStore,
    private readonly topics: TopicCatalog,
    /** The newsroom's time zone: `BRIEFING_TIMEZONE`. */
    readonly timezone: string,
  ) {}

  /** The briefing of `date`, or `undefined` when nothing was published that day. */
  async ofDay(date: LocalDate): Promise<Briefing | undefined> {
    const { start, end } = dayBounds(date, this.timezone);
    const { items } = await this.items.queryItems({
      from: start.toISOString(),
      before: end.toISOString(),
    });
    if (items.length === 0) return undefined;
    return { date, lede: lede(items), sections: groupByTopic(items, this.topics) };
  }

  /** The newsroom date of the newest item published at or before `now` (on `topics`, when given). */
  async latestDay(now: Date, topics?: readonly string[]): Promise<LocalDate | undefined> {
    const { items } = await this.items.queryItems({
      upTo: now.toISOString(),
      limit: 1,
      ...(topics && { topics }),
    });
    const newest = items[0];
    return newest ? localDate(new Date(newest.publishedAt), this.timezone) : undefined;
  }
}

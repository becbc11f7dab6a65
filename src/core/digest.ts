import { type Briefings, groupByTopic, type TopicSection } from './briefing.js';
import type { Item } from './items.js';
import type { ItemQuery, ItemStore } from './store.js';
import { dayBounds, type LocalDate } from './time.js';
import type { TopicCatalog } from './topics.js';

/** At most this many items in one digest, so a chat back from a long pause is not flooded. */
export const DIGEST_MAX_ITEMS = 25;
/** A first digest covers this much time before the delivery. */
export const FIRST_DIGEST_LOOKBACK_MS = 24 * 60 * 60 * 1000;

/** The span of publication instants a digest covers. */
export interface DigestWindow {
  /** Exclusive lower bound (ISO); absent only for a fallback day, which uses `day`. */
  readonly after?: string;
  /** Inclusive upper bound (ISO): the delivery run's instant. */
  readonly upTo: string;
  /** Set when a first digest fell back to the latest briefing day. */
  readonly day?: LocalDate;
}

/** What a subscription receives: its items in a window, grouped by topic, capped. */
export interface Digest {
  readonly window: DigestWindow;
  readonly sections: readonly TopicSection[];
  /** Items shown. */
  readonly shown: number;
  /** Items in the window beyond the cap, and the topics they are on. */
  readonly omitted: number;
  readonly omittedTopics: readonly string[];
}

/** The part of a subscription a digest depends on. */
export interface DigestRequest {
  /** Topic slugs; empty means all. */
  readonly topics: readonly string[];
  /** Items up to this instant were already delivered; absent the first time. */
  readonly cursor?: string;
}

/**
 * A stable key for "the same digest": equal keys render to equal messages, so a delivery run renders
 * each distinct (topics, window) once and shares it between chats.
 */
export function digestKey(topics: readonly string[], window: DigestWindow): string {
  return `${[...topics].sort().join(',') || '*'}|${window.after ?? ''}|${window.upTo}|${window.day ?? ''}`;
}

/** Selects digests out of the item store. */
export class Digests {
  constructor(
    private readonly items: ItemStore,
    private readonly topics: TopicCatalog,
    private readonly briefings: Briefings,
  ) {}

  /** The window a digest for `request` covers at `now`: after its cursor, or the last 24 hours. */
  windowFor(request: DigestRequest, now: Date): DigestWindow & { after: string } {
    const after = request.cursor ?? new Date(now.getTime() - FIRST_DIGEST_LOOKBACK_MS).toISOString();
    return { after, upTo: now.toISOString() };
  }

  /**
   * The digest for `request` at `now`, or `undefined` when there is nothing to send. A first digest
   * with nothing in the last 24 hours falls back to the latest briefing day, so a new chat sees a
   * real digest.
   */
  async select(request: DigestRequest, now: Date): Promise<Digest | undefined> {
    const window = this.windowFor(request, now);
    const topics = request.topics.length > 0 ? request.topics : undefined;
    // Only the items shown are read: after a long pause a window can hold months of items, which a
    // store that keeps older months on disk would otherwise read in full to show 25.
    let query: ItemQuery = { after: window.after, upTo: window.upTo, ...(topics && { topics }) };
    let page = await this.items.queryItems({ ...query, limit: DIGEST_MAX_ITEMS });
    let actual: DigestWindow = window;
    if (page.total === 0 && request.cursor === undefined) {
      const day = await this.briefings.latestDay(now, topics);
      if (day === undefined) return undefined;
      const { start, end } = dayBounds(day, this.briefings.timezone);
      const upTo = new Date(Math.min(end.getTime() - 1, now.getTime())).toISOString();
      query = { from: start.toISOString(), upTo, ...(topics && { topics }) };
      page = await this.items.queryItems({ ...query, limit: DIGEST_MAX_ITEMS });
      actual = { upTo: window.upTo, day };
    }
    if (page.total === 0) return undefined;
    const shown = page.items;
    return {
      window: actual,
      sections: groupByTopic(shown, this.topics),
      shown: shown.length,
      omitted: page.total - shown.length,
      omittedTopics: page.total > shown.length ? await this.#topicsBeyond(query, shown, topics) : [],
    };
  }

  /** The topics (in catalogue order) with items in `query` beyond those shown; counts only, no items read. */
  async #topicsBeyond(
    query: ItemQuery,
    shown: readonly Item[],
    topics: readonly string[] | undefined,
  ): Promise<string[]> {
    const shownOn = new Map<string, number>();
    for (const item of shown) shownOn.set(item.topic, (shownOn.get(item.topic) ?? 0) + 1);
    const beyond: string[] = [];
    for (const topic of new Set(topics ?? this.topics.slugs)) {
      const { total } = await this.items.queryItems({ ...query, topics: [topic], limit: 0 });
      if (total > (shownOn.get(topic) ?? 0)) beyond.push(topic);
    }
    return this.topics.sort(beyond);
  }
}

import { createHash } from 'node:crypto';
import { ITEM_LIMITS, isWebUrl } from '../core/items.js';
import type { TopicCatalog } from '../core/topics.js';
import { wellFormed } from '../core/user-text.js';
import type { FeedEntry } from './feed-document.js';
import { cutAtSentence, htmlToLine, htmlToText } from './html-text.js';

/** What a feed entry becomes on the wire before it is stored: the fields of an item, and where it came from. */
export interface EntryDraft {
  /** The entry's identity within its feed (see {@link entryKey}). */
  readonly key: string;
  readonly headline: string;
  readonly body: string;
  readonly sourceName?: string;
  readonly sourceUrl?: string;
  /** The entry's own date, ISO 8601, when it had a readable one. */
  readonly entryDate?: string;
  /** A topic slug: the feed's, or the one the entry's words matched. */
  readonly topic?: string;
}

/** Code points, as item limits count them. */
function length(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** `text` cut to `limit` code points at a word break, with `…`. */
function cutLine(text: string, limit: number): string {
  if (length(text) <= limit) return text;
  const chars = Array.from(text)
    .slice(0, limit - 1)
    .join('');
  const space = chars.lastIndexOf(' ');
  return `${(space >= limit / 2 ? chars.slice(0, space) : chars).trimEnd()}…`;
}

/** A short digest of a string: 16 characters of base64url SHA-256 (96 bits). */
function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

/**
 * An entry's identity within its feed: its GUID; lacking one, its link; lacking both, its title and
 * date. Stored as a short hash, so a feed's seen keys take a bounded, small amount of space. A feed
 * that republishes an entry with a new date keeps its GUID (or link), so the entry does not come back.
 * @param link - the entry's link resolved against the feed
 */
export function entryKey(entry: FeedEntry, link: string | undefined): string {
  if (entry.guid !== undefined) return `g${digest(entry.guid)}`;
  if (link !== undefined) return `l${digest(link)}`;
  return `t${digest(`${entry.title ?? ''}\n${entry.date ?? ''}`)}`;
}

/** The entry's link as an absolute http(s) URL, resolved against the feed's own URL. */
export function resolveLink(link: string | undefined, feedUrl: string): string | undefined {
  if (link === undefined) return undefined;
  try {
    const url = new URL(link, feedUrl).href;
    return isWebUrl(url) && url.length <= ITEM_LIMITS.sourceUrl ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A feed date as an ISO instant, or `undefined` when it cannot be read. */
export function parseEntryDate(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

const ESCAPE = /[.*+?^${}()|[\]\\]/g;

/**
 * Matches text against the topics' names (slug and aliases, any case; `crypto-mining` also matches
 * "crypto mining"), as whole words. Returns the topic named most often, the first in the catalogue on
 * a tie, or `undefined` when none is named.
 */
export function matchTopic(text: string, topics: TopicCatalog): string | undefined {
  let best: { slug: string; hits: number } | undefined;
  for (const topic of topics.topics) {
    let hits = 0;
    for (const name of [topic.slug, ...topic.aliases]) {
      const words = name
        .toLowerCase()
        .split(/[-_]+/)
        .filter(Boolean)
        .map((w) => w.replace(ESCAPE, '\\$&'));
      const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${words.join('[\\s_-]+')}(?![\\p{L}\\p{N}])`, 'giu');
      hits += text.match(pattern)?.length ?? 0;
    }
    if (hits > 0 && (best === undefined || hits > best.hits)) best = { slug: topic.slug, hits };
  }
  return best?.slug;
}

/** The feed a draft comes from, as the conversion needs it. */
export interface DraftSource {
  /** The URL the feed was read from (after redirects): relative links resolve against it. */
  readonly url: string;
  /** The feed's title, the drafts' source name. */
  readonly title?: string;
  /** The feed's topic; without one each entry's words choose. */
  readonly topic?: string;
}

/**
 * Turns a feed entry into a draft: the headline from the title (HTML stripped, at most 200
 * characters), the body from the summary, else the content, as text cut at a sentence within 1,500
 * characters (an entry with neither gets its headline as body), the source name from the feed's
 * title, the source URL from the entry's link resolved against the feed, the entry's date kept,
 * and the topic from the feed or, when it has none, from the entry's words.
 */
export function entryToDraft(entry: FeedEntry, source: DraftSource, topics: TopicCatalog): EntryDraft {
  const link = resolveLink(entry.link, source.url) ?? resolveLink(entry.guid, source.url);
  const key = entryKey(entry, resolveLink(entry.link, source.url));
  const summary = wellFormed(htmlToText(entry.summary ?? ''));
  const content = summary === '' ? wellFormed(htmlToText(entry.content ?? '')) : '';
  const rawBody = summary || content;
  const title = wellFormed(htmlToLine(entry.title ?? ''));
  const headline = cutLine(title || htmlToLine(rawBody) || 'Untitled entry', ITEM_LIMITS.headline);
  const body = cutAtSentence(rawBody || headline, ITEM_LIMITS.body);
  const sourceName =
    source.title === undefined
      ? undefined
      : cutLine(wellFormed(htmlToLine(source.title)), ITEM_LIMITS.sourceName);
  const entryDate = parseEntryDate(entry.date);
  const topic = source.topic ?? matchTopic(`${headline}\n${body}`, topics);
  return {
    key,
    headline,
    body,
    ...(sourceName !== undefined && sourceName !== '' && { sourceName }),
    ...(link !== undefined && { sourceUrl: link }),
    ...(entryDate !== undefined && { entryDate }),
    ...(topic !== undefined && { topic }),
  };
}

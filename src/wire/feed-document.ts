import type { AnyFeed, AtomFeed } from 'feedsmith';

/** One entry of a feed, whatever its format, as the wire reads it. Every field is raw feed text. */
export interface FeedEntry {
  /** RSS `guid`, Atom `id`, RSS 1.0 `rdf:about`, JSON Feed `id`. */
  readonly guid?: string;
  /** The entry's page, possibly relative. */
  readonly link?: string;
  /** May hold HTML (escaped or in CDATA). */
  readonly title?: string;
  /** Summary or description, HTML or text. */
  readonly summary?: string;
  /** Full content (`content:encoded`, Atom `content`), HTML or text. */
  readonly content?: string;
  /** Publication date as written (RFC 822, ISO 8601, …). */
  readonly date?: string;
}

/** A parsed feed: its name, its site, and its entries in document order (usually newest first). */
export interface FeedDocument {
  readonly format: AnyFeed['format'];
  readonly title?: string;
  readonly link?: string;
  readonly entries: readonly FeedEntry[];
}

/** A string with content, trimmed; anything else is absent. */
function text(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** An entry with only its present fields (the type has optional, not undefined, properties). */
function entry(fields: Record<keyof FeedEntry, unknown>): FeedEntry {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    const t = text(value);
    if (t !== undefined) out[key] = t;
  }
  return out as FeedEntry;
}

/**
 * The page an Atom entry or feed links to: the `alternate` link (an absent `rel` means alternate),
 * HTML preferred; never `self`, `edit`, `replies` or `enclosure`.
 * @see https://www.rfc-editor.org/rfc/rfc4287#section-4.2.7.2
 */
function atomLink(links: readonly AtomFeed.Link<string>[] | undefined): string | undefined {
  const alternates = (links ?? []).filter((l) => (l.rel ?? 'alternate') === 'alternate' && text(l.href));
  const html = alternates.find((l) => l.type === undefined || /html/i.test(l.type));
  return (html ?? alternates[0])?.href;
}

/**
 * Maps feedsmith's result (any of RSS 2.0, RSS 1.0 / RDF, Atom, JSON Feed) to the fields the wire
 * uses, keeping at most `maxEntries` entries.
 */
export function feedDocumentOf(parsed: AnyFeed, maxEntries: number): FeedDocument {
  switch (parsed.format) {
    case 'rss': {
      const f = parsed.feed;
      return {
        format: 'rss',
        ...present({ title: text(f.title), link: text(f.link) }),
        entries: (f.items ?? []).slice(0, maxEntries).map((i) =>
          entry({
            guid: i.guid?.value,
            link: i.link,
            title: i.title,
            summary: i.description,
            content: i.content?.encoded,
            date: i.pubDate ?? i.dc?.dates?.[0] ?? i.dcterms?.created,
          }),
        ),
      };
    }
    case 'rdf': {
      const f = parsed.feed;
      return {
        format: 'rdf',
        ...present({ title: text(f.title), link: text(f.link) }),
        entries: (f.items ?? []).slice(0, maxEntries).map((i) =>
          entry({
            guid: i.rdf?.about,
            link: i.link,
            title: i.title,
            summary: i.description,
            content: i.content?.encoded,
            date: i.dc?.dates?.[0] ?? i.dcterms?.created,
          }),
        ),
      };
    }
    case 'atom': {
      const f = parsed.feed;
      return {
        format: 'atom',
        ...present({ title: text(f.title?.value), link: text(atomLink(f.links)) }),
        entries: (f.entries ?? []).slice(0, maxEntries).map((e) =>
          entry({
            guid: e.id,
            link: atomLink(e.links),
            title: e.title?.value,
            summary: e.summary?.value,
            content: e.content?.value,
            date: e.published ?? e.updated ?? e.dc?.dates?.[0],
          }),
        ),
      };
    }
    case 'json': {
      const f = parsed.feed;
      return {
        format: 'json',
        ...present({ title: text(f.title), link: text(f.home_page_url) }),
        entries: (f.items ?? []).slice(0, maxEntries).map((i) =>
          entry({
            guid: i.id,
            link: i.url ?? i.external_url,
            title: i.title,
            summary: i.summary,
            content: i.content_html ?? i.content_text,
            date: i.date_published ?? i.date_modified,
          }),
        ),
      };
    }
  }
}

function present(fields: { title: string | undefined; link: string | undefined }): {
  title?: string;
  link?: string;
} {
  return {
    ...(fields.title !== undefined && { title: fields.title }),
    ...(fields.link !== undefined && { link: fields.link }),
  };
}

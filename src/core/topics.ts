import { err, ok, type Result } from './result.js';

/** A beat the newsroom covers, defined in `data/topics.json`. */
export interface Topic {
  /** Lowercase identifier used in commands and storage: `mining`. */
  readonly slug: string;
  readonly title: string;
  /** One line shown by `/topics`. */
  readonly description: string;
  readonly emoji: string;
  /** Other names readers may type: `blockchain-policy`, `nfts`. */
  readonly aliases: readonly string[];
}

const SLUG = /^[a-z0-9][a-z0-9_-]{0,31}$/;
/** Discord allows at most 25 choices on an option; the topic option lists every topic. */
export const MAX_TOPICS = 25;

/** The newsroom's topics, resolved by slug or alias in any case. */
export class TopicCatalog {
  readonly #bySlug = new Map<string, Topic>();
  readonly #byName = new Map<string, Topic>();

  /** @throws Error naming the first invalid or duplicated entry */
  constructor(readonly topics: readonly Topic[]) {
    if (topics.length === 0) throw new Error('there must be at least one topic');
    if (topics.length > MAX_TOPICS) throw new Error(`at most ${MAX_TOPICS} topics are supported`);
    for (const topic of topics) {
      for (const name of [topic.slug, ...topic.aliases]) {
        const key = name.toLowerCase();
        const clash = this.#byName.get(key);
        if (clash)
          throw new Error(`topic name "${name}" is used by both "${clash.slug}" and "${topic.slug}"`);
        this.#byName.set(key, topic);
      }
      this.#bySlug.set(topic.slug, topic);
    }
  }

  /** The topic whose slug or alias is `name` (any case), or `undefined`. */
  resolve(name: string): Topic | undefined {
    return this.#byName.get(name.trim().toLowerCase());
  }

  /** The topic with this slug. */
  get(slug: string): Topic | undefined {
    return this.#bySlug.get(slug);
  }

  /** Slugs in catalogue order. */
  get slugs(): string[] {
    return this.topics.map((t) => t.slug);
  }

  /** `⛏️ Mining`. */
  label(slug: string): string {
    const topic = this.get(slug);
    return topic ? `${topic.emoji} ${topic.title}` : slug;
  }

  /** Orders slugs as the catalogue lists them. */
  sort(slugs: Iterable<string>): string[] {
    const wanted = new Set(slugs);
    return this.slugs.filter((s) => wanted.has(s));
  }
}

/** Checks the parsed content of a topics file and builds the catalogue, or says what is wrong. */
export function parseTopics(data: unknown): Result<TopicCatalog> {
  if (!Array.isArray(data)) return err('expected a JSON array of topics');
  const topics: Topic[] = [];
  for (const [i, entry] of data.entries()) {
    if (typeof entry !== 'object' || entry === null) return err(`entry ${i + 1} is not an object`);
    const e = entry as Record<string, unknown>;
    const { slug, title, description, emoji, aliases = [] } = e;
    if (typeof slug !== 'string' || !SLUG.test(slug))
      return err(`entry ${i + 1}: "slug" must be lowercase letters, digits, - or _ (at most 32)`);
    for (const [field, value] of Object.entries({ title, description, emoji })) {
      if (typeof value !== 'string' || value.trim() === '')
        return err(`topic "${slug}": "${field}" must be a non-empty string`);
    }
    if (!Array.isArray(aliases) || aliases.some((a) => typeof a !== 'string' || !SLUG.test(a.toLowerCase())))
      return err(`topic "${slug}": "aliases" must be an array of single words`);
    topics.push({
      slug,
      title: title as string,
      description: description as string,
      emoji: emoji as string,
      aliases: aliases as string[],
    });
  }
  try {
    return ok(new TopicCatalog(topics));
  } catch (e) {
    return err((e as Error).message);
  }
}

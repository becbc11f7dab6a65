import type { Translator } from '../i18n/translator.js';
import { err, ok, type Result } from './result.js';

/** A topic's words in one language other than English. */
export interface TopicTranslation {
  readonly title: string;
  readonly description: string;
  /** Names readers of that language may type (`挖矿`); they resolve in every chat. */
  readonly aliases: readonly string[];
}

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
  /** Title, description and aliases by language code (`zh-CN`); English is the fields above. */
  readonly translations?: Readonly<Record<string, TopicTranslation>>;
}

const SLUG = /^[a-z0-9][a-z0-9_-]{0,31}$/;
/** An alias: one word of letters (any script), digits, `-` or `_`, at most 32 characters. */
const ALIAS = /^[\p{L}\p{N}][\p{L}\p{M}\p{N}_-]{0,31}$/u;
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
      const translated = Object.values(topic.translations ?? {}).flatMap((t) => t.aliases);
      for (const name of [topic.slug, ...topic.aliases, ...translated]) {
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

  /** `⛏️ Crypto mining`, `⛏️ 加密货币挖矿`: the emoji and the title in `tr`'s language (English without one). */
  label(slug: string, tr?: Translator): string {
    const topic = this.get(slug);
    return topic ? `${topic.emoji} ${this.title(topic, tr)}` : slug;
  }

  /** The topic's title in `tr`'s language, or its English title. */
  title(topic: Topic, tr?: Translator): string {
    return this.#in(topic, tr)?.title ?? topic.title;
  }

  /** The topic's description in `tr`'s language, or its English one. */
  description(topic: Topic, tr?: Translator): string {
    return this.#in(topic, tr)?.description ?? topic.description;
  }

  /** The aliases readers of `tr`'s language are shown (English: the topic's own). */
  aliases(topic: Topic, tr?: Translator): readonly string[] {
    return this.#in(topic, tr)?.aliases ?? topic.aliases;
  }

  /** The names a reply lists for the topics: the slugs, and in other languages their first alias too (`mining (挖矿)`). */
  names(tr?: Translator): string {
    const names = this.topics.map((t) => {
      const local = this.#in(t, tr)?.aliases[0];
      return local === undefined ? t.slug : `${t.slug} (${local})`;
    });
    return tr ? tr.list(names) : names.join(', ');
  }

  #in(topic: Topic, tr: Translator | undefined): TopicTranslation | undefined {
    return tr === undefined ? undefined : topic.translations?.[tr.language];
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
    const { slug, title, description, emoji, aliases = [], translations = {} } = e;
    if (typeof slug !== 'string' || !SLUG.test(slug))
      return err(`entry ${i + 1}: "slug" must be lowercase letters, digits, - or _ (at most 32)`);
    for (const [field, value] of Object.entries({ title, description, emoji })) {
      if (typeof value !== 'string' || value.trim() === '')
        return err(`topic "${slug}": "${field}" must be a non-empty string`);
    }
    if (!isAliasList(aliases)) return err(`topic "${slug}": "aliases" must be an array of single words`);
    const checked = parseTranslations(slug, translations);
    if (!checked.ok) return checked;
    topics.push({
      slug,
      title: title as string,
      description: description as string,
      emoji: emoji as string,
      aliases,
      ...(Object.keys(checked.value).length > 0 && { translations: checked.value }),
    });
  }
  try {
    return ok(new TopicCatalog(topics));
  } catch (e) {
    return err((e as Error).message);
  }
}

function isAliasList(aliases: unknown): aliases is string[] {
  return Array.isArray(aliases) && aliases.every((a) => typeof a === 'string' && ALIAS.test(a.toLowerCase()));
}

/** Checks a topic's `translations`: by language code, each with a title, a description and aliases. */
function parseTranslations(slug: string, data: unknown): Result<Record<string, TopicTranslation>> {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return err(`topic "${slug}": "translations" must be an object by language code`);
  const out: Record<string, TopicTranslation> = {};
  for (const [code, entry] of Object.entries(data)) {
    const where = `topic "${slug}", language "${code}"`;
    if (typeof entry !== 'object' || entry === null) return err(`${where}: expected an object`);
    const { title, description, aliases = [] } = entry as Record<string, unknown>;
    for (const [field, value] of Object.entries({ title, description }))
      if (typeof value !== 'string' || value.trim() === '')
        return err(`${where}: "${field}" must be a non-empty string`);
    if (!isAliasList(aliases)) return err(`${where}: "aliases" must be an array of single words`);
    out[code] = { title: title as string, description: description as string, aliases };
  }
  return ok(out);
}

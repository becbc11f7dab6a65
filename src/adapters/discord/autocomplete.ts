import type { TopicCatalog } from '../../core/topics.js';
import { ENGLISH, type Translator, translators } from '../../i18n/translator.js';

/**
 * Discord shows at most 25 suggestions, and a choice's name and string value hold 100 characters each.
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-autocomplete
 */
export const MAX_CHOICES = 25;
export const CHOICE_TEXT_MAX = 100;

/** One autocomplete suggestion: what the menu shows, and what the option becomes. */
export interface Choice {
  readonly name: string;
  readonly value: string;
}

/** How good a match a candidate is for the typed text: lower is better, undefined is none. */
function rank(candidates: readonly string[], fragment: string): number | undefined {
  const f = fragment.toLowerCase();
  let best: number | undefined;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    const r = c.startsWith(f)
      ? 0
      : c.split(/[/_\-\s]/).some((part) => part.startsWith(f))
        ? 1
        : c.includes(f)
          ? 2
          : undefined;
    if (r !== undefined && (best === undefined || r < best)) best = r;
  }
  return best;
}

function fitsChoice(choice: Choice): boolean {
  return choice.name.length <= CHOICE_TEXT_MAX && choice.value.length <= CHOICE_TEXT_MAX;
}

/**
 * Suggestions for a comma-separated topic list: completes the last fragment and keeps the earlier
 * ones as typed, leaving out topics already listed; `all` while nothing else is. `mining, n` →
 * `mining,nft` shown as `mining, 🖼️ NFTs`.
 */
export function suggestTopics(typed: string, topics: TopicCatalog, tr: Translator = ENGLISH): Choice[] {
  const parts = typed.split(/[\s,]+/);
  const fragment = parts.pop() ?? '';
  const earlier = parts.filter((p) => p !== '');
  const listed = new Set(earlier.map((p) => topics.resolve(p)?.slug ?? p.toLowerCase()));
  const ranked = topics.topics
    .filter((t) => !listed.has(t.slug))
    .map((t) => ({ t, r: fragment === '' ? 0 : rank(namesOf(t, topics), fragment) }))
    .filter((x): x is { t: (typeof topics.topics)[number]; r: number } => x.r !== undefined)
    .sort((a, b) => a.r - b.r);
  const prefix = earlier.length > 0 ? `${earlier.join(', ')}, ` : '';
  const choices: Choice[] = ranked.map(({ t }) => ({
    name: `${prefix}${t.emoji} ${topics.title(t, tr)}`,
    value: [...earlier, t.slug].join(','),
  }));
  if (earlier.length === 0 && allWords().some((word) => word.startsWith(fragment.toLowerCase())))
    choices.unshift({ name: tr.t('autocomplete.allTopics'), value: 'all' });
  return choices.filter(fitsChoice).slice(0, MAX_CHOICES);
}

/** Every name a topic answers to, in every language: slug, titles and aliases. */
function namesOf(topic: TopicCatalog['topics'][number], topics: TopicCatalog): string[] {
  return [
    topic.slug,
    ...translators().map((tr) => topics.title(topic, tr)),
    topic.title,
    ...topic.aliases,
    ...Object.values(topic.translations ?? {}).flatMap((t) => t.aliases),
  ];
}

/** The word for "all" in every language (`all`, `全部`). */
function allWords(): string[] {
  return translators().map((tr) => tr.t('words.all').toLowerCase());
}

/** IANA zone names this runtime knows, plus `UTC` (Node 20's list leaves it out). */
export function knownTimezones(): readonly string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
}

/**
 * Time zones matching the typed text, best first: names starting with it, then names with a part
 * starting with it (`berlin` → `Europe/Berlin`), then names containing it. Spaces count as `_`.
 */
export function suggestTimezones(typed: string, zones: readonly string[] = knownTimezones()): Choice[] {
  const fragment = typed.trim().replace(/\s+/g, '_');
  return zones
    .map((zone, i) => ({ zone, i, r: fragment === '' ? 0 : rank([zone], fragment) }))
    .filter((x): x is { zone: string; i: number; r: number } => x.r !== undefined)
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .slice(0, MAX_CHOICES)
    .map(({ zone }) => ({ name: zone, value: zone }));
}

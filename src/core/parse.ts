import {
  ENGLISH,
  LANGUAGES,
  type LanguageCode,
  resolveLanguage,
  type Translator,
  translators,
} from '../i18n/translator.js';
import { err, ok, type Result } from './result.js';
import { canonicalTimezone, type LocalDate, type LocalTime, localDate, shiftDate } from './time.js';
import type { Topic, TopicCatalog } from './topics.js';
import { quoted } from './user-text.js';

const TIME = /^(\d{1,2})[:.hH](\d{2})$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const INTEGER = /^[+]?\d+$/;
/** Abbreviations such as `EST` or `CET` are ambiguous or not what people mean (ICU maps `EST` to Panama). */
const ABBREVIATION = /^[A-Za-z]{2,5}$/;
const UNAMBIGUOUS_ABBREVIATIONS = new Set(['UTC', 'GMT']);

/** `7:00`, `07:00`, `19.30` → `HH:MM`. */
export function parseTime(text: string, tr: Translator = ENGLISH): Result<LocalTime> {
  const match = TIME.exec(text.trim());
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 23 || minutes > 59) return err(tr.t('parse.time', { text: quoted(text) }));
  return ok(`${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`);
}

/** Whether every part of a zone name starts with a capital, as IANA names do (`America/New_York`). */
const PROPERLY_CASED = /^[A-Z][^/]*(\/[A-Z][^/]*)*$/;

/**
 * An IANA time zone name in any case (`Asia/Shanghai`, `europe/berlin`, `UTC`). A properly cased
 * name is kept as written (ICU would turn `Asia/Kathmandu` into its legacy `Asia/Katmandu`); other
 * spellings become the runtime's canonical name.
 */
export function parseTimezone(text: string, tr: Translator = ENGLISH): Result<string> {
  const name = text.trim();
  const canonical = canonicalTimezone(name);
  if (
    canonical === undefined ||
    (ABBREVIATION.test(name) && !UNAMBIGUOUS_ABBREVIATIONS.has(name.toUpperCase()))
  )
    return err(tr.t('parse.timezone', { text: quoted(text) }));
  if (name.toLowerCase() === canonical.toLowerCase() || !PROPERLY_CASED.test(name)) return ok(canonical);
  return ok(name);
}

/** Whether the text looks like a time zone name rather than a topic (it has a slash, or is UTC/GMT). */
export function looksLikeTimezone(text: string): boolean {
  return text.includes('/') || UNAMBIGUOUS_ABBREVIATIONS.has(text.toUpperCase());
}

/** Whether `word` (lowercased) is the catalog's word `key` in any language: `today` and `今天` both are. */
function isWord(word: string, key: 'words.today' | 'words.yesterday' | 'words.all'): boolean {
  return translators().some((t) => t.t(key).toLowerCase() === word);
}

/**
 * `YYYY-MM-DD`, `today` or `yesterday` (in `timezone` at `now`) → a calendar date. The words are
 * accepted in every language (`今天`, `昨天`), whatever the chat's.
 */
export function parseDate(
  text: string,
  now: Date,
  timezone: string,
  tr: Translator = ENGLISH,
): Result<LocalDate> {
  const word = text.trim().toLowerCase();
  if (isWord(word, 'words.today')) return ok(localDate(now, timezone));
  if (isWord(word, 'words.yesterday')) return ok(shiftDate(localDate(now, timezone), -1));
  const match = DATE.exec(word);
  if (match) {
    const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d)
      return ok(word);
  }
  return err(tr.t('parse.date', { text: quoted(text) }));
}

/** A whole number in `[min, max]`. */
export function parseCount(text: string, min: number, max: number, tr: Translator = ENGLISH): Result<number> {
  const trimmed = text.trim();
  const n = Number(trimmed);
  if (!INTEGER.test(trimmed) || n < min || n > max)
    return err(tr.t('parse.count', { text: quoted(text), min, max }));
  return ok(n);
}

/** An item id: a positive whole number, with or without a leading `#`. */
export function parseItemId(text: string, tr: Translator = ENGLISH): Result<number> {
  const trimmed = text.trim().replace(/^#/, '');
  const n = Number(trimmed);
  if (!INTEGER.test(trimmed) || !Number.isSafeInteger(n) || n < 1)
    return err(tr.t('parse.itemId', { text: quoted(text) }));
  return ok(n);
}

/** A topic by slug or alias (in any language), in any case. */
export function parseTopic(text: string, topics: TopicCatalog, tr: Translator = ENGLISH): Result<Topic> {
  const topic = topics.resolve(text);
  if (!topic) return err(tr.t('parse.topic', { text: quoted(text), topics: topics.names(tr) }));
  return ok(topic);
}

/**
 * A list of topics separated by commas or spaces; `all` (alone) means every topic and yields `[]`.
 * Duplicates collapse; the result is in catalogue order.
 */
export function parseTopicList(
  text: string,
  topics: TopicCatalog,
  tr: Translator = ENGLISH,
): Result<string[]> {
  const names = text
    .split(/[\s,，、]+/)
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0) return err(tr.t('parse.noTopics', { topics: topics.names(tr) }));
  if (names.some((n) => isWord(n.toLowerCase(), 'words.all'))) {
    return names.length === 1 ? ok([]) : err(tr.t('parse.allAndTopics'));
  }
  const slugs: string[] = [];
  for (const name of names) {
    const topic = parseTopic(name, topics, tr);
    if (!topic.ok) return topic;
    slugs.push(topic.value.slug);
  }
  return ok(topics.sort(slugs));
}

/** A language Briefcast speaks, by code, alias or name (`zh`, `en`, `Chinese`, `中文`). */
export function parseLanguage(text: string, tr: Translator = ENGLISH): Result<LanguageCode> {
  const language = resolveLanguage(text);
  if (!language) return err(tr.t('parse.language', { text: quoted(text), choices: languageChoices() }));
  return ok(language);
}

/** The languages as `/language` offers them: `en (English), zh (中文)`. */
export function languageChoices(): string {
  return translators()
    .map((t) => `${shortCode(t.language)} (${t.pack.name})`)
    .join(', ');
}

/** The short codes `/language` takes: `en|zh`. */
export function languageCodes(): string {
  return LANGUAGES.map((code) => shortCode(code)).join('|');
}

/** The two-letter form of a language code (`zh-CN` → `zh`), as readers type it. */
export function shortCode(code: LanguageCode): string {
  return code.split('-')[0]!.toLowerCase();
}

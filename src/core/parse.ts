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
export function parseTime(text: string): Result<LocalTime> {
  const match = TIME.exec(text.trim());
  const hours = Number(match?.[1]);
  const minutes = Number(match?.[2]);
  if (!match || hours > 23 || minutes > 59)
    return err(
      `${quoted(text)} is not a time of day; write it as HH:MM on a 24-hour clock, e.g. 08:30 or 7:00.`,
    );
  return ok(`${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}`);
}

/** Whether every part of a zone name starts with a capital, as IANA names do (`America/New_York`). */
const PROPERLY_CASED = /^[A-Z][^/]*(\/[A-Z][^/]*)*$/;

/**
 * An IANA time zone name in any case (`Asia/Shanghai`, `europe/berlin`, `UTC`). A properly cased
 * name is kept as written (ICU would turn `Asia/Kathmandu` into its legacy `Asia/Katmandu`); other
 * spellings become the runtime's canonical name.
 */
export function parseTimezone(text: string): Result<string> {
  const name = text.trim();
  const canonical = canonicalTimezone(name);
  if (
    canonical === undefined ||
    (ABBREVIATION.test(name) && !UNAMBIGUOUS_ABBREVIATIONS.has(name.toUpperCase()))
  )
    return err(
      `${quoted(text)} is not a time zone; use an IANA name such as Asia/Shanghai, Europe/Berlin or UTC.`,
    );
  if (name.toLowerCase() === canonical.toLowerCase() || !PROPERLY_CASED.test(name)) return ok(canonical);
  return ok(name);
}

/** Whether the text looks like a time zone name rather than a topic (it has a slash, or is UTC/GMT). */
export function looksLikeTimezone(text: string): boolean {
  return text.includes('/') || UNAMBIGUOUS_ABBREVIATIONS.has(text.toUpperCase());
}

/** `YYYY-MM-DD`, `today` or `yesterday` (in `timezone` at `now`) → a calendar date. */
export function parseDate(text: string, now: Date, timezone: string): Result<LocalDate> {
  const word = text.trim().toLowerCase();
  if (word === 'today') return ok(localDate(now, timezone));
  if (word === 'yesterday') return ok(shiftDate(localDate(now, timezone), -1));
  const match = DATE.exec(word);
  if (match) {
    const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d)
      return ok(word);
  }
  return err(`${quoted(text)} is not a date; use YYYY-MM-DD (e.g. 2022-01-11), today or yesterday.`);
}

/** A whole number in `[min, max]`. */
export function parseCount(text: string, min: number, max: number): Result<number> {
  const trimmed = text.trim();
  const n = Number(trimmed);
  if (!INTEGER.test(trimmed) || n < min || n > max)
    return err(`${quoted(text)} is not a number from ${min} to ${max}.`);
  return ok(n);
}

/** An item id: a positive whole number, with or without a leading `#`. */
export function parseItemId(text: string): Result<number> {
  const trimmed = text.trim().replace(/^#/, '');
  const n = Number(trimmed);
  if (!INTEGER.test(trimmed) || !Number.isSafeInteger(n) || n < 1)
    return err(`${quoted(text)} is not an item id; ids are whole numbers such as 12 (shown as #12).`);
  return ok(n);
}

/** A topic by slug or alias, in any case. */
export function parseTopic(text: string, topics: TopicCatalog): Result<Topic> {
  const topic = topics.resolve(text);
  if (!topic) return err(`${quoted(text)} is not a topic; topics are ${topics.slugs.join(', ')}.`);
  return ok(topic);
}

/**
 * A list of topics separated by commas or spaces; `all` (alone) means every topic and yields `[]`.
 * Duplicates collapse; the result is in catalogue order.
 */
export function parseTopicList(text: string, topics: TopicCatalog): Result<string[]> {
  const names = text
    .split(/[\s,]+/)
    .map((n) => n.trim())
    .filter((n) => n !== '');
  if (names.length === 0) return err(`No topics given; topics are ${topics.slugs.join(', ')}, or all.`);
  if (names.some((n) => n.toLowerCase() === 'all')) {
    return names.length === 1
      ? ok([])
      : err('"all" already means every topic; give either all or some topics.');
  }
  const slugs: string[] = [];
  for (const name of names) {
    const topic = parseTopic(name, topics);
    if (!topic.ok) return topic;
    slugs.push(topic.value.slug);
  }
  return ok(topics.sort(slugs));
}

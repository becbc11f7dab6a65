import { TZDate } from '@date-fns/tz';
import { format, parseISO } from 'date-fns';
import i18next, { type i18n } from 'i18next';
import type { LanguagePack } from './language.js';
import { LANGUAGE_PACKS } from './languages.js';
import type { messages } from './locales/en.js';

/** A language's code as stored for a chat: `en`, `zh-CN`. */
export type LanguageCode = (typeof LANGUAGE_PACKS)[number]['code'];

type PluralFree<K extends string> =
  K extends `${infer Base}_${'zero' | 'one' | 'two' | 'few' | 'many' | 'other'}` ? Base : K;
type KeysOf<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${PluralFree<K>}` : KeysOf<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** Every message key, from the English catalog (plural keys without their `_one`/`_other`). */
export type MessageKey = KeysOf<typeof messages>;
/** Values for a message's placeholders; `count` also picks the plural form. */
export type MessageValues = Readonly<Record<string, string | number>>;

/** One i18next instance with every catalog, made once; lookups are synchronous and do no I/O. */
const engine: i18n = i18next.createInstance();
void engine.init({
  initAsync: false,
  resources: Object.fromEntries(LANGUAGE_PACKS.map((p) => [p.code, { translation: p.messages }])),
  lng: LANGUAGE_PACKS[0].code,
  fallbackLng: false,
  // Replies are plain text; renderers escape for their platform.
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** The catalog key of each English pause reason, so a stored reason shows in the reader's language. */
const REASON_KEYS: ReadonlyMap<string, string> = new Map(
  Object.entries(LANGUAGE_PACKS[0].messages.reasons).map(([key, text]) => [text, `reasons.${key}`]),
);

/** Item date labels kept per language, at most; the memory starts over past this. */
const DATE_LABELS_KEPT = 10_000;

/**
 * Briefcast speaking one language: its messages, dates and numbers. One per language, made once
 * ({@link translatorFor}); the core builds every reply through one.
 */
export class Translator {
  readonly #t: (key: string, values?: object) => string;
  /**
   * Item date labels by zone and instant. Formatting a zoned date costs tens of microseconds, and a
   * delivery run renders the same day's items into hundreds of distinct digests.
   */
  readonly #itemDates = new Map<string, string>();

  constructor(readonly pack: LanguagePack) {
    this.#t = engine.getFixedT(pack.code) as (key: string, values?: object) => string;
  }

  get language(): LanguageCode {
    return this.pack.code as LanguageCode;
  }

  /** The message `key` with its placeholders filled. */
  t(key: MessageKey, values?: MessageValues): string {
    return this.#t(key, values);
  }

  /** A message by a key made at run time (a command's description); `undefined` when there is none. */
  lookup(key: string, values?: MessageValues): string | undefined {
    return engine.exists(key, { lng: this.pack.code }) ? this.#t(key, values) : undefined;
  }

  /** A calendar date: `Tue 11 Jan 2022`, `2022年1月11日 星期二`. */
  date(date: string): string {
    return format(parseISO(date), this.pack.dates.day, { locale: this.pack.dateLocale });
  }

  /** A date and time in `timezone`, with the zone: `Mon 30 Nov 2026, 08:00 (Europe/Berlin)`. */
  instant(instant: Date, timezone: string): string {
    const when = format(new TZDate(instant.getTime(), timezone), this.pack.dates.dayTime, {
      locale: this.pack.dateLocale,
    });
    return `${when} (${timezone})`;
  }

  /** An item's publication date in `timezone`: `11 Jan 2022`, `2022年1月11日`. */
  itemDate(publishedAt: string, timezone: string): string {
    const key = `${timezone}|${publishedAt}`;
    let label = this.#itemDates.get(key);
    if (label === undefined) {
      label = format(new TZDate(new Date(publishedAt).getTime(), timezone), this.pack.dates.item, {
        locale: this.pack.dateLocale,
      });
      if (this.#itemDates.size >= DATE_LABELS_KEPT) this.#itemDates.clear();
      this.#itemDates.set(key, label);
    }
    return label;
  }

  /** A feed entry's date and time in `timezone`, as the wire shows it: `11 Jan 2022 08:00`, `2022年1月11日 08:00`. */
  entryTime(instant: string, timezone: string): string {
    return format(new TZDate(new Date(instant).getTime(), timezone), this.pack.dates.entry, {
      locale: this.pack.dateLocale,
    });
  }

  /**
   * A reason a subscription was paused, as stored (in English, by the adapter that saw it): in this
   * language when it is one of the catalog's `reasons`, else as it is (a platform's own words).
   */
  reason(stored: string): string {
    const key = REASON_KEYS.get(stored);
    return key === undefined ? stored : this.#t(key);
  }

  /** A number as this language writes it: `1,234.5`; `fractionDigits` fixes the digits after the point. */
  number(value: number, fractionDigits?: number): string {
    return new Intl.NumberFormat(
      this.pack.code,
      fractionDigits === undefined
        ? {}
        : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits },
    ).format(value);
  }

  /** Entries of a list in running text: `a, b` or `a、b`. */
  list(entries: readonly string[]): string {
    return entries.join(this.pack.listSeparator);
  }
}

const TRANSLATORS: ReadonlyMap<string, Translator> = new Map(
  LANGUAGE_PACKS.map((pack) => [pack.code, new Translator(pack)]),
);

/** Every language's code, in catalog order. */
export const LANGUAGES: readonly LanguageCode[] = LANGUAGE_PACKS.map((p) => p.code);

/** The reference language, English. */
export const ENGLISH: Translator = TRANSLATORS.get('en')!;

/** Whether `code` is a language Briefcast speaks. */
export function isLanguage(code: string): code is LanguageCode {
  return TRANSLATORS.has(code);
}

/** The translator for `language`. */
export function translatorFor(language: LanguageCode): Translator {
  return TRANSLATORS.get(language)!;
}

/** Every translator, in catalog order. */
export function translators(): Translator[] {
  return [...TRANSLATORS.values()];
}

/** The language a reader names: its code, an alias or its own name, in any case (`zh`, `Chinese`, `中文`). */
export function resolveLanguage(name: string): LanguageCode | undefined {
  const wanted = name.trim().toLowerCase().replace(/_/g, '-');
  for (const pack of LANGUAGE_PACKS)
    if (
      pack.code.toLowerCase() === wanted ||
      pack.code.split('-')[0]!.toLowerCase() === wanted ||
      pack.name.toLowerCase() === wanted ||
      pack.aliases.includes(wanted)
    )
      return pack.code;
  return undefined;
}

/**
 * The language a platform's locale names, when Briefcast speaks it: `zh-CN`, `zh-TW`, `zh_CN.UTF-8`
 * and `zh` are Chinese (Simplified is the only Chinese here), `en-GB` and `en` English. A locale
 * with no language of ours (`de`, `C`, `POSIX`) gives `undefined`.
 */
export function languageFromLocale(locale: string | undefined): LanguageCode | undefined {
  if (locale === undefined) return undefined;
  const tag = locale.split('.')[0]!.split('@')[0]!.replace(/_/g, '-').trim();
  if (tag === '') return undefined;
  const exact = resolveLanguage(tag);
  if (exact) return exact;
  const primary = tag.split('-')[0]!.toLowerCase();
  for (const pack of LANGUAGE_PACKS) if (pack.code.split('-')[0]!.toLowerCase() === primary) return pack.code;
  return undefined;
}

import type { Locale } from 'date-fns';

/** A tree of messages: each leaf is one message in i18next's syntax (`{{name}}`, `_one`/`_other` plural keys). */
export interface MessageTree {
  readonly [key: string]: string | MessageTree;
}

/**
 * One language Briefcast speaks: its messages and how it writes dates. Adding a language is one
 * such file in `src/i18n/locales/` and one line in `src/i18n/languages.ts`.
 */
export interface LanguagePack {
  /** BCP 47 code, as stored for a chat and as i18next knows it: `en`, `zh-CN`. */
  readonly code: string;
  /** The language's name in itself, as `/language` lists it: `English`, `中文`. */
  readonly name: string;
  /** What `/language` accepts for it besides the code, lowercase: `zh`, `chinese`, `中文`. */
  readonly aliases: readonly string[];
  /** Telegram's `language_code` for its command menu (ISO 639-1, `zh`), or none for the default menu. */
  readonly telegramMenu?: string;
  /** Discord's locales that name this language (`zh-CN`); the first is used for command localizations. */
  readonly discordLocales: readonly string[];
  /** date-fns locale for day and month names. */
  readonly dateLocale: Locale;
  /**
   * date-fns patterns: a day (`Tue 11 Jan 2022`), a day and time, an item's date (`11 Jan 2022`),
   * a feed entry's date and time on the wire (`11 Jan 2022 08:00`).
   */
  readonly dates: {
    readonly day: string;
    readonly dayTime: string;
    readonly item: string;
    readonly entry: string;
  };
  /** What goes between entries of a list written in running text (`, ` or `、`). */
  readonly listSeparator: string;
  readonly messages: MessageTree;
}

import { isLanguage, type LanguageCode, languageFromLocale } from '../../i18n/translator.js';

/** The cookie that keeps the language an editor chose with the desk's switch. */
export const LANGUAGE_COOKIE = 'briefcast_desk_language';
/** How long the browser keeps that choice: a year (it is a preference, not a credential). */
export const LANGUAGE_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;
/** Language ranges of an `Accept-Language` header read at most; browsers send a handful. */
const MAX_RANGES = 32;

/**
 * The language a browser's `Accept-Language` header asks for first among those Briefcast speaks,
 * by quality then order (`zh-TW,zh;q=0.9,en;q=0.8` is Chinese: any `zh*` is Simplified Chinese
 * here); `undefined` when it names none of them, or is absent.
 */
export function languageFromAcceptLanguage(header: string | undefined): LanguageCode | undefined {
  if (header === undefined) return undefined;
  const ranges = header
    .split(',')
    .slice(0, MAX_RANGES)
    .map((part, index) => {
      const [tag = '', ...params] = part.split(';').map((p) => p.trim());
      const q = params.find((p) => /^q=/i.test(p));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return { tag, quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((r) => r.quality > 0 && r.tag !== '' && r.tag !== '*')
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const range of ranges) {
    const language = languageFromLocale(range.tag);
    if (language) return language;
  }
  return undefined;
}

/** What the desk knows of a request, to choose the language of its page. */
export interface LanguageHints {
  /** The {@link LANGUAGE_COOKIE}'s value, as sent. */
  readonly cookie?: string | undefined;
  /** The session's language: that of the chat the editor sent `/desk` from. */
  readonly session?: string | undefined;
  readonly acceptLanguage?: string | undefined;
}

/**
 * The language of a desk page, in this order: the editor's own choice on the desk (the cookie), the
 * language of the chat the sign-in link came from (the session), the browser's languages, and
 * `fallback` (`DEFAULT_LANGUAGE`). A value that is not one of our languages is passed over.
 */
export function deskLanguage(hints: LanguageHints, fallback: LanguageCode): LanguageCode {
  for (const candidate of [hints.cookie, hints.session])
    if (candidate !== undefined && isLanguage(candidate)) return candidate;
  return languageFromAcceptLanguage(hints.acceptLanguage) ?? fallback;
}

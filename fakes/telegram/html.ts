/**
 * Telegram's HTML parse_mode, as the Bot API server parses and validates it: a port of TDLib's `parse_html`
 * with the server's error messages and byte offsets. Pure; used by sendMessage / editMessageText and by tests
 * that check what a user would see.
 *
 * @see https://core.telegram.org/bots/api#html-style
 */
import { Buffer } from 'node:buffer';
import { closeTag, type HtmlLink, HtmlParseError, type OpenTag, tagArgument } from './html-entities.js';
import type { TextEntity } from './types.js';

export type { HtmlLink } from './html-entities.js';

const PARSE_ERROR_PREFIX = "Bad Request: can't parse entities: ";

/** Result of {@link parseTelegramHtml}. */
export type HtmlParseResult =
  | {
      readonly ok: true;
      /** The text the user sees. */
      readonly visible: string;
      /**
       * Every `<a>` tag: its visible text and the URL Telegram would use (the `href`, or the text when there is
       * none). Listed even when Telegram would drop the link (empty text, or a URL such as `javascript:` that
       * fails its check), so tests can assert that no such tag was produced.
       */
      readonly links: readonly HtmlLink[];
      /** The entities Telegram would create. */
      readonly entities: readonly TextEntity[];
    }
  | {
      readonly ok: false;
      /** The full Bot API description, e.g. `Bad Request: can't parse entities: Unsupported start tag "div" at byte offset 0`. */
      readonly description: string;
    };

/** Options of {@link parseTelegramHtml}. */
export interface HtmlParseOptions {
  /**
   * Also reject what the documentation forbids but the server tolerates: a bare `&` (or an entity without `;`)
   * and a bare `>`. @defaultValue true
   */
  readonly strict?: boolean;
}
const CHAR_NUL = 0;
const CHAR_TAB = 9;
const CHAR_LF = 10;
const CHAR_VT = 11;
const CHAR_CR = 13;
const CHAR_SPACE = 32;
const CHAR_QUOTE = 34;
const CHAR_HASH = 35;
const CHAR_AMP = 38;
const CHAR_APOS = 39;
const CHAR_DASH = 45;
const CHAR_DOT = 46;
const CHAR_SLASH = 47;
const CHAR_0 = 48;
const CHAR_9 = 57;
const CHAR_SEMICOLON = 59;
const CHAR_LT = 60;
const CHAR_EQ = 61;
const CHAR_GT = 62;
const CHAR_UPPER_A = 65;
const CHAR_UPPER_F = 70;
const CHAR_UPPER_Z = 90;
const CHAR_LOWER_A = 97;
const CHAR_LOWER_F = 102;
const CHAR_LOWER_X = 120;
const CHAR_LOWER_Z = 122;
const HEX_RADIX = 16;
const DECIMAL_RADIX = 10;
const HEX_LETTER_BASE = 10;
/** TDLib rejects numeric references at or above U+10FFFF and ones spelled with 10 or more characters. */
const MAX_CODE_POINT_EXCLUSIVE = 0x10ffff;
const MAX_NUMERIC_REFERENCE_CHARS = 10;
const SURROGATE_FIRST = 0xd800;
const SURROGATE_LAST = 0xdfff;
const SUPPORTED_TAGS: ReadonlySet<string> = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'tg-emoji',
  'tg-time',
  'code',
  'pre',
  'blockquote',
]);

const NAMED_ENTITIES: ReadonlyMap<string, number> = new Map([
  ['lt', CHAR_LT],
  ['gt', CHAR_GT],
  ['amp', CHAR_AMP],
  ['quot', CHAR_QUOTE],
]);

/** TDLib's `is_space`; NUL counts because TDLib reads a C string whose end is NUL. */
function isSpace(c: number): boolean {
  return (
    c === CHAR_SPACE || c === CHAR_TAB || c === CHAR_LF || c === CHAR_CR || c === CHAR_NUL || c === CHAR_VT
  );
}

function isDigit(c: number): boolean {
  return c >= CHAR_0 && c <= CHAR_9;
}

function isAlpha(c: number): boolean {
  return (c >= CHAR_LOWER_A && c <= CHAR_LOWER_Z) || (c >= CHAR_UPPER_A && c <= CHAR_UPPER_Z);
}

function hexValue(c: number): number {
  if (isDigit(c)) return c - CHAR_0;
  if (c >= CHAR_LOWER_A && c <= CHAR_LOWER_F) return c - CHAR_LOWER_A + HEX_LETTER_BASE;
  if (c >= CHAR_UPPER_A && c <= CHAR_UPPER_F) return c - CHAR_UPPER_A + HEX_LETTER_BASE;
  return -1;
}

/** ASCII-only lowercase, like TDLib's `to_lower` (non-ASCII names keep their case in error messages). */
function asciiLower(s: string): string {
  return /[A-Z]/.test(s) ? s.replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s;
}

interface DecodedReference {
  readonly codePoint: number;
  /** Index just past the reference (past the `;` when there is one). */
  readonly end: number;
  readonly terminated: boolean;
}

/** TDLib's `decode_html_entity`: `&lt; &gt; &amp; &quot;` and numeric references, `;` optional. */
function decodeReference(text: string, pos: number): DecodedReference | undefined {
  const n = text.length;
  let end = pos + 1;
  let codePoint = 0;
  if (text.charCodeAt(end) === CHAR_HASH) {
    end++;
    const hex = text.charCodeAt(end) === CHAR_LOWER_X;
    if (hex) end++;
    const radix = hex ? HEX_RADIX : DECIMAL_RADIX;
    while (end < n) {
      const c = text.charCodeAt(end);
      const digit = hex ? hexValue(c) : isDigit(c) ? c - CHAR_0 : -1;
      if (digit < 0) break;
      codePoint = Math.min(codePoint * radix + digit, MAX_CODE_POINT_EXCLUSIVE);
      end++;
    }
    if (
      codePoint === 0 ||
      codePoint >= MAX_CODE_POINT_EXCLUSIVE ||
      end - pos >= MAX_NUMERIC_REFERENCE_CHARS
    ) {
      return undefined;
    }
  } else {
    while (end < n && isAlpha(text.charCodeAt(end))) end++;
    const named = NAMED_ENTITIES.get(text.slice(pos + 1, end));
    if (named === undefined) return undefined;
    codePoint = named;
  }
  const terminated = text.charCodeAt(end) === CHAR_SEMICOLON;
  return { codePoint, end: terminated ? end + 1 : end, terminated };
}

/**
 * Parse `text` as Telegram's HTML parse_mode, with the Bot API server's error messages and byte offsets.
 *
 * A port of TDLib's `parse_html` (td/telegram/MessageEntity.cpp): only the supported tags (b, strong, i, em, u,
 * ins, s, strike, del, span class="tg-spoiler", tg-spoiler, a href, code, pre, blockquote [expandable],
 * tg-emoji, tg-time); tags must be balanced; only `&lt; &gt; &amp; &quot;` and numeric references are decoded.
 * With `strict` (the default) it also rejects a bare `&` or `>` — Telegram's documentation requires escaping
 * them, although the server itself keeps them literally.
 *
 * Pure and synchronous. Never throws for any input string.
 *
 * @see https://core.telegram.org/bots/api#html-style
 */
export function parseTelegramHtml(text: string, options: HtmlParseOptions = {}): HtmlParseResult {
  try {
    return parseHtmlOrThrow(text, options.strict ?? true);
  } catch (error) {
    if (error instanceof HtmlParseError)
      return { ok: false, description: `${PARSE_ERROR_PREFIX}${error.message}` };
    throw error;
  }
}

function parseHtmlOrThrow(text: string, strict: boolean): HtmlParseResult {
  const n = text.length;
  // Past the end reads as NUL, as the C string TDLib parses.
  const at = (k: number): number => (k < n ? text.charCodeAt(k) : CHAR_NUL);
  const byteOffset = (k: number): number => Buffer.byteLength(text.slice(0, k), 'utf8');
  const fail = (detail: string): never => {
    throw new HtmlParseError(detail);
  };

  const stack: OpenTag[] = [];
  const entities: TextEntity[] = [];
  const links: HtmlLink[] = [];
  let visible = '';
  let decodedSurrogate = false;

  /** Reads a quoted attribute value starting at its quote; returns the decoded value and the index after it. */
  const readQuoted = (start: number): [string, number] => {
    const quote = at(start);
    let j = start + 1;
    let value = '';
    let run = j;
    while (at(j) !== quote && at(j) !== CHAR_NUL) {
      if (at(j) === CHAR_AMP) {
        const ref = decodeReference(text, j);
        if (ref !== undefined && (ref.terminated || !strict)) {
          value += text.slice(run, j) + String.fromCodePoint(ref.codePoint);
          j = ref.end;
          run = j;
          continue;
        }
        if (strict) fail(`Unescaped "&" at byte offset ${byteOffset(j)}`);
      }
      j++;
    }
    value += text.slice(run, j);
    if (at(j) === quote) j++;
    return [value, j];
  };

  /** Parses a start tag whose `<` is at `begin`; returns the index after its `>`. */
  const readStartTag = (begin: number): number => {
    let j = begin + 1;
    while (!isSpace(at(j)) && at(j) !== CHAR_GT) j++;
    if (at(j) === CHAR_NUL) fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
    const tag = asciiLower(text.slice(begin + 1, j));
    if (!SUPPORTED_TAGS.has(tag)) fail(`Unsupported start tag "${tag}" at byte offset ${byteOffset(begin)}`);

    let argument = '';
    while (at(j) !== CHAR_GT) {
      while (at(j) !== CHAR_NUL && isSpace(at(j))) j++;
      if (at(j) === CHAR_GT) break;
      const nameBegin = j;
      while (
        !isSpace(at(j)) &&
        at(j) !== CHAR_EQ &&
        at(j) !== CHAR_GT &&
        at(j) !== CHAR_SLASH &&
        at(j) !== CHAR_QUOTE &&
        at(j) !== CHAR_APOS
      ) {
        j++;
      }
      const attribute = text.slice(nameBegin, j);
      if (attribute === '')
        fail(`Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(begin)}`);
      while (at(j) !== CHAR_NUL && isSpace(at(j))) j++;
      if (at(j) !== CHAR_EQ) {
        if (at(j) === CHAR_NUL) fail(`Unclosed start tag "${tag}" at byte offset ${byteOffset(begin)}`);
        if (tag === 'blockquote' && attribute === 'expandable') argument = '1';
        continue;
      }
      j++;
      while (at(j) !== CHAR_NUL && isSpace(at(j))) j++;
      if (at(j) === CHAR_NUL) fail(`Unclosed start tag "${tag}" at byte offset ${byteOffset(begin)}`);

      let value: string;
      if (at(j) === CHAR_QUOTE || at(j) === CHAR_APOS) {
        [value, j] = readQuoted(j);
      } else {
        // A name token: letters, digits, periods or hyphens, case-insensitive.
        const tokenBegin = j;
        while (isAlpha(at(j)) || isDigit(at(j)) || at(j) === CHAR_DOT || at(j) === CHAR_DASH) j++;
        value = asciiLower(text.slice(tokenBegin, j));
        if (!isSpace(at(j)) && at(j) !== CHAR_GT) {
          fail(`Unexpected end of name token at byte offset ${byteOffset(tokenBegin)}`);
        }
      }
      if (at(j) === CHAR_NUL) fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
      argument = tagArgument(tag, attribute, value) ?? argument;
    }
    if (tag === 'span' && argument !== 'spoiler') {
      fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(begin)}`);
    }
    stack.push({ tag, argument, offset: visible.length });
    return j + 1;
  };

  /** Parses an end tag whose `<` is at `begin`; returns the index after its `>`. */
  const readEndTag = (begin: number): number => {
    const open = stack.at(-1);
    if (open === undefined) return fail(`Unexpected end tag at byte offset ${byteOffset(begin)}`);
    let j = begin + 2;
    while (!isSpace(at(j)) && at(j) !== CHAR_GT) j++;
    const endTag = asciiLower(text.slice(begin + 2, j));
    while (isSpace(at(j)) && at(j) !== CHAR_NUL) j++;
    if (at(j) !== CHAR_GT) fail(`Unclosed end tag at byte offset ${byteOffset(begin)}`);
    if (endTag !== '' && endTag !== open.tag) {
      fail(
        `Unmatched end tag at byte offset ${byteOffset(begin)}, expected "</${open.tag}>", found "</${endTag}>"`,
      );
    }
    closeTag(open, visible, entities, links);
    stack.pop();
    return j + 1;
  };

  let i = 0;
  let run = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === CHAR_AMP) {
      const ref = decodeReference(text, i);
      if (ref !== undefined && (ref.terminated || !strict)) {
        visible += text.slice(run, i) + String.fromCodePoint(ref.codePoint);
        if (ref.codePoint >= SURROGATE_FIRST && ref.codePoint <= SURROGATE_LAST) decodedSurrogate = true;
        i = ref.end;
        run = i;
        continue;
      }
      if (strict) fail(`Unescaped "&" at byte offset ${byteOffset(i)}`);
      i++;
      continue;
    }
    if (c === CHAR_GT && strict) fail(`Unescaped ">" at byte offset ${byteOffset(i)}`);
    if (c !== CHAR_LT) {
      i++;
      continue;
    }
    visible += text.slice(run, i);
    i = at(i + 1) === CHAR_SLASH ? readEndTag(i) : readStartTag(i);
    run = i;
  }
  visible += text.slice(run);

  const unclosed = stack.at(-1);
  if (unclosed !== undefined) fail(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  if (decodedSurrogate) {
    fail(
      'Text contains invalid Unicode characters after decoding HTML entities, check for unmatched surrogate code units',
    );
  }
  // A language only counts for code inside pre.
  const finalEntities = entities
    .map((e) =>
      e.type === 'code' && e.language !== undefined
        ? { type: e.type, offset: e.offset, length: e.length }
        : e,
    )
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { ok: true, visible, links, entities: finalEntities };
}

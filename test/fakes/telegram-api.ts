/**
 * A small, explicit fake of the Telegram Bot API for tests and benchmarks.
 *
 * It listens on 127.0.0.1 (OS-chosen port) and speaks the wire protocol the real telegraf client uses:
 * `POST /bot<token>/<method>` with a JSON (or urlencoded / query-string) body, answered with
 * `{ ok: true, result }` or `{ ok: false, error_code, description, parameters? }`.
 *
 * What it emulates (and nothing more):
 * - getMe, getUpdates (a real long poll, capped by `maxPollHoldMs`), deleteWebhook, setWebhook, getWebhookInfo,
 *   setMyCommands, getMyCommands, deleteMyCommands, getChatMember, getChat, sendMessage, editMessageText,
 *   deleteMessage, answerCallbackQuery, sendChatAction, leaveChat. Method names are case-insensitive, as in
 *   the Bot API. Anything else → 404 `Not Found: method not found`.
 * - sendMessage validation as the Bot API server does it: missing chat_id / text, the 32768-byte raw cap,
 *   Telegram's HTML parse_mode (see {@link parseTelegramHtml}), 1–4096 visible characters.
 * - Injected failures per chat ({@link FakeTelegram.failChat}) or on every n-th send
 *   ({@link FakeTelegram.failEvery}), and optional rate limits ({@link RateLimits}).
 * - Update builders for messages, channel posts, `my_chat_member`, migrations and callback queries.
 *
 * Per-request work is O(1) apart from parsing the message text, nothing is logged, and connections are
 * kept alive, so it can be driven at thousands of sendMessage calls per second.
 *
 * Error descriptions quoted in `/work/shared/PLATFORM.md` §1–3 are verbatim Telegram strings; the few others
 * (e.g. for setMyCommands or editMessageText) are the commonly observed ones.
 *
 * @see https://core.telegram.org/bots/api
 */
import { Buffer } from 'node:buffer';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Agent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------------------

/** Token used when none is given; the part before `:` is the bot id, as in real tokens. */
const DEFAULT_TOKEN = '7000000001:AAfake-briefcast-test-token_0123456789';
const DEFAULT_BOT_USERNAME = 'briefcast_test_bot';
const DEFAULT_BOT_FIRST_NAME = 'Briefcast Test';
const FALLBACK_BOT_ID = 7_000_000_001;
/** Default id of the human user in built updates (private chats use the chat id instead). */
const DEFAULT_USER_ID = 10_001;
const DEFAULT_USER_FIRST_NAME = 'Alice';

/** Long polls are held at most this long by default so that tests shut down quickly. */
const DEFAULT_MAX_POLL_HOLD_MS = 1_000;
const DEFAULT_WAIT_TIMEOUT_MS = 3_000;
const WEBHOOK_TIMEOUT_MS = 5_000;
/** Longer than Node's client-side idle timeout (5 s), so the server never closes a socket a client reuses. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** The Bot API server rejects raw text above 1 << 15 bytes (tdlib/telegram-bot-api Client.cpp). */
const MAX_TEXT_BYTES = 32_768;
/** UTF-8 needs at most 3 bytes per UTF-16 code unit, so shorter strings skip the byte count. */
const MAX_UTF8_BYTES_PER_UTF16_UNIT = 3;
/** sendMessage.text: 1-4096 characters after entities parsing. */
const MAX_MESSAGE_LENGTH = 4_096;
const GET_UPDATES_MAX_LIMIT = 100;
const MAX_BOT_COMMANDS = 100;
const MAX_COMMAND_DESCRIPTION_LENGTH = 256;
const BOT_COMMAND_PATTERN = /^[a-z0-9_]{1,32}$/;
const SECRET_TOKEN_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

const MS_PER_SECOND = 1_000;
const MS_PER_MINUTE = 60_000;
/** Keep the update queue array from growing forever: compact once this many confirmed entries pile up. */
const QUEUE_COMPACT_THRESHOLD = 1_024;
/** How many recorded messages and errors a timeout message lists. */
const DIAGNOSTIC_LIST_LENGTH = 15;
const DIAGNOSTIC_TEXT_LENGTH = 80;
const RECENT_ERRORS_KEPT = 5;

const HTTP_OK = 200;
const HTTP_BAD_REQUEST = 400;
const HTTP_UNAUTHORIZED = 401;
const HTTP_FORBIDDEN = 403;
const HTTP_NOT_FOUND = 404;
const HTTP_CONFLICT = 409;
const HTTP_TOO_MANY_REQUESTS = 429;
const HTTP_INTERNAL_ERROR = 500;
const HTTP_BAD_GATEWAY = 502;

const PARSE_ERROR_PREFIX = "Bad Request: can't parse entities: ";
const SECRET_TOKEN_HEADER = 'x-telegram-bot-api-secret-token';

// ---------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------

/** Telegram chat types. */
export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

/** A chat as it appears in updates and in `getChat`. */
export interface FakeChat {
  readonly id: number;
  readonly type: ChatType;
  readonly title?: string;
  readonly username?: string;
  readonly first_name?: string;
  readonly is_forum?: boolean;
}

/** A (human) user as it appears in updates. `is_bot` defaults to false. */
export interface FakeUser {
  readonly id: number;
  readonly first_name: string;
  readonly is_bot?: boolean;
  readonly last_name?: string;
  readonly username?: string;
  readonly language_code?: string;
}

/** Chat member statuses `getChatMember` can answer with. */
export type ChatMemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

/**
 * Optional rate limits (all off by default). Exceeding one answers sendMessage with
 * `429 Too Many Requests: retry after N` and `parameters.retry_after` (whole seconds, at least 1).
 * @see https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
 */
export interface RateLimits {
  /** Messages per second over all chats (sliding 1 s window). Telegram's free limit is about 30. */
  readonly perSecond?: number;
  /** Messages per second to one chat (sliding 1 s window). Telegram: about 1. */
  readonly perChatPerSecond?: number;
  /** Messages per minute to one group, i.e. a negative chat id (sliding 60 s window). Telegram: 20. */
  readonly perGroupPerMinute?: number;
}

/** Options of {@link FakeTelegram}. */
export interface FakeTelegramOptions {
  /** The bot token the fake accepts. @defaultValue `'7000000001:AAfake-briefcast-test-token_0123456789'` */
  readonly token?: string;
  /** `getMe().username`. @defaultValue `'briefcast_test_bot'` */
  readonly botUsername?: string;
  /** `getMe().id`. @defaultValue the numeric part of the token */
  readonly botId?: number;
  /** `getMe().first_name`. @defaultValue `'Briefcast Test'` */
  readonly botFirstName?: string;
  /** Rate limits, off unless given. */
  readonly limits?: RateLimits;
  /** Upper bound on how long a getUpdates long poll is held (its `timeout` is honoured up to this). @defaultValue 1000 */
  readonly maxPollHoldMs?: number;
  /**
   * Reject bare `&` and `>` in HTML (and entities without `;`), as the Bot API documentation demands.
   * The real server is more lenient: it keeps an undecodable `&` and a bare `>` literally.
   * @defaultValue true
   */
  readonly strictHtml?: boolean;
  /**
   * Keep every accepted message in {@link FakeTelegram.sent}. Benchmarks sending 100,000s of messages can turn
   * this off: messages are then only counted ({@link FakeTelegram.sentCount}, `stats.accepted`), and
   * editMessageText / deleteMessage no longer find them. @defaultValue true
   */
  readonly recordSent?: boolean;
}

/** Named failures {@link FakeTelegram.failChat} and {@link FakeTelegram.failEvery} can inject. */
export type FailureName =
  /** 403 `Forbidden: bot was blocked by the user` */
  | 'blocked'
  /** 403 `Forbidden: bot was kicked from the group chat` */
  | 'kicked'
  /** 403 `Forbidden: user is deactivated` */
  | 'deactivated'
  /** 403 `Forbidden: bot is not a member of the supergroup chat` */
  | 'not_member'
  /** 400 `Bad Request: chat not found` */
  | 'chat_not_found'
  /** 400 `Bad Request: not enough rights to send text messages to the chat` */
  | 'no_rights'
  /** HTTP 502 with an HTML body (a proxy in front of the API failing); telegraf: `TelegramError` 502 */
  | 'server_error'
  /** HTTP 500 with a JSON error body */
  | 'internal_error'
  /** The socket is destroyed without an answer; telegraf: `FetchError` */
  | 'network';

/**
 * A failure to inject: a {@link FailureName}, a migration (400 `group chat was upgraded to a supergroup chat`
 * with `parameters.migrate_to_chat_id`) or flood control (429 with `parameters.retry_after`).
 */
export type Failure = FailureName | { readonly migrateTo: number } | { readonly retryAfter: number };

/** Options of {@link FakeTelegram.failChat}. */
export interface FailChatOptions {
  /** How many calls fail before the chat works again. @defaultValue Infinity */
  readonly times?: number;
  /**
   * Which methods fail. Default: every method that names the chat (sendMessage, editMessageText,
   * deleteMessage, sendChatAction, getChat, getChatMember, leaveChat), as a blocked or kicked chat really does.
   * Listed explicitly, `setMyCommands` fails for a `chat` scope naming the chat (an editor who never started the bot).
   */
  readonly methods?: readonly string[];
}

/** Options of {@link FakeTelegram.failEvery}. */
export interface FailEveryOptions {
  /** Stop failing at this `Date.now()` time (epoch ms). */
  readonly untilMs?: number;
  /** Stop failing this many ms after the call. */
  readonly forMs?: number;
}

/** A formatting entity (subset of the Bot API `MessageEntity`). Offsets and lengths in UTF-16 code units. */
export interface TextEntity {
  readonly type: string;
  readonly offset: number;
  readonly length: number;
  readonly url?: string;
  readonly language?: string;
  readonly custom_emoji_id?: string;
  readonly user?: { readonly id: number };
}

/** A message the bot sent and the fake accepted. */
export interface SentMessage {
  readonly message_id: number;
  /** `chat_id` exactly as the bot sent it (number or string). */
  readonly chat_id: number | string;
  readonly message_thread_id?: number;
  /** The raw text as sent, markup included. */
  readonly text: string;
  /** What the user sees: tags stripped and entities decoded (for HTML), otherwise the raw text. */
  readonly visibleText: string;
  readonly entities: readonly TextEntity[];
  readonly parse_mode?: string;
  readonly link_preview_options?: unknown;
  readonly disable_web_page_preview?: boolean;
  readonly reply_parameters?: unknown;
  readonly reply_markup?: unknown;
  /** Every parameter of the request, as received. */
  readonly params: Readonly<Record<string, unknown>>;
  /** `Date.now()` when accepted. */
  readonly at: number;
}

/** An accepted editMessageText call. */
export interface EditedMessage {
  readonly chat_id?: number | string;
  readonly message_id?: number;
  readonly inline_message_id?: string;
  readonly text: string;
  readonly visibleText: string;
  readonly parse_mode?: string;
  readonly at: number;
}

/** A `BotCommand`. */
export interface BotCommand {
  readonly command: string;
  readonly description: string;
}

/** The commands registered for one scope and language, as set by setMyCommands. */
export interface CommandRegistration {
  readonly commands: readonly BotCommand[];
  /** The `BotCommandScope`; `{ type: 'default' }` when the call gave none. */
  readonly scope: Readonly<Record<string, unknown>>;
  /** `''` when the call gave none. */
  readonly language_code: string;
}

/** The webhook recorded by setWebhook. */
export interface WebhookRegistration {
  readonly url: string;
  readonly secret_token?: string;
  readonly allowed_updates?: unknown;
  readonly max_connections?: number;
}

/** Options of {@link FakeTelegram.deliverToWebhook}. */
export interface DeliverOptions {
  /** POST here instead of the registered URL. */
  readonly url?: string;
  /**
   * Replace the registered URL's scheme and host, keeping its path. telegraf always registers
   * `https://<domain><path>`; pass the local server's `http://127.0.0.1:PORT`.
   */
  readonly origin?: string;
  /** Send this secret instead of the registered one (to test rejection). */
  readonly secretToken?: string;
}

/** Input of {@link FakeTelegram.sendText}. */
export interface SendTextInput {
  /** Chat fields may be partial; `type` defaults to `'private'`. */
  readonly chat: {
    readonly id: number;
    readonly type?: ChatType;
    readonly title?: string;
    readonly username?: string;
    readonly first_name?: string;
    readonly is_forum?: boolean;
  };
  /** The sender; ignored for channels. Default: in private chats the chat's user, else user 10001 "Alice". */
  readonly from?: FakeUser;
  readonly text: string;
  /** Default: a `bot_command` entity when the text starts with `/`. */
  readonly entities?: readonly TextEntity[];
  readonly message_thread_id?: number;
  /** Default: true when `message_thread_id` is given in a forum. */
  readonly is_topic_message?: boolean;
}

/** Input of {@link FakeTelegram.pushCallbackQuery}. */
export interface CallbackQueryInput {
  readonly chat: FakeChat;
  readonly from?: FakeUser;
  readonly data: string;
  /** The bot message the button belongs to. Default: a new message id. */
  readonly message_id?: number;
}

/** Counters kept by the fake. */
export interface FakeTelegramStats {
  /** sendMessage calls accepted. */
  readonly accepted: number;
  /** 429 answers given (injected or from rate limits). */
  readonly rejected429: number;
  /** Calls per method (canonical Bot API spelling), failed ones included. */
  readonly byMethod: Readonly<Record<string, number>>;
}

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

/** One `<a>` tag found by {@link parseTelegramHtml}. */
export interface HtmlLink {
  readonly text: string;
  readonly href: string;
}

/** Options of {@link parseTelegramHtml}. */
export interface HtmlParseOptions {
  /**
   * Also reject what the documentation forbids but the server tolerates: a bare `&` (or an entity without `;`)
   * and a bare `>`. @defaultValue true
   */
  readonly strict?: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Telegram's HTML parse_mode
// ---------------------------------------------------------------------------------------------------------

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
const CHAR_LEFT_BRACKET = 91;
const CHAR_LOWER_A = 97;
const CHAR_LOWER_F = 102;
const CHAR_LOWER_X = 120;
const CHAR_LOWER_Z = 122;
const CHAR_LEFT_BRACE = 123;
const HEX_RADIX = 16;
const DECIMAL_RADIX = 10;
const HEX_LETTER_BASE = 10;
/** TDLib rejects numeric references at or above U+10FFFF and ones spelled with 10 or more characters. */
const MAX_CODE_POINT_EXCLUSIVE = 0x10ffff;
const MAX_NUMERIC_REFERENCE_CHARS = 10;
const SURROGATE_FIRST = 0xd800;
const SURROGATE_LAST = 0xdfff;
const LANGUAGE_CLASS_PREFIX = 'language-';
const SPAN_CLASS_PREFIX = 'tg-';

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

const SIMPLE_ENTITY_TYPES: ReadonlyMap<string, string> = new Map([
  ['b', 'bold'],
  ['strong', 'bold'],
  ['i', 'italic'],
  ['em', 'italic'],
  ['u', 'underline'],
  ['ins', 'underline'],
  ['s', 'strikethrough'],
  ['strike', 'strikethrough'],
  ['del', 'strikethrough'],
  ['span', 'spoiler'],
  ['tg-spoiler', 'spoiler'],
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

/** A link target Telegram accepts for a text link (its `check_url` is stricter; this is close enough). */
function isAcceptedUrl(url: string): boolean {
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `http://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    return false;
  }
  if (parsed.protocol === 'tg:' || parsed.protocol === 'ton:') return true;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:' && parsed.protocol !== 'ftp:') return false;
  return parsed.hostname.includes('.') || parsed.hostname === 'localhost';
}

class HtmlParseError extends Error {
  override name = 'HtmlParseError';
}

interface OpenTag {
  readonly tag: string;
  readonly argument: string;
  /** Visible-text offset (UTF-16) where the tag opened. */
  readonly offset: number;
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

function tagArgument(tag: string, attribute: string, value: string): string | undefined {
  if ((tag === 'a' && attribute === 'href') || (tag === 'tg-emoji' && attribute === 'emoji-id')) return value;
  if (tag === 'code' && attribute === 'class' && value.startsWith(LANGUAGE_CLASS_PREFIX)) {
    return value.slice(LANGUAGE_CLASS_PREFIX.length);
  }
  if (tag === 'span' && attribute === 'class' && value.startsWith(SPAN_CLASS_PREFIX)) {
    return value.slice(SPAN_CLASS_PREFIX.length);
  }
  if (tag === 'blockquote' && attribute === 'expandable') return '1';
  return undefined;
}

/** Turns a closed tag into an entity, as TDLib does (empty entities are dropped). */
function closeTag(open: OpenTag, visible: string, entities: TextEntity[], links: HtmlLink[]): void {
  const offset = open.offset;
  const length = visible.length - offset;
  if (open.tag === 'a') {
    const linkText = visible.slice(offset);
    links.push({ text: linkText, href: open.argument !== '' ? open.argument : linkText });
  }
  if (length <= 0) return;
  const simple = SIMPLE_ENTITY_TYPES.get(open.tag);
  if (simple !== undefined) {
    entities.push({ type: simple, offset, length });
    return;
  }
  const last = entities.at(-1);
  const sameSpan = last !== undefined && last.offset === offset && last.length === length;
  switch (open.tag) {
    case 'a': {
      const url = open.argument !== '' ? open.argument : visible.slice(offset);
      const userId = /^tg:\/\/user\?id=(\d+)$/.exec(url)?.[1];
      if (userId !== undefined)
        entities.push({ type: 'text_mention', offset, length, user: { id: Number(userId) } });
      else if (isAcceptedUrl(url)) entities.push({ type: 'text_link', offset, length, url });
      return;
    }
    case 'tg-emoji':
      if (!/^[1-9]\d*$/.test(open.argument))
        throw new HtmlParseError('Invalid custom emoji identifier specified');
      entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: open.argument });
      return;
    case 'pre':
      if (sameSpan && last.type === 'code' && last.language !== undefined) {
        entities[entities.length - 1] = { type: 'pre', offset, length, language: last.language };
      } else {
        entities.push({ type: 'pre', offset, length });
      }
      return;
    case 'code':
      if (sameSpan && last.type === 'pre' && open.argument !== '') {
        entities[entities.length - 1] = { type: 'pre', offset, length, language: open.argument };
      } else {
        entities.push(
          open.argument !== ''
            ? { type: 'code', offset, length, language: open.argument }
            : { type: 'code', offset, length },
        );
      }
      return;
    case 'blockquote':
      entities.push({ type: open.argument !== '' ? 'expandable_blockquote' : 'blockquote', offset, length });
      return;
    default:
      // tg-time creates no entity here.
      return;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Replies
// ---------------------------------------------------------------------------------------------------------

interface HttpReply {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  /** For error replies: the description, kept for diagnostics. */
  readonly description?: string;
}

/** A reply, or `'destroy'` to drop the connection without answering. */
type Reply = HttpReply | 'destroy';

type Params = Record<string, unknown>;

const JSON_CONTENT_TYPE = 'application/json';

function okReply(result: unknown): HttpReply {
  return { status: HTTP_OK, body: JSON.stringify({ ok: true, result }), contentType: JSON_CONTENT_TYPE };
}

function errorReply(errorCode: number, description: string, parameters?: Record<string, number>): HttpReply {
  const payload =
    parameters === undefined
      ? { ok: false, error_code: errorCode, description }
      : { ok: false, error_code: errorCode, description, parameters };
  return { status: errorCode, body: JSON.stringify(payload), contentType: JSON_CONTENT_TYPE, description };
}

const UNAUTHORIZED = errorReply(HTTP_UNAUTHORIZED, 'Unauthorized');
const METHOD_NOT_FOUND = errorReply(HTTP_NOT_FOUND, 'Not Found: method not found');
const NOT_FOUND = errorReply(HTTP_NOT_FOUND, 'Not Found');
const CHAT_ID_EMPTY = errorReply(HTTP_BAD_REQUEST, 'Bad Request: chat_id is empty');
const TEXT_EMPTY = errorReply(HTTP_BAD_REQUEST, 'Bad Request: message text is empty');
const TEXT_TOO_LONG_RAW = errorReply(HTTP_BAD_REQUEST, 'Bad Request: Text is too long');
const MESSAGE_TOO_LONG = errorReply(HTTP_BAD_REQUEST, 'Bad Request: message is too long');
const UNSUPPORTED_PARSE_MODE = errorReply(HTTP_BAD_REQUEST, 'Bad Request: unsupported parse_mode');
const BAD_JSON = errorReply(HTTP_BAD_REQUEST, "Bad Request: can't parse JSON object");
const MESSAGE_ID_MISSING = errorReply(HTTP_BAD_REQUEST, 'Bad Request: message identifier is not specified');
const EDIT_NOT_FOUND = errorReply(HTTP_BAD_REQUEST, 'Bad Request: message to edit not found');
const DELETE_NOT_FOUND = errorReply(HTTP_BAD_REQUEST, 'Bad Request: message to delete not found');
const NOT_MODIFIED = errorReply(
  HTTP_BAD_REQUEST,
  'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
);
const INVALID_USER_ID = errorReply(HTTP_BAD_REQUEST, 'Bad Request: invalid user_id specified');
const QUERY_ID_INVALID = errorReply(
  HTTP_BAD_REQUEST,
  'Bad Request: query is too old and response timeout expired or query ID is invalid',
);
const INVALID_ACTION = errorReply(HTTP_BAD_REQUEST, 'Bad Request: wrong parameter action in request');
const COMMAND_INVALID = errorReply(HTTP_BAD_REQUEST, 'Bad Request: BOT_COMMAND_INVALID');
const COMMAND_DESCRIPTION_INVALID = errorReply(
  HTTP_BAD_REQUEST,
  'Bad Request: BOT_COMMAND_DESCRIPTION_INVALID',
);
const TOO_MANY_COMMANDS = errorReply(HTTP_BAD_REQUEST, 'Bad Request: BOT_COMMANDS_TOO_MUCH');
const BAD_SECRET_TOKEN = errorReply(
  HTTP_BAD_REQUEST,
  'Bad Request: secret token contains unallowed characters',
);
const WEBHOOK_ACTIVE = errorReply(
  HTTP_CONFLICT,
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
);
const POLL_TERMINATED = errorReply(
  HTTP_CONFLICT,
  'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
);
const TRUE_REPLY = okReply(true);
const EMPTY_UPDATES = okReply([]);

const NAMED_FAILURES: Readonly<Record<FailureName, Reply>> = {
  blocked: errorReply(HTTP_FORBIDDEN, 'Forbidden: bot was blocked by the user'),
  kicked: errorReply(HTTP_FORBIDDEN, 'Forbidden: bot was kicked from the group chat'),
  deactivated: errorReply(HTTP_FORBIDDEN, 'Forbidden: user is deactivated'),
  not_member: errorReply(HTTP_FORBIDDEN, 'Forbidden: bot is not a member of the supergroup chat'),
  chat_not_found: errorReply(HTTP_BAD_REQUEST, 'Bad Request: chat not found'),
  no_rights: errorReply(HTTP_BAD_REQUEST, 'Bad Request: not enough rights to send text messages to the chat'),
  server_error: {
    status: HTTP_BAD_GATEWAY,
    body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n',
    contentType: 'text/html',
    description: 'Bad Gateway',
  },
  internal_error: errorReply(HTTP_INTERNAL_ERROR, 'Internal Server Error'),
  network: 'destroy',
};

function floodReply(retryAfterSeconds: number): HttpReply {
  return errorReply(HTTP_TOO_MANY_REQUESTS, `Too Many Requests: retry after ${retryAfterSeconds}`, {
    retry_after: retryAfterSeconds,
  });
}

function failureReply(failure: Failure): Reply {
  if (typeof failure === 'string') return NAMED_FAILURES[failure];
  if ('migrateTo' in failure) {
    return errorReply(HTTP_BAD_REQUEST, 'Bad Request: group chat was upgraded to a supergroup chat', {
      migrate_to_chat_id: failure.migrateTo,
    });
  }
  return floodReply(Math.max(1, Math.ceil(failure.retryAfter)));
}

// ---------------------------------------------------------------------------------------------------------
// Parameter coercion (JSON gives typed values; urlencoded and query strings give strings)
// ---------------------------------------------------------------------------------------------------------

function paramString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function paramInt(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const parsed = Number(value);
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return undefined;
}

function paramBool(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

/** Objects and arrays arrive JSON-encoded in urlencoded bodies and query strings. */
function paramStructured(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const first = value.charCodeAt(0);
  if (first !== CHAR_LEFT_BRACE && first !== CHAR_LEFT_BRACKET) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Normalises a `chat_id` to a map key, so that `42` and `'42'` (and `@Name`/`@name`) are the same chat. */
function chatKey(chatId: number | string): string {
  return typeof chatId === 'number' ? String(chatId) : chatId.startsWith('@') ? chatId.toLowerCase() : chatId;
}

/** `chat_id` as given, or undefined when missing or empty. */
function paramChatId(value: unknown): number | string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value !== '') return value;
  return undefined;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// ---------------------------------------------------------------------------------------------------------
// Rate limiting
// ---------------------------------------------------------------------------------------------------------

/** A sliding-window log in a ring buffer: O(1) per check, memory proportional to the limit. */
class SlidingWindow {
  private readonly stamps: Float64Array;
  private next = 0;
  private count = 0;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {
    this.stamps = new Float64Array(limit);
  }

  /** Milliseconds until one more event fits; 0 when it fits now. */
  waitMs(now: number): number {
    if (this.count < this.limit) return 0;
    // When the ring is full, the next slot to overwrite holds the oldest stamp.
    const oldest = this.stamps[this.next] ?? 0;
    return Math.max(0, oldest + this.windowMs - now);
  }

  record(now: number): void {
    this.stamps[this.next] = now;
    this.next = (this.next + 1) % this.limit;
    if (this.count < this.limit) this.count++;
  }
}

// ---------------------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------------------

interface HeldPoll {
  readonly res: ServerResponse;
  readonly limit: number;
  readonly timer: NodeJS.Timeout;
}

interface ChatFailure {
  readonly failure: Failure;
  remaining: number;
  readonly methods: ReadonlySet<string> | undefined;
}

interface EveryFailure {
  readonly every: number;
  readonly failure: Failure;
  readonly untilMs: number;
  count: number;
}

interface Waiter<T> {
  readonly check: () => T | undefined;
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

interface LiveMessage {
  text: string;
  parseMode: string | undefined;
  markup: string;
}

type Update = Record<string, unknown> & { readonly update_id: number };

type Handler = (params: Params) => Reply;

/** Methods whose calls name a chat, and so can fail through {@link FakeTelegram.failChat}. */
const CHAT_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'editMessageText',
  'deleteMessage',
  'sendChatAction',
  'getChat',
  'getChatMember',
  'leaveChat',
]);

const CHAT_ACTIONS: ReadonlySet<string> = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

const ADMIN_RIGHTS = {
  can_be_edited: false,
  is_anonymous: false,
  can_manage_chat: true,
  can_delete_messages: true,
  can_manage_video_chats: true,
  can_restrict_members: true,
  can_promote_members: false,
  can_change_info: true,
  can_invite_users: true,
  can_post_messages: true,
  can_edit_messages: true,
  can_pin_messages: true,
  can_post_stories: false,
  can_edit_stories: false,
  can_delete_stories: false,
} as const;

const RESTRICTED_RIGHTS = {
  is_member: true,
  can_send_messages: false,
  can_send_audios: false,
  can_send_documents: false,
  can_send_photos: false,
  can_send_videos: false,
  can_send_video_notes: false,
  can_send_voice_notes: false,
  can_send_polls: false,
  can_send_other_messages: false,
  can_add_web_page_previews: false,
  can_change_info: false,
  can_invite_users: false,
  can_pin_messages: false,
  can_manage_topics: false,
  until_date: 0,
} as const;

/**
 * A fake Telegram Bot API server. Start it, point the real client at `apiRoot`, drive it with updates and
 * inspect what the bot sent.
 *
 * @example
 * ```ts
 * const fake = new FakeTelegram();
 * const { apiRoot } = await fake.start();
 * const bot = new Telegraf(fake.token, { telegram: { apiRoot } });
 * bot.command('ping', (ctx) => ctx.reply('pong'));
 * void bot.launch().catch(() => {});
 * fake.sendText({ chat: { id: 42, type: 'private' }, text: '/ping' });
 * await fake.waitForSent((m) => m.chat_id === 42);
 * bot.stop();
 * await fake.stop();
 * ```
 */
export class FakeTelegram {
  /** The token the fake accepts. */
  readonly token: string;
  /** The bot's own user, as getMe answers it. */
  readonly botUser: {
    readonly id: number;
    readonly is_bot: true;
    readonly first_name: string;
    readonly username: string;
  };

  private readonly maxPollHoldMs: number;
  private readonly strictHtml: boolean;
  private readonly recordSent: boolean;
  private readonly handlers: ReadonlyMap<string, readonly [string, Handler]>;
  private readonly getMeReply: HttpReply;

  private server: Server | undefined;
  private webhookAgent: Agent | undefined;
  private rootUrl: string | undefined;
  private stopping = false;

  // Updates: a queue with a moving head; entries before `head` were confirmed by a getUpdates offset.
  private queue: Update[] = [];
  private head = 0;
  private nextUpdateId = 1;
  private held: HeldPoll | undefined;

  private nextMessageId = 1;
  private nextCallbackId = 1;
  private readonly sentList: SentMessage[] = [];
  private readonly sentByChat = new Map<string, SentMessage[]>();
  private readonly sentCounts = new Map<string, number>();
  private readonly liveMessages = new Map<string, LiveMessage>();
  private readonly editList: EditedMessage[] = [];
  private readonly deletedList: { readonly chat_id: number | string; readonly message_id: number }[] = [];
  private readonly callbackAnswerList: Readonly<Record<string, unknown>>[] = [];
  private readonly chatActionList: { readonly chat_id: number | string; readonly action: string }[] = [];
  private readonly leftChatList: (number | string)[] = [];

  private readonly chats = new Map<string, FakeChat>();
  private readonly users = new Map<number, FakeUser>();
  private readonly members = new Map<string, ChatMemberStatus>();
  private readonly commandSets = new Map<string, CommandRegistration>();
  private webhookState: WebhookRegistration | undefined;
  private nextSyntheticChatId = -1_009_000_000_000;

  private readonly chatFailures = new Map<string, ChatFailure>();
  private everyFailure: EveryFailure | undefined;

  private limits: RateLimits = {};
  private globalWindow: SlidingWindow | undefined;
  private readonly chatWindows = new Map<string, SlidingWindow>();
  private readonly groupWindows = new Map<string, SlidingWindow>();

  private acceptedCount = 0;
  private rejected429Count = 0;
  private byMethod: Record<string, number> = {};
  private readonly recentErrors: string[] = [];

  private readonly sentWaiters = new Set<Waiter<SentMessage>>();
  private readonly updateWaiters = new Set<Waiter<true>>();
  private readonly callWaiters = new Set<Waiter<true>>();

  /** Creates a stopped fake; call {@link FakeTelegram.start}. */
  constructor(options: FakeTelegramOptions = {}) {
    this.token = options.token ?? DEFAULT_TOKEN;
    const tokenId = paramInt(this.token.split(':')[0]);
    this.botUser = {
      id: options.botId ?? tokenId ?? FALLBACK_BOT_ID,
      is_bot: true,
      first_name: options.botFirstName ?? DEFAULT_BOT_FIRST_NAME,
      username: options.botUsername ?? DEFAULT_BOT_USERNAME,
    };
    this.maxPollHoldMs = options.maxPollHoldMs ?? DEFAULT_MAX_POLL_HOLD_MS;
    this.strictHtml = options.strictHtml ?? true;
    this.recordSent = options.recordSent ?? true;
    this.getMeReply = okReply({
      ...this.botUser,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    });
    this.setLimits(options.limits ?? {});

    const handlers: [string, Handler][] = [
      ['getMe', () => this.getMeReply],
      ['deleteWebhook', (p) => this.deleteWebhook(p)],
      ['setWebhook', (p) => this.setWebhook(p)],
      ['getWebhookInfo', () => this.getWebhookInfo()],
      ['setMyCommands', (p) => this.setMyCommands(p)],
      ['getMyCommands', (p) => this.getMyCommands(p)],
      ['deleteMyCommands', (p) => this.deleteMyCommands(p)],
      ['getChatMember', (p) => this.getChatMember(p)],
      ['getChat', (p) => this.getChat(p)],
      ['sendMessage', (p) => this.sendMessage(p)],
      ['editMessageText', (p) => this.editMessageText(p)],
      ['deleteMessage', (p) => this.deleteMessage(p)],
      ['answerCallbackQuery', (p) => this.answerCallbackQuery(p)],
      ['sendChatAction', (p) => this.sendChatAction(p)],
      ['leaveChat', (p) => this.leaveChat(p)],
    ];
    this.handlers = new Map(handlers.map((entry) => [entry[0].toLowerCase(), entry] as const));
  }

  // ------------------------------------------------------------------------------------------------------
  // Lifecycle
  // ------------------------------------------------------------------------------------------------------

  /** Listens on 127.0.0.1 on an OS-chosen port; resolves with the `apiRoot` to give telegraf. */
  async start(): Promise<{ apiRoot: string }> {
    if (this.server !== undefined) throw new Error('FakeTelegram is already started');
    const server = createServer({ noDelay: true }, (req, res) => this.onRequest(req, res));
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    this.server = server;
    this.stopping = false;
    this.webhookAgent = new Agent({ keepAlive: true });
    this.rootUrl = `http://127.0.0.1:${port}`;
    return { apiRoot: this.rootUrl };
  }

  /**
   * Answers a held long poll with `[]`, rejects pending waits, closes every connection and the listener.
   * Stop the bot first (`bot.stop()`): a bot still polling a stopped fake backs off and retries forever.
   */
  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.stopping = true;
    this.finishHeldPoll(EMPTY_UPDATES);
    const stopped = new Error('FakeTelegram stopped');
    for (const waiters of [this.sentWaiters, this.updateWaiters, this.callWaiters] as Set<
      Waiter<unknown>
    >[]) {
      for (const waiter of waiters) {
        clearTimeout(waiter.timer);
        waiter.reject(stopped);
      }
      waiters.clear();
    }
    this.webhookAgent?.destroy();
    this.webhookAgent = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    this.server = undefined;
  }

  /** `http://127.0.0.1:PORT` once started. */
  get apiRoot(): string {
    if (this.rootUrl === undefined) throw new Error('FakeTelegram is not started');
    return this.rootUrl;
  }

  // ------------------------------------------------------------------------------------------------------
  // Inspection
  // ------------------------------------------------------------------------------------------------------

  /** Every message accepted by sendMessage, oldest first (a live array; do not mutate). */
  get sent(): readonly SentMessage[] {
    return this.sentList;
  }

  /** Messages accepted for one chat (`42` and `'42'` are the same chat). */
  sentTo(chatId: number | string): readonly SentMessage[] {
    return this.sentByChat.get(chatKey(chatId)) ?? [];
  }

  /** How many messages were accepted for one chat (kept even when `recordSent` is off). */
  sentCount(chatId: number | string): number {
    return this.sentCounts.get(chatKey(chatId)) ?? 0;
  }

  /** Every accepted editMessageText call. */
  get edits(): readonly EditedMessage[] {
    return this.editList;
  }

  /** Every accepted deleteMessage call. */
  get deleted(): readonly { readonly chat_id: number | string; readonly message_id: number }[] {
    return this.deletedList;
  }

  /** Every answerCallbackQuery call's parameters (including ones sent as a webhook reply). */
  get callbackAnswers(): readonly Readonly<Record<string, unknown>>[] {
    return this.callbackAnswerList;
  }

  /** Every accepted sendChatAction call. */
  get chatActions(): readonly { readonly chat_id: number | string; readonly action: string }[] {
    return this.chatActionList;
  }

  /** Chats the bot left through leaveChat, as given. */
  get leftChats(): readonly (number | string)[] {
    return this.leftChatList;
  }

  /** The command lists set by setMyCommands, one per scope and language. */
  get commands(): readonly CommandRegistration[] {
    return [...this.commandSets.values()];
  }

  /** The webhook set by setWebhook, if any. */
  get webhook(): WebhookRegistration | undefined {
    return this.webhookState;
  }

  /** Counters: accepted sendMessage calls, 429 answers, calls per method. A snapshot. */
  get stats(): FakeTelegramStats {
    return {
      accepted: this.acceptedCount,
      rejected429: this.rejected429Count,
      byMethod: { ...this.byMethod },
    };
  }

  /** Updates pushed but not yet confirmed by the bot's getUpdates offset. */
  get pendingUpdates(): number {
    return this.queue.length - this.head;
  }

  /** Forgets recorded messages, edits, answers and counters (not chats, failures, limits or queued updates). */
  reset(): void {
    this.sentList.length = 0;
    this.sentByChat.clear();
    this.sentCounts.clear();
    this.editList.length = 0;
    this.deletedList.length = 0;
    this.callbackAnswerList.length = 0;
    this.chatActionList.length = 0;
    this.leftChatList.length = 0;
    this.acceptedCount = 0;
    this.rejected429Count = 0;
    this.byMethod = {};
    this.recentErrors.length = 0;
  }

  // ------------------------------------------------------------------------------------------------------
  // Configuration
  // ------------------------------------------------------------------------------------------------------

  /** Sets what getChatMember answers for `userId` in `chatId` (default `member`). */
  setChatMember(chatId: number | string, userId: number, status: ChatMemberStatus): void {
    this.members.set(`${chatKey(chatId)}|${userId}`, status);
  }

  /** Registers a chat so that getChat and sent messages report its real type and title. */
  setChat(chat: FakeChat): void {
    this.chats.set(String(chat.id), chat);
    if (chat.username !== undefined) this.chats.set(`@${chat.username.toLowerCase()}`, chat);
  }

  /**
   * Makes calls naming `chatId` fail with `failure`, `times` times (default: until {@link clearFailures}).
   * Checked after parameter validation, before rate limits.
   */
  failChat(chatId: number | string, failure: Failure, options: FailChatOptions = {}): void {
    this.chatFailures.set(chatKey(chatId), {
      failure,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      methods: options.methods === undefined ? undefined : new Set(options.methods),
    });
  }

  /**
   * Fails every `n`-th valid sendMessage call (over all chats) with `failure`, e.g.
   * `failEvery(3, { retryAfter: 5 }, { forMs: 60_000 })` for "429 to every third send for a minute".
   */
  failEvery(n: number, failure: Failure, options: FailEveryOptions = {}): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError('failEvery: n must be a positive integer');
    const untilMs =
      options.untilMs ??
      (options.forMs !== undefined ? Date.now() + options.forMs : Number.POSITIVE_INFINITY);
    this.everyFailure = { every: n, failure, untilMs, count: 0 };
  }

  /** Removes every injected failure (failChat and failEvery). */
  clearFailures(): void {
    this.chatFailures.clear();
    this.everyFailure = undefined;
  }

  /** Replaces the rate limits (an empty object turns them off) and forgets past sends. */
  setLimits(limits: RateLimits): void {
    this.limits = { ...limits };
    this.globalWindow =
      limits.perSecond !== undefined ? new SlidingWindow(limits.perSecond, MS_PER_SECOND) : undefined;
    this.chatWindows.clear();
    this.groupWindows.clear();
  }

  // ------------------------------------------------------------------------------------------------------
  // Updates
  // ------------------------------------------------------------------------------------------------------

  /** Queues a raw update for getUpdates; `update_id` is assigned when missing. Returns the update id. */
  pushUpdate(update: Readonly<Record<string, unknown>>): number {
    const stored = this.withUpdateId(update);
    this.queue.push(stored);
    this.answerHeldPoll();
    return stored.update_id;
  }

  /**
   * Queues a text message from a user (`message`), or a `channel_post` (with `sender_chat`, no `from`) when the
   * chat is a channel. A leading `/command` gets its `bot_command` entity. Returns the update id.
   */
  sendText(input: SendTextInput): number {
    const chat = this.completeChat(input.chat, input.from);
    const message: Record<string, unknown> = {
      message_id: this.allocateMessageId(chat.id),
      date: nowSeconds(),
      chat,
    };
    if (chat.type === 'channel') {
      message.sender_chat = chat;
    } else {
      const from = input.from ?? this.defaultUser(chat);
      this.users.set(from.id, from);
      message.from = { is_bot: false, ...from };
    }
    if (input.message_thread_id !== undefined) {
      message.message_thread_id = input.message_thread_id;
      if (input.is_topic_message ?? chat.is_forum === true) message.is_topic_message = true;
    }
    message.text = input.text;
    const entities = input.entities ?? commandEntities(input.text);
    if (entities.length > 0) message.entities = entities;
    return this.pushUpdate({ [chat.type === 'channel' ? 'channel_post' : 'message']: message });
  }

  /**
   * Queues a `my_chat_member` update: the bot's status in `chat` changed to `newStatus` (kicked/left when
   * removed or blocked, member/administrator when added or unblocked). Also updates getChatMember for the bot.
   */
  pushMyChatMember(
    chat: FakeChat,
    newStatus: ChatMemberStatus,
    options: { readonly oldStatus?: ChatMemberStatus; readonly from?: FakeUser } = {},
  ): number {
    const full = this.completeChat(chat, options.from);
    const removed = newStatus === 'left' || newStatus === 'kicked';
    const oldStatus =
      options.oldStatus ?? (removed ? (full.type === 'channel' ? 'administrator' : 'member') : 'left');
    const from = options.from ?? this.defaultUser(full);
    this.setChatMember(full.id, this.botUser.id, newStatus);
    return this.pushUpdate({
      my_chat_member: {
        chat: full,
        from: { is_bot: false, ...from },
        date: nowSeconds(),
        old_chat_member: this.chatMember(this.botUser, oldStatus),
        new_chat_member: this.chatMember(this.botUser, newStatus),
      },
    });
  }

  /**
   * Queues what Telegram sends when a group becomes a supergroup: a service message with `migrate_to_chat_id`
   * in the old group, then one with `migrate_from_chat_id` in the new supergroup. From then on, calls naming the
   * old id fail with `group chat was upgraded to a supergroup chat` and `parameters.migrate_to_chat_id`.
   * Returns the update id of the first message.
   */
  pushMigration(fromChatId: number, toChatId: number): number {
    const known = this.chats.get(String(fromChatId));
    const title = known?.title ?? 'Test group';
    const oldChat: FakeChat = { id: fromChatId, type: 'group', title };
    const newChat: FakeChat = { id: toChatId, type: 'supergroup', title };
    this.setChat(newChat);
    const from = { is_bot: false, ...this.defaultUser(oldChat) };
    const first = this.pushUpdate({
      message: {
        message_id: this.allocateMessageId(fromChatId),
        date: nowSeconds(),
        chat: oldChat,
        from,
        migrate_to_chat_id: toChatId,
      },
    });
    this.pushUpdate({
      message: {
        message_id: this.allocateMessageId(toChatId),
        date: nowSeconds(),
        chat: newChat,
        from,
        migrate_from_chat_id: fromChatId,
      },
    });
    this.failChat(fromChatId, { migrateTo: toChatId });
    return first;
  }

  /** Queues a `callback_query` (a button press on a bot message). Returns the update id. */
  pushCallbackQuery(input: CallbackQueryInput): number {
    const chat = this.completeChat(input.chat, input.from);
    const from = input.from ?? this.defaultUser(chat);
    const messageId = input.message_id ?? this.allocateMessageId(chat.id);
    return this.pushUpdate({
      callback_query: {
        id: String(this.nextCallbackId++),
        from: { is_bot: false, ...from },
        chat_instance: String(chat.id),
        data: input.data,
        message: { message_id: messageId, date: nowSeconds(), chat, from: this.botUser, text: '…' },
      },
    });
  }

  /**
   * POSTs `update` to the webhook URL recorded by setWebhook (or `options.url`), with the recorded secret in
   * `x-telegram-bot-api-secret-token`, and resolves with the HTTP status. A JSON webhook reply carrying a
   * `method` (telegraf's `webhookReply`) is executed as an API call, as Telegram does.
   */
  async deliverToWebhook(
    update: Readonly<Record<string, unknown>>,
    options: DeliverOptions = {},
  ): Promise<number> {
    const registered = this.webhookState;
    let target = options.url;
    if (target === undefined && registered !== undefined) {
      const url = new URL(registered.url);
      target =
        options.origin === undefined ? url.href : new URL(url.pathname + url.search, options.origin).href;
    }
    if (target === undefined)
      throw new Error('FakeTelegram.deliverToWebhook: no webhook is set and no url given');
    const body = JSON.stringify(this.withUpdateId(update));
    const secret = options.secretToken ?? registered?.secret_token;
    const headers: Record<string, string | number> = {
      'content-type': JSON_CONTENT_TYPE,
      'content-length': Buffer.byteLength(body),
    };
    if (secret !== undefined) headers[SECRET_TOKEN_HEADER] = secret;
    return await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        target,
        { method: 'POST', headers, agent: this.webhookAgent ?? false, timeout: WEBHOOK_TIMEOUT_MS },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            this.runWebhookReply(res.headers['content-type'], Buffer.concat(chunks).toString('utf8'));
            resolve(res.statusCode ?? 0);
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(new Error(`webhook did not answer within ${WEBHOOK_TIMEOUT_MS} ms`)),
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  // ------------------------------------------------------------------------------------------------------
  // Waiting (always bounded)
  // ------------------------------------------------------------------------------------------------------

  /**
   * Resolves with the first recorded message matching `predicate` (messages already recorded included);
   * rejects after `timeoutMs` with an error listing what was sent and the latest API errors.
   */
  waitForSent(
    predicate: (message: SentMessage) => boolean,
    timeoutMs = DEFAULT_WAIT_TIMEOUT_MS,
  ): Promise<SentMessage> {
    const existing = this.sentList.find(predicate);
    if (existing !== undefined) return Promise.resolve(existing);
    let last = this.sentList.length;
    return this.wait(
      this.sentWaiters,
      () => {
        // Only messages recorded since the previous check need testing.
        const found = this.sentList.slice(last).find(predicate);
        last = this.sentList.length;
        return found;
      },
      timeoutMs,
      () => `FakeTelegram.waitForSent: no matching message within ${timeoutMs} ms. ${this.describeSent()}`,
    );
  }

  /**
   * Resolves once the bot has confirmed (through its getUpdates offset) every update pushed so far. With
   * telegraf that means the handlers of those updates have finished. Rejects after `timeoutMs`.
   */
  waitForUpdatesConsumed(timeoutMs = DEFAULT_WAIT_TIMEOUT_MS): Promise<true> {
    return this.wait(
      this.updateWaiters,
      () => (this.pendingUpdates === 0 ? true : undefined),
      timeoutMs,
      () =>
        `FakeTelegram.waitForUpdatesConsumed: ${this.pendingUpdates} update(s) still pending after ${timeoutMs} ms ` +
        `(getUpdates calls so far: ${this.byMethod.getUpdates ?? 0}).`,
    );
  }

  /** Resolves once `method` has been called at least `count` times in total (e.g. the bot's first getUpdates). */
  waitForCall(method: string, count = 1, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS): Promise<true> {
    const name = this.handlers.get(method.toLowerCase())?.[0] ?? method;
    return this.wait(
      this.callWaiters,
      () => ((this.byMethod[name] ?? 0) >= count ? true : undefined),
      timeoutMs,
      () =>
        `FakeTelegram.waitForCall: ${name} called ${this.byMethod[name] ?? 0} time(s), expected ${count}.`,
    );
  }

  private wait<T>(
    waiters: Set<Waiter<T>>,
    check: () => T | undefined,
    timeoutMs: number,
    describe: () => string,
  ): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    if (this.stopping) return Promise.reject(new Error('FakeTelegram stopped'));
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        check,
        resolve,
        reject,
        timer: setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(describe()));
        }, timeoutMs),
      };
      waiters.add(waiter);
    });
  }

  private notify<T>(waiters: Set<Waiter<T>>): void {
    for (const waiter of waiters) {
      let value: T | undefined;
      try {
        value = waiter.check();
      } catch (error) {
        waiters.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (value === undefined) continue;
      waiters.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(value);
    }
  }

  private describeSent(): string {
    const lines = [`Sent ${this.sentList.length} message(s)`];
    const shown = this.sentList.slice(-DIAGNOSTIC_LIST_LENGTH);
    if (shown.length < this.sentList.length) lines.push(`  (last ${shown.length} shown)`);
    for (const m of shown) {
      lines.push(
        `  #${m.message_id} to ${m.chat_id}: ${JSON.stringify(truncate(m.text, DIAGNOSTIC_TEXT_LENGTH))}`,
      );
    }
    if (this.recentErrors.length > 0) {
      lines.push('Latest API errors:', ...this.recentErrors.map((e) => `  ${e}`));
    }
    return lines.join('\n');
  }

  // ------------------------------------------------------------------------------------------------------
  // HTTP
  // ------------------------------------------------------------------------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const methodAt = path.indexOf('/', 1);
    if (!path.startsWith('/bot') || methodAt === -1) {
      this.respond(req, res, NOT_FOUND);
      return;
    }
    if (path.slice('/bot'.length, methodAt) !== this.token) {
      this.respond(req, res, UNAUTHORIZED);
      return;
    }
    const methodKey = path.slice(methodAt + 1).toLowerCase();
    const entry = this.handlers.get(methodKey);
    if (entry === undefined && methodKey !== 'getupdates') {
      this.respond(req, res, METHOD_NOT_FOUND);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const params = parseParams(
        req.headers['content-type'],
        chunks,
        queryAt === -1 ? '' : url.slice(queryAt + 1),
      );
      if (params === undefined) {
        this.respond(req, res, BAD_JSON);
        return;
      }
      if (entry === undefined) {
        this.count('getUpdates');
        const reply = this.getUpdates(params, res);
        if (reply !== undefined) this.respond(req, res, reply);
        return;
      }
      this.respond(req, res, this.dispatch(entry[0], entry[1], params));
    });
  }

  private dispatch(name: string, handler: Handler, params: Params): Reply {
    this.count(name);
    const reply = handler(params);
    if (reply !== 'destroy' && reply.description !== undefined) {
      if (reply.status === HTTP_TOO_MANY_REQUESTS) this.rejected429Count++;
      this.recentErrors.push(`${name}: ${reply.status} ${reply.description}`);
      if (this.recentErrors.length > RECENT_ERRORS_KEPT) this.recentErrors.shift();
    }
    return reply;
  }

  private count(name: string): void {
    this.byMethod[name] = (this.byMethod[name] ?? 0) + 1;
    if (this.callWaiters.size > 0) this.notify(this.callWaiters);
  }

  private respond(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
    if (reply === 'destroy') {
      req.socket.destroy();
      return;
    }
    writeReply(res, reply);
  }

  private runWebhookReply(contentType: string | undefined, body: string): void {
    if (contentType?.includes(JSON_CONTENT_TYPE) !== true || body === '') return;
    let payload: unknown;
    try {
      payload = JSON.parse(body);
    } catch {
      return;
    }
    if (!isRecord(payload) || typeof payload.method !== 'string') return;
    const entry = this.handlers.get(payload.method.toLowerCase());
    if (entry !== undefined) this.dispatch(entry[0], entry[1], payload);
  }

  // ------------------------------------------------------------------------------------------------------
  // getUpdates
  // ------------------------------------------------------------------------------------------------------

  /** Answers at once, or holds the request (returns undefined) until an update arrives or the hold ends. */
  private getUpdates(params: Params, res: ServerResponse): Reply | undefined {
    if (this.webhookState !== undefined) return WEBHOOK_ACTIVE;
    this.confirmUpdates(paramInt(params.offset) ?? 0);
    const limit = Math.min(
      Math.max(paramInt(params.limit) ?? GET_UPDATES_MAX_LIMIT, 1),
      GET_UPDATES_MAX_LIMIT,
    );
    // Telegram allows one getUpdates at a time: a new one ends the one being held.
    this.finishHeldPoll(POLL_TERMINATED);
    const batch = this.queue.slice(this.head, this.head + limit);
    const timeoutSeconds = paramInt(params.timeout) ?? 0;
    if (batch.length > 0 || timeoutSeconds <= 0 || this.stopping) return okReply(batch);

    const holdMs = Math.min(timeoutSeconds * MS_PER_SECOND, this.maxPollHoldMs);
    const poll: HeldPoll = {
      res,
      limit,
      timer: setTimeout(() => {
        if (this.held === poll) this.finishHeldPoll(EMPTY_UPDATES);
      }, holdMs),
    };
    this.held = poll;
    res.once('close', () => {
      // The client gave up (telegraf aborts its poll on stop).
      if (this.held !== poll) return;
      clearTimeout(poll.timer);
      this.held = undefined;
    });
    return undefined;
  }

  private confirmUpdates(offset: number): void {
    const before = this.head;
    if (offset > 0) {
      while (this.head < this.queue.length && (this.queue[this.head]?.update_id ?? offset) < offset)
        this.head++;
    } else if (offset < 0) {
      // A negative offset keeps only the last -offset updates; all previous ones are forgotten.
      this.head = Math.max(this.head, this.queue.length + offset);
    }
    if (this.head === before) return;
    if (this.head >= QUEUE_COMPACT_THRESHOLD && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.updateWaiters.size > 0) this.notify(this.updateWaiters);
  }

  private dropPendingUpdates(): void {
    this.queue = [];
    this.head = 0;
    if (this.updateWaiters.size > 0) this.notify(this.updateWaiters);
  }

  private answerHeldPoll(): void {
    const poll = this.held;
    if (poll === undefined) return;
    this.finishHeldPoll(okReply(this.queue.slice(this.head, this.head + poll.limit)));
  }

  private finishHeldPoll(reply: HttpReply): void {
    const poll = this.held;
    if (poll === undefined) return;
    this.held = undefined;
    clearTimeout(poll.timer);
    if (!poll.res.writableEnded && !poll.res.destroyed) writeReply(poll.res, reply);
  }

  private withUpdateId(update: Readonly<Record<string, unknown>>): Update {
    const given = update.update_id;
    const id = typeof given === 'number' && Number.isSafeInteger(given) ? given : this.nextUpdateId;
    this.nextUpdateId = Math.max(this.nextUpdateId, id + 1);
    return { ...update, update_id: id };
  }

  // ------------------------------------------------------------------------------------------------------
  // Webhook and commands
  // ------------------------------------------------------------------------------------------------------

  private deleteWebhook(params: Params): Reply {
    this.webhookState = undefined;
    if (paramBool(params.drop_pending_updates)) this.dropPendingUpdates();
    return TRUE_REPLY;
  }

  private setWebhook(params: Params): Reply {
    const url = paramString(params.url) ?? '';
    const secret = paramString(params.secret_token);
    if (secret !== undefined && !SECRET_TOKEN_PATTERN.test(secret)) return BAD_SECRET_TOKEN;
    if (paramBool(params.drop_pending_updates)) this.dropPendingUpdates();
    if (url === '') {
      this.webhookState = undefined;
      return TRUE_REPLY;
    }
    const registration: {
      url: string;
      secret_token?: string;
      allowed_updates?: unknown;
      max_connections?: number;
    } = { url };
    if (secret !== undefined) registration.secret_token = secret;
    if (params.allowed_updates !== undefined)
      registration.allowed_updates = paramStructured(params.allowed_updates);
    const maxConnections = paramInt(params.max_connections);
    if (maxConnections !== undefined) registration.max_connections = maxConnections;
    this.webhookState = registration;
    return TRUE_REPLY;
  }

  private getWebhookInfo(): Reply {
    const info: Record<string, unknown> = {
      url: this.webhookState?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.pendingUpdates,
    };
    if (this.webhookState?.max_connections !== undefined)
      info.max_connections = this.webhookState.max_connections;
    if (this.webhookState?.allowed_updates !== undefined)
      info.allowed_updates = this.webhookState.allowed_updates;
    return okReply(info);
  }

  private commandScope(params: Params): { scope: Record<string, unknown>; language: string; key: string } {
    const given = paramStructured(params.scope);
    const scope = isRecord(given) ? given : { type: 'default' };
    const language = paramString(params.language_code) ?? '';
    const key = `${String(scope.type)}|${String(scope.chat_id ?? '')}|${String(scope.user_id ?? '')}|${language}`;
    return { scope, language, key };
  }

  private setMyCommands(params: Params): Reply {
    const list = paramStructured(params.commands);
    if (!Array.isArray(list))
      return errorReply(HTTP_BAD_REQUEST, 'Bad Request: parameter "commands" is required');
    if (list.length > MAX_BOT_COMMANDS) return TOO_MANY_COMMANDS;
    const commands: BotCommand[] = [];
    for (const item of list) {
      if (!isRecord(item)) return COMMAND_INVALID;
      const command = paramString(item.command) ?? '';
      const description = paramString(item.description) ?? '';
      if (!BOT_COMMAND_PATTERN.test(command)) return COMMAND_INVALID;
      if (description.trim() === '' || description.length > MAX_COMMAND_DESCRIPTION_LENGTH) {
        return COMMAND_DESCRIPTION_INVALID;
      }
      commands.push({ command, description });
    }
    const { scope, language, key } = this.commandScope(params);
    const scopeChat = paramChatId(scope.chat_id);
    const failed =
      scopeChat === undefined ? undefined : this.injectedFailure('setMyCommands', chatKey(scopeChat));
    if (failed !== undefined) return failed;
    this.commandSets.set(key, { commands, scope, language_code: language });
    return TRUE_REPLY;
  }

  private getMyCommands(params: Params): Reply {
    return okReply(this.commandSets.get(this.commandScope(params).key)?.commands ?? []);
  }

  private deleteMyCommands(params: Params): Reply {
    this.commandSets.delete(this.commandScope(params).key);
    return TRUE_REPLY;
  }

  // ------------------------------------------------------------------------------------------------------
  // Chats and members
  // ------------------------------------------------------------------------------------------------------

  private getChat(params: Params): Reply {
    const chatId = paramChatId(params.chat_id);
    if (chatId === undefined) return CHAT_ID_EMPTY;
    return this.injectedFailure('getChat', chatKey(chatId)) ?? okReply(this.chatFor(chatId));
  }

  private getChatMember(params: Params): Reply {
    const chatId = paramChatId(params.chat_id);
    if (chatId === undefined) return CHAT_ID_EMPTY;
    const userId = paramInt(params.user_id);
    if (userId === undefined || userId <= 0) return INVALID_USER_ID;
    const key = chatKey(chatId);
    const failed = this.injectedFailure('getChatMember', key);
    if (failed !== undefined) return failed;
    const user =
      userId === this.botUser.id ? this.botUser : (this.users.get(userId) ?? defaultUserFor(userId));
    return okReply(this.chatMember(user, this.members.get(`${key}|${userId}`) ?? 'member'));
  }

  private leaveChat(params: Params): Reply {
    const chatId = paramChatId(params.chat_id);
    if (chatId === undefined) return CHAT_ID_EMPTY;
    const failed = this.injectedFailure('leaveChat', chatKey(chatId));
    if (failed !== undefined) return failed;
    this.leftChatList.push(chatId);
    this.setChatMember(chatId, this.botUser.id, 'left');
    return TRUE_REPLY;
  }

  private sendChatAction(params: Params): Reply {
    const chatId = paramChatId(params.chat_id);
    if (chatId === undefined) return CHAT_ID_EMPTY;
    const action = paramString(params.action) ?? '';
    if (!CHAT_ACTIONS.has(action)) return INVALID_ACTION;
    const failed = this.injectedFailure('sendChatAction', chatKey(chatId));
    if (failed !== undefined) return failed;
    this.chatActionList.push({ chat_id: chatId, action });
    return TRUE_REPLY;
  }

  private answerCallbackQuery(params: Params): Reply {
    const id = paramString(params.callback_query_id);
    if (id === undefined || id === '') return QUERY_ID_INVALID;
    this.callbackAnswerList.push(params);
    return TRUE_REPLY;
  }

  private chatMember(user: object, status: ChatMemberStatus): Record<string, unknown> {
    switch (status) {
      case 'creator':
        return { user, status, is_anonymous: false };
      case 'administrator':
        return { user, status, ...ADMIN_RIGHTS };
      case 'restricted':
        return { user, status, ...RESTRICTED_RIGHTS };
      case 'kicked':
        return { user, status, until_date: 0 };
      default:
        return { user, status };
    }
  }

  /** A registered chat, or one inferred from the id: positive → private, -100… → supergroup, else group. */
  private chatFor(chatId: number | string): FakeChat {
    const key = chatKey(chatId);
    const known = this.chats.get(key);
    if (known !== undefined) return known;
    const id = paramInt(chatId);
    if (id === undefined) {
      // An @username: a public channel.
      const chat: FakeChat = {
        id: this.nextSyntheticChatId--,
        type: 'channel',
        title: key,
        username: key.slice(1),
      };
      this.setChat(chat);
      return chat;
    }
    if (id > 0) return { id, type: 'private', first_name: DEFAULT_USER_FIRST_NAME };
    return key.startsWith('-100')
      ? { id, type: 'supergroup', title: 'Test supergroup' }
      : { id, type: 'group', title: 'Test group' };
  }

  private completeChat(chat: SendTextInput['chat'], from: FakeUser | undefined): FakeChat {
    const type = chat.type ?? 'private';
    const full: {
      id: number;
      type: ChatType;
      title?: string;
      username?: string;
      first_name?: string;
      is_forum?: boolean;
    } = { id: chat.id, type };
    if (type === 'private') {
      full.first_name = chat.first_name ?? from?.first_name ?? DEFAULT_USER_FIRST_NAME;
    } else {
      full.title = chat.title ?? (type === 'channel' ? 'Test channel' : 'Test group');
    }
    if (chat.username !== undefined) full.username = chat.username;
    if (chat.is_forum !== undefined) full.is_forum = chat.is_forum;
    this.setChat(full);
    return full;
  }

  private defaultUser(chat: FakeChat): FakeUser {
    if (chat.type === 'private') {
      return (
        this.users.get(chat.id) ?? { id: chat.id, first_name: chat.first_name ?? DEFAULT_USER_FIRST_NAME }
      );
    }
    return this.users.get(DEFAULT_USER_ID) ?? { id: DEFAULT_USER_ID, first_name: DEFAULT_USER_FIRST_NAME };
  }

  private allocateMessageId(chatId: number | string): number {
    const id = this.nextMessageId++;
    this.liveMessages.set(`${chatKey(chatId)}|${id}`, { text: '', parseMode: undefined, markup: '' });
    return id;
  }

  // ------------------------------------------------------------------------------------------------------
  // Messages
  // ------------------------------------------------------------------------------------------------------

  /** Validates text and parse_mode; returns the visible text and entities, or the error reply. */
  private renderText(
    params: Params,
  ):
    | { text: string; parseMode: string | undefined; visible: string; entities: readonly TextEntity[] }
    | HttpReply {
    const text = paramString(params.text);
    if (text === undefined || text === '') return TEXT_EMPTY;
    if (
      text.length * MAX_UTF8_BYTES_PER_UTF16_UNIT > MAX_TEXT_BYTES &&
      Buffer.byteLength(text) > MAX_TEXT_BYTES
    ) {
      return TEXT_TOO_LONG_RAW;
    }
    const parseMode = paramString(params.parse_mode);
    let visible = text;
    let entities: readonly TextEntity[] = [];
    if (parseMode !== undefined && parseMode !== '') {
      const mode = parseMode.toLowerCase();
      if (mode === 'html') {
        const parsed = parseTelegramHtml(text, { strict: this.strictHtml });
        if (!parsed.ok) return errorReply(HTTP_BAD_REQUEST, parsed.description);
        visible = parsed.visible;
        entities = parsed.entities;
      } else if (mode !== 'markdown' && mode !== 'markdownv2') {
        // Markdown modes are accepted but not parsed: the visible text is the raw text.
        return UNSUPPORTED_PARSE_MODE;
      }
    }
    if (visible.trim() === '') return TEXT_EMPTY;
    if (visible.length > MAX_MESSAGE_LENGTH) return MESSAGE_TOO_LONG;
    return { text, parseMode: parseMode === '' ? undefined : parseMode, visible, entities };
  }

  private sendMessage(params: Params): Reply {
    const chatId = paramChatId(params.chat_id);
    if (chatId === undefined) return CHAT_ID_EMPTY;
    const rendered = this.renderText(params);
    if ('status' in rendered) return rendered;
    const key = chatKey(chatId);
    const failed = this.injectedFailure('sendMessage', key) ?? this.everyNthFailure();
    if (failed !== undefined) return failed;
    const now = Date.now();
    const limited = this.rateLimit(key, now);
    if (limited !== undefined) return limited;

    const messageId = this.nextMessageId++;
    const threadId = paramInt(params.message_thread_id);
    const record: {
      -readonly [K in keyof SentMessage]: SentMessage[K];
    } = {
      message_id: messageId,
      chat_id: chatId,
      text: rendered.text,
      visibleText: rendered.visible,
      entities: rendered.entities,
      params,
      at: now,
    };
    if (threadId !== undefined) record.message_thread_id = threadId;
    if (rendered.parseMode !== undefined) record.parse_mode = rendered.parseMode;
    if (params.link_preview_options !== undefined) {
      record.link_preview_options = paramStructured(params.link_preview_options);
    }
    if (params.disable_web_page_preview !== undefined) {
      record.disable_web_page_preview = paramBool(params.disable_web_page_preview);
    }
    if (params.reply_parameters !== undefined)
      record.reply_parameters = paramStructured(params.reply_parameters);
    if (params.reply_markup !== undefined) record.reply_markup = paramStructured(params.reply_markup);

    this.acceptedCount++;
    this.sentCounts.set(key, (this.sentCounts.get(key) ?? 0) + 1);
    if (this.recordSent) {
      this.sentList.push(record);
      const forChat = this.sentByChat.get(key);
      if (forChat === undefined) this.sentByChat.set(key, [record]);
      else forChat.push(record);
      this.liveMessages.set(`${key}|${messageId}`, {
        text: rendered.visible,
        parseMode: rendered.parseMode,
        markup: JSON.stringify(record.reply_markup ?? null),
      });
      if (this.sentWaiters.size > 0) this.notify(this.sentWaiters);
    }

    const message: Record<string, unknown> = {
      message_id: messageId,
      from: this.botUser,
      chat: this.chatFor(chatId),
      date: Math.floor(now / MS_PER_SECOND),
    };
    if (threadId !== undefined) {
      message.message_thread_id = threadId;
      message.is_topic_message = true;
    }
    message.text = rendered.visible;
    if (rendered.entities.length > 0) message.entities = rendered.entities;
    if (record.reply_markup !== undefined) message.reply_markup = record.reply_markup;
    return okReply(message);
  }

  private editMessageText(params: Params): Reply {
    const inlineId = paramString(params.inline_message_id);
    const chatId = paramChatId(params.chat_id);
    const messageId = paramInt(params.message_id);
    if (inlineId === undefined) {
      if (chatId === undefined) return CHAT_ID_EMPTY;
      if (messageId === undefined) return MESSAGE_ID_MISSING;
    }
    const rendered = this.renderText(params);
    if ('status' in rendered) return rendered;
    const now = Date.now();
    const edit: { -readonly [K in keyof EditedMessage]: EditedMessage[K] } = {
      text: rendered.text,
      visibleText: rendered.visible,
      at: now,
    };
    if (rendered.parseMode !== undefined) edit.parse_mode = rendered.parseMode;
    if (inlineId !== undefined) {
      edit.inline_message_id = inlineId;
      this.editList.push(edit);
      return TRUE_REPLY;
    }
    // Both are defined here: checked above when there is no inline message id.
    const chat = chatId as number | string;
    const id = messageId as number;
    const key = chatKey(chat);
    const failed = this.injectedFailure('editMessageText', key);
    if (failed !== undefined) return failed;
    const live = this.liveMessages.get(`${key}|${id}`);
    if (live === undefined) return EDIT_NOT_FOUND;
    const markup = JSON.stringify(paramStructured(params.reply_markup) ?? null);
    if (live.text === rendered.visible && live.parseMode === rendered.parseMode && live.markup === markup) {
      return NOT_MODIFIED;
    }
    live.text = rendered.visible;
    live.parseMode = rendered.parseMode;
    live.markup = markup;
    edit.chat_id = chat;
    edit.message_id = id;
    this.editList.push(edit);
    const message: Record<string, unknown> = {
      message_id: id,
      from: this.botUser,
      chat: this.chatFor(chat),
      date: Math.floor(now / MS_PER_SECOND),
      edit_date: Math.floor(now / MS_PER_SECOND),
      text: rendered.visible,
    };
    if (rendered.entities.length > 0) message.entities = rendered.entities;
    return okReply(message);
  }

  private deleteMessage(params: Params): Reply {
    const chatId = paramChatId(params.chat_id);
    if (chatId === undefined) return CHAT_ID_EMPTY;
    const messageId = paramInt(params.message_id);
    if (messageId === undefined) return MESSAGE_ID_MISSING;
    const key = chatKey(chatId);
    const failed = this.injectedFailure('deleteMessage', key);
    if (failed !== undefined) return failed;
    if (!this.liveMessages.delete(`${key}|${messageId}`)) return DELETE_NOT_FOUND;
    this.deletedList.push({ chat_id: chatId, message_id: messageId });
    return TRUE_REPLY;
  }

  // ------------------------------------------------------------------------------------------------------
  // Failures and limits
  // ------------------------------------------------------------------------------------------------------

  private injectedFailure(method: string, key: string): Reply | undefined {
    if (this.chatFailures.size === 0) return undefined;
    const entry = this.chatFailures.get(key);
    if (entry === undefined) return undefined;
    // Listed methods fail whatever they are; by default, only the methods that name a chat.
    if (entry.methods !== undefined ? !entry.methods.has(method) : !CHAT_METHODS.has(method))
      return undefined;
    entry.remaining--;
    if (entry.remaining <= 0) this.chatFailures.delete(key);
    return failureReply(entry.failure);
  }

  private everyNthFailure(): Reply | undefined {
    const rule = this.everyFailure;
    if (rule === undefined) return undefined;
    if (Date.now() >= rule.untilMs) {
      this.everyFailure = undefined;
      return undefined;
    }
    rule.count++;
    return rule.count % rule.every === 0 ? failureReply(rule.failure) : undefined;
  }

  private rateLimit(key: string, now: number): HttpReply | undefined {
    const { perChatPerSecond, perGroupPerMinute } = this.limits;
    const global = this.globalWindow;
    if (global === undefined && perChatPerSecond === undefined && perGroupPerMinute === undefined)
      return undefined;

    let chatWindow: SlidingWindow | undefined;
    if (perChatPerSecond !== undefined) {
      chatWindow = this.chatWindows.get(key);
      if (chatWindow === undefined) {
        chatWindow = new SlidingWindow(perChatPerSecond, MS_PER_SECOND);
        this.chatWindows.set(key, chatWindow);
      }
    }
    let groupWindow: SlidingWindow | undefined;
    if (perGroupPerMinute !== undefined && key.startsWith('-')) {
      groupWindow = this.groupWindows.get(key);
      if (groupWindow === undefined) {
        groupWindow = new SlidingWindow(perGroupPerMinute, MS_PER_MINUTE);
        this.groupWindows.set(key, groupWindow);
      }
    }
    const waitMs = Math.max(
      global?.waitMs(now) ?? 0,
      chatWindow?.waitMs(now) ?? 0,
      groupWindow?.waitMs(now) ?? 0,
    );
    if (waitMs > 0) return floodReply(Math.max(1, Math.ceil(waitMs / MS_PER_SECOND)));
    global?.record(now);
    chatWindow?.record(now);
    groupWindow?.record(now);
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------------------

function nowSeconds(): number {
  return Math.floor(Date.now() / MS_PER_SECOND);
}

function defaultUserFor(userId: number): FakeUser {
  return { id: userId, is_bot: false, first_name: `User ${userId}` };
}

/** A `bot_command` entity for a leading `/command[@bot]`, as Telegram adds it. */
function commandEntities(text: string): TextEntity[] {
  const match = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{1,64})?/.exec(text);
  return match === null ? [] : [{ type: 'bot_command', offset: 0, length: match[0].length }];
}

function writeReply(res: ServerResponse, reply: HttpReply): void {
  res.writeHead(reply.status, {
    'content-type': reply.contentType,
    'content-length': Buffer.byteLength(reply.body),
  });
  res.end(reply.body);
}

/** Query-string parameters, overridden by the body's (JSON or urlencoded). Undefined for unparsable JSON. */
function parseParams(contentType: string | undefined, chunks: Buffer[], query: string): Params | undefined {
  const params: Params = {};
  if (query !== '') {
    for (const [name, value] of new URLSearchParams(query)) params[name] = value;
  }
  if (chunks.length === 0) return params;
  const body = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded') === true) {
    for (const [name, value] of new URLSearchParams(body)) params[name] = value;
    return params;
  }
  if (contentType === undefined || contentType.includes(JSON_CONTENT_TYPE)) {
    if (body.trim() === '') return params;
    try {
      const parsed: unknown = JSON.parse(body);
      if (!isRecord(parsed)) return undefined;
      return query === '' ? parsed : Object.assign(params, parsed);
    } catch {
      return undefined;
    }
  }
  // Multipart (media uploads) is outside what this fake emulates: only the query string counts.
  return params;
}

import { TelegramError } from 'telegraf';
import type { ChatRef } from '../../core/chat.js';
import type { SendOutcome } from '../../core/sender.js';

/**
 * How long to wait after a 429 that names no `retry_after` — what telegraf's own polling loop waits.
 * @see https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
 */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

const HTTP_BAD_REQUEST = 400;
const HTTP_FORBIDDEN = 403;
const HTTP_TOO_MANY_REQUESTS = 429;
const HTTP_SERVER_ERROR = 500;

/** Socket-level failures worth a retry; node-fetch reports them as a `FetchError` carrying `code`. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

/** What Telegram's `description` says, mapped to an outcome and a reason a reader can understand. */
interface Rule {
  readonly match: RegExp;
  readonly kind: 'gone' | 'forbidden';
  readonly reason: string;
}

/**
 * The descriptions a broadcaster meets, from the Bot API server's source (tdlib/telegram-bot-api
 * `Client.cpp`) and observed bots; the first match wins. Rights come first: Telegram sends them as 400
 * and, for some chats, 403.
 * @see https://github.com/tdlib/telegram-bot-api/blob/master/telegram-bot-api/Client.cpp
 * @see https://core.telegram.org/bots/faq#broadcasting-to-users
 */
const RULES: readonly Rule[] = [
  {
    match: /not enough rights|have no rights|CHAT_WRITE_FORBIDDEN|CHAT_RESTRICTED/i,
    kind: 'forbidden',
    reason: 'the bot may not send messages in this chat (missing rights)',
  },
  { match: /TOPIC_CLOSED/i, kind: 'forbidden', reason: 'the forum topic is closed' },
  { match: /bot was blocked by the user/i, kind: 'gone', reason: 'the bot was blocked by the user' },
  { match: /user is deactivated/i, kind: 'gone', reason: 'the user deleted their account' },
  { match: /bot was kicked/i, kind: 'gone', reason: 'the bot was removed from the chat' },
  { match: /not a member/i, kind: 'gone', reason: 'the bot is not a member of the chat' },
  { match: /chat was deleted|chat was deactivated/i, kind: 'gone', reason: 'the chat was deleted' },
  {
    match: /can't initiate conversation/i,
    kind: 'gone',
    reason: 'the user has not started a chat with the bot',
  },
  { match: /chat not found/i, kind: 'gone', reason: 'the chat was not found' },
  { match: /message thread not found/i, kind: 'gone', reason: 'the forum topic was deleted' },
];

/** Replaces every secret (the bot token) in `text`. */
export function scrub(text: string, secrets: readonly string[]): string {
  return secrets.reduce((t, s) => (s === '' ? t : t.split(s).join('[redacted]')), text);
}

/** Whether Telegram refused a message's HTML (`400 Bad Request: can't parse entities: …`). */
export function isParseEntitiesError(error: unknown): boolean {
  return (
    error instanceof TelegramError &&
    error.code === HTTP_BAD_REQUEST &&
    /can't parse entities/i.test(error.description)
  );
}

function networkCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name, code, errno } = error as { name?: unknown; code?: unknown; errno?: unknown };
  const found = [code, errno].find((c): c is string => typeof c === 'string' && NETWORK_CODES.has(c));
  if (found !== undefined) return found;
  if (name === 'FetchError' || name === 'AbortError') return typeof code === 'string' ? code : String(name);
  return undefined;
}

function telegramOutcome(error: TelegramError, chat: ChatRef, secrets: readonly string[]): SendOutcome {
  const description = scrub(error.description ?? '', secrets);
  const migrateTo = error.parameters?.migrate_to_chat_id;
  if (migrateTo !== undefined) {
    return {
      kind: 'migrated',
      to: {
        platform: 'telegram',
        id: String(migrateTo),
        ...(chat.thread !== undefined && { thread: chat.thread }),
      },
    };
  }
  if (error.code === HTTP_TOO_MANY_REQUESTS) {
    const stated = error.parameters?.retry_after ?? Number(/retry after (\d+)/i.exec(description)?.[1]);
    return {
      kind: 'retryAfter',
      seconds: Number.isFinite(stated) && stated > 0 ? stated : DEFAULT_RETRY_AFTER_SECONDS,
    };
  }
  if (error.code >= HTTP_SERVER_ERROR) {
    return { kind: 'transient', reason: `Telegram server error ${error.code}: ${description}` };
  }
  if (error.code === HTTP_BAD_REQUEST || error.code === HTTP_FORBIDDEN) {
    const rule = RULES.find((r) => r.match.test(description));
    if (rule) return { kind: rule.kind, reason: rule.reason };
    // Any other 403 is Telegram refusing this bot this chat, e.g. "bot can't send messages to bots".
    if (error.code === HTTP_FORBIDDEN) return { kind: 'forbidden', reason: description };
  }
  return { kind: 'transient', reason: `${error.code}: ${description}` };
}

/**
 * The one table from what telegraf throws to a {@link SendOutcome}:
 * - 429 → `retryAfter` (`parameters.retry_after`);
 * - `parameters.migrate_to_chat_id` → `migrated` to the supergroup's id (the forum topic kept);
 * - 403 blocked / kicked / deactivated / not a member / chat deleted / can't initiate, 400 chat not found
 *   → `gone` with a readable reason;
 * - 400/403 not enough rights / have no rights / CHAT_WRITE_FORBIDDEN → `forbidden`;
 * - 5xx, network failures (`FetchError`, ECONNRESET, ECONNREFUSED, ETIMEDOUT…) and anything else → `transient`.
 *
 * Reasons never carry a secret: `secrets` (the bot token) are scrubbed from every text taken from the error.
 * @see https://core.telegram.org/bots/api#making-requests
 */
export function outcomeOfError(error: unknown, chat: ChatRef, secrets: readonly string[] = []): SendOutcome {
  if (error instanceof TelegramError) return telegramOutcome(error, chat, secrets);
  const code = networkCode(error);
  if (code !== undefined) return { kind: 'transient', reason: `network error: ${code}` };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'transient', reason: scrub(message, secrets) };
}

/**
 * A Telegram call that failed, as logs see it: named after the answer (`TelegramApiError[403]`) or the
 * network failure, with the token scrubbed from its message and stack. telegraf's own errors have no
 * `name`, and node-fetch's messages hold the request URL, which holds the token.
 */
export class TelegramCallError extends Error {
  override readonly name: string;
  /** The HTTP status Telegram answered with, when it answered. */
  readonly code: number | undefined;
  /** Telegram's `description`, when it answered. */
  readonly description: string | undefined;

  constructor(error: unknown, secrets: readonly string[]) {
    const message = error instanceof Error ? error.message : String(error);
    super(scrub(message, secrets));
    if (error instanceof TelegramError) {
      this.name = `TelegramApiError[${error.code}]`;
      this.code = error.code;
      this.description = scrub(error.description ?? '', secrets);
    } else {
      const network = networkCode(error);
      this.name = network === undefined ? 'TelegramCallError' : `TelegramNetworkError[${network}]`;
      this.code = undefined;
      this.description = undefined;
    }
    this.stack = `${this.name}: ${this.message}${
      error instanceof Error && error.stack
        ? `\n${scrub(error.stack.split('\n').slice(1).join('\n'), secrets)}`
        : ''
    }`;
  }
}

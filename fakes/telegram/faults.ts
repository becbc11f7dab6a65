/**
 * Injected failures of the fake Telegram Bot API: per chat ({@link Faults.failChat}: blocked, kicked,
 * migrated, flood control, a dropped connection…) or on every n-th send ({@link Faults.failEvery}). Checked
 * after parameter validation, before rate limits.
 */
import {
  errorReply,
  floodReply,
  HTTP_BAD_GATEWAY,
  HTTP_BAD_REQUEST,
  HTTP_FORBIDDEN,
  HTTP_INTERNAL_ERROR,
  type Reply,
} from './replies.js';

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

/** Methods whose calls name a chat, and so can fail through {@link Faults.failChat} by default. */
const CHAT_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'editMessageText',
  'deleteMessage',
  'sendChatAction',
  'getChat',
  'getChatMember',
  'leaveChat',
]);

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

function failureReply(failure: Failure): Reply {
  if (typeof failure === 'string') return NAMED_FAILURES[failure];
  if ('migrateTo' in failure) {
    return errorReply(HTTP_BAD_REQUEST, 'Bad Request: group chat was upgraded to a supergroup chat', {
      migrate_to_chat_id: failure.migrateTo,
    });
  }
  return floodReply(Math.max(1, Math.ceil(failure.retryAfter)));
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

/** The failures currently injected, and the one place that decides whether a call fails. */
export class Faults {
  private readonly chatFailures = new Map<string, ChatFailure>();
  private everyFailure: EveryFailure | undefined;

  /** Makes calls naming the chat `key` fail with `failure`, `times` times (default: until {@link clear}). */
  failChat(key: string, failure: Failure, options: FailChatOptions = {}): void {
    this.chatFailures.set(key, {
      failure,
      remaining: options.times ?? Number.POSITIVE_INFINITY,
      methods: options.methods === undefined ? undefined : new Set(options.methods),
    });
  }

  /** Fails every `n`-th valid sendMessage call (over all chats) with `failure`. */
  failEvery(n: number, failure: Failure, options: FailEveryOptions = {}): void {
    if (!Number.isInteger(n) || n < 1) throw new RangeError('failEvery: n must be a positive integer');
    const untilMs =
      options.untilMs ??
      (options.forMs !== undefined ? Date.now() + options.forMs : Number.POSITIVE_INFINITY);
    this.everyFailure = { every: n, failure, untilMs, count: 0 };
  }

  /** Removes every injected failure (failChat and failEvery). */
  clear(): void {
    this.chatFailures.clear();
    this.everyFailure = undefined;
  }

  /** The reply for a call of `method` naming the chat `key` when a failure is injected for it (counts it). */
  forChat(method: string, key: string): Reply | undefined {
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

  /** The reply for this sendMessage when it is the n-th of a {@link failEvery} rule (counts it). */
  everyNth(): Reply | undefined {
    const rule = this.everyFailure;
    if (rule === undefined) return undefined;
    if (Date.now() >= rule.untilMs) {
      this.everyFailure = undefined;
      return undefined;
    }
    rule.count++;
    return rule.count % rule.every === 0 ? failureReply(rule.failure) : undefined;
  }
}

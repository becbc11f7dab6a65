/**
 * The public data types of the fake Telegram Bot API: chats, users, what the bot sent, and the inputs of the
 * update builders. The types of the fault, limit and HTML concerns live beside them (faults.ts, limits.ts,
 * html.ts); `index.ts` re-exports all of them.
 */
import type { RateLimits } from './limits.js';

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
  /**
   * The bot message the button belongs to; when the bot sent it, the press carries its current text
   * and `reply_markup`, as Telegram's does. Default: a new message id.
   */
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

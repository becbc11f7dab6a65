/**
 * A small, explicit fake of Discord's REST API (v10) and gateway, good enough for a real discord.js
 * 14.28.1 `Client` to log in, become ready, receive interactions and send messages.
 *
 * One `node:http` server on 127.0.0.1 (port 0) serves REST under `/api/v10/…` and upgrades WebSocket
 * connections to a JSON, uncompressed gateway (discord.js only asks for zlib when `zlib-sync` is
 * installed). What it emulates, and nothing more:
 * - gateway: HELLO, IDENTIFY → READY + one GUILD_CREATE per guild, HEARTBEAT → ACK, RESUME of a
 *   dropped session → missed dispatches + RESUMED (else INVALID_SESSION(false)), REQUEST_GUILD_MEMBERS
 *   → one empty chunk, and {@link FakeDiscord.dispatch};
 * - REST: `GET /gateway/bot`, `GET /users/@me`, `POST /users/@me/channels`, `GET /channels/:id`,
 *   `POST /channels/:id/messages`, `GET|PUT` global and guild application commands, interaction
 *   callbacks and the interaction webhook (`POST`, `GET|PATCH|DELETE messages/:id`);
 * - Discord's message, embed, command and modal limits (400 50035 / 50006), `enforce_nonce`, channel
 *   permissions of the bot (403 50001 / 50013), the per-channel message bucket and the global limit
 *   with real `x-ratelimit-*` headers, and injected failures.
 * Any other route answers 404 and is listed in {@link FakeDiscord.unmatchedRequests}.
 *
 * Fast by design: O(1) work per request, nothing logged; waiting helpers are bounded by timeouts
 * (real timers — do not use them under vitest fake timers).
 *
 * @see https://discord.com/developers/docs/topics/gateway
 * @see /work/shared/PLATFORM.md §6–§10
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIAllowedMentions, APIEmbed } from 'discord.js';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';

// ---------------------------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------------------------

const API_PREFIX = '/api/v10/';
const DISCORD_EPOCH = 1_420_070_400_000n;
/** Discord's usual HELLO interval; discord.js sends its first beat after `interval * random()`. */
const DEFAULT_HEARTBEAT_INTERVAL_MS = 41_250;
const DEFAULT_APPLICATION_ID = '900000000000000001';
const DEFAULT_OWNER_ID = '100000000000000001';
const DEFAULT_BOT_USERNAME = 'briefcast-fake';
const DEFAULT_LOCALE = 'en-US';
/** Per-channel message bucket as Discord applies it (5 per 5 s), and its documented 50/s global limit. */
const DEFAULT_CHANNEL_LIMIT = 5;
const DEFAULT_CHANNEL_WINDOW_MS = 5_000;
const DEFAULT_GLOBAL_PER_SECOND = 50;
const GLOBAL_WINDOW_MS = 1_000;
const MESSAGE_BUCKET_HASH = 'fake0channel0messages';
/** `enforce_nonce` dedupes "in the past few minutes" (message.mdx); the exact window is not published. */
const NONCE_WINDOW_MS = 5 * 60_000;
/** "You must send an initial response within 3 seconds" (receiving-and-responding.mdx). */
const INTERACTION_DEADLINE_MS = 3_000;
const DEFAULT_WAIT_MS = 3_000;
/** Dispatches kept for a dropped session to replay on RESUME; beyond this it must identify again. */
const MAX_MISSED_DISPATCHES = 1_000;
const DEFAULT_READY_WAIT_MS = 5_000;
const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

/** Discord's documented payload limits (message.mdx, application-commands.mdx, components reference). */
const LIMIT = {
  content: 2000,
  embeds: 10,
  embedTitle: 256,
  embedDescription: 4096,
  embedFields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footerText: 2048,
  authorName: 256,
  embedTotal: 6000,
  nonce: 25,
  commandName: 32,
  commandDescription: 100,
  chatInputCommands: 100,
  contextMenuCommands: 15,
  options: 25,
  choices: 25,
  choiceName: 100,
  choiceStringValue: 100,
  customId: 100,
  modalTitle: 45,
  modalComponents: 5,
} as const;

const OP = {
  dispatch: 0,
  heartbeat: 1,
  identify: 2,
  resume: 6,
  requestGuildMembers: 8,
  invalidSession: 9,
  hello: 10,
  heartbeatAck: 11,
} as const;

const INTERACTION_TYPE = { command: 2, autocomplete: 4, modal: 5 } as const;

const CALLBACK = {
  pong: 1,
  message: 4,
  deferredMessage: 5,
  deferredUpdate: 6,
  updateMessage: 7,
  autocompleteResult: 8,
  modal: 9,
} as const;
const KNOWN_CALLBACK_TYPES: ReadonlySet<number> = new Set(Object.values(CALLBACK));

const CHANNEL_TYPE = {
  guildText: 0,
  dm: 1,
  announcementThread: 10,
  publicThread: 11,
  privateThread: 12,
} as const;
const THREAD_TYPES: ReadonlySet<number> = new Set([
  CHANNEL_TYPE.announcementThread,
  CHANNEL_TYPE.publicThread,
  CHANNEL_TYPE.privateThread,
]);

const OPTION_TYPE = {
  subcommand: 1,
  subcommandGroup: 2,
  string: 3,
  integer: 4,
  boolean: 5,
  user: 6,
  channel: 7,
  role: 8,
  mentionable: 9,
  number: 10,
  attachment: 11,
} as const;

const COMMAND_TYPE = { chatInput: 1, user: 2, message: 3, primaryEntryPoint: 4 } as const;

const MESSAGE_FLAG = { ephemeral: 64, loading: 128 } as const;

/** Permission bits used by the fake (https://discord.com/developers/docs/topics/permissions). */
export const PERMISSION = {
  administrator: 1n << 3n,
  manageChannels: 1n << 4n,
  manageGuild: 1n << 5n,
  addReactions: 1n << 6n,
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  embedLinks: 1n << 14n,
  attachFiles: 1n << 15n,
  readMessageHistory: 1n << 16n,
  mentionEveryone: 1n << 17n,
  useApplicationCommands: 1n << 31n,
  sendMessagesInThreads: 1n << 38n,
} as const;

/** What `@everyone` (and so the bot and an ordinary member) may do unless told otherwise. */
export const DEFAULT_PERMISSIONS =
  PERMISSION.viewChannel |
  PERMISSION.sendMessages |
  PERMISSION.embedLinks |
  PERMISSION.attachFiles |
  PERMISSION.readMessageHistory |
  PERMISSION.addReactions |
  PERMISSION.useApplicationCommands |
  PERMISSION.sendMessagesInThreads;

/** Every permission bit: what Discord computes for a guild owner or an administrator. */
export const ALL_PERMISSIONS = (1n << 53n) - 1n;

/** JSON error bodies Discord sends for the failures the fake can inject or produce. */
const API_ERROR = {
  unknown_channel: { status: 404, code: 10003, message: 'Unknown Channel' },
  unknown_guild: { status: 404, code: 10004, message: 'Unknown Guild' },
  unknown_message: { status: 404, code: 10008, message: 'Unknown Message' },
  unknown_webhook: { status: 404, code: 10015, message: 'Unknown Webhook' },
  unknown_interaction: { status: 404, code: 10062, message: 'Unknown interaction' },
  missing_access: { status: 403, code: 50001, message: 'Missing Access' },
  cannot_dm: { status: 403, code: 50007, message: 'Cannot send messages to this user' },
  missing_permissions: { status: 403, code: 50013, message: 'Missing Permissions' },
  empty_message: { status: 400, code: 50006, message: 'Cannot send an empty message' },
  already_acknowledged: { status: 400, code: 40060, message: 'Interaction has already been acknowledged.' },
  invalid_json: { status: 400, code: 50109, message: 'The request body contains invalid JSON.' },
} as const;

type ApiErrorName = keyof typeof API_ERROR;

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** A channel of a {@link FakeGuild}. */
export interface FakeChannel {
  id: string;
  name: string;
  /** 0 text (default), 11 public thread (any Discord channel type is accepted). */
  type?: number;
  /** The parent text channel of a thread, or the category of a channel. */
  parent_id?: string;
  /** Permission bits denied to the bot in this channel (a permission overwrite), decimal string. */
  botDeny?: string;
}

/** A guild the bot is in when it connects. */
export interface FakeGuild {
  id: string;
  name: string;
  channels: FakeChannel[];
  /** Guild owner; an interaction from the owner gets every permission. */
  ownerId?: string;
  /** Permissions of `@everyone`, which the bot and members get; decimal string, default {@link DEFAULT_PERMISSIONS}. */
  everyonePermissions?: string;
}

/** Options of {@link FakeDiscord}. */
export interface FakeDiscordOptions {
  /** @defaultValue `'900000000000000001'` */
  applicationId?: string;
  /** @defaultValue the application id (as for every bot created since 2020) */
  botUserId?: string;
  /** @defaultValue `'briefcast-fake'` */
  botUsername?: string;
  guilds?: FakeGuild[];
  /** Rate limits to emulate; absent = no limits and no `x-ratelimit-*` headers. */
  limits?: {
    /** @defaultValue 50 */
    globalPerSecond?: number;
    /** @defaultValue 5 */
    channelPerFiveSeconds?: number;
    /** Length of the per-channel window; shorten it in tests. @defaultValue 5000 */
    channelWindowMs?: number;
  };
  /** @defaultValue 41250 */
  heartbeatIntervalMs?: number;
  /** Answer interaction callbacks later than 3 s with 404 10062 like Discord. @defaultValue false */
  enforceInteractionDeadline?: boolean;
}

/** A failure {@link FakeDiscord.failChannel} / {@link FakeDiscord.failEvery} can inject. */
export type FakeFailure =
  | 'unknown_channel'
  | 'unknown_guild'
  | 'missing_access'
  | 'missing_permissions'
  | 'cannot_dm'
  /** HTTP 500 with a JSON body. */
  | 'server_error'
  /** HTTP 502 with an HTML body, as Cloudflare sends it. */
  | 'bad_gateway'
  /** The TCP connection is reset before any response. */
  | 'network'
  | {
      rateLimit: {
        retryAfterSeconds: number;
        global?: boolean;
        /** @defaultValue `'global'` when global, otherwise `'user'` */
        scope?: 'user' | 'global' | 'shared';
      };
    };

/** The IDENTIFY payload the client sent (the token is not kept). */
export interface IdentifyRecord {
  intents: number;
  shard: readonly [number, number] | null;
  compress: boolean;
  large_threshold: number | null;
  properties: Record<string, unknown>;
}

/** Message fields as a client sent them (create, edit, interaction reply or follow-up). */
export interface FakeMessageBody {
  content?: string;
  embeds?: APIEmbed[];
  flags?: number;
  allowed_mentions?: APIAllowedMentions;
  nonce?: string | number;
  enforce_nonce?: boolean;
  tts?: boolean;
  components?: unknown[];
  [key: string]: unknown;
}

/** A message the bot created with `POST /channels/:id/messages`. */
export interface RecordedMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: APIEmbed[];
  nonce: string | number | null;
  enforce_nonce: boolean;
  allowed_mentions: APIAllowedMentions | null;
  /** Whether Discord would ping @everyone/@here: the text is there and `allowed_mentions` allows it. */
  mention_everyone: boolean;
  /** `Date.now()` when the fake accepted it. */
  at: number;
}

/** An autocomplete choice. */
export interface FakeChoice {
  name: string;
  value: string | number;
  [key: string]: unknown;
}

/** The data of an interaction callback, as received. */
export interface InteractionCallbackData extends FakeMessageBody {
  choices?: FakeChoice[];
  custom_id?: string;
  title?: string;
}

/** One `POST /interactions/:id/:token/callback` body. */
export interface InteractionCallback {
  type: number;
  data?: InteractionCallbackData;
}

/** What the user finally sees for an interaction; see {@link InteractionRecord.settled}. */
export interface SettledAnswer {
  kind: 'message' | 'modal' | 'autocomplete';
  ephemeral: boolean;
  content?: string;
  embeds?: APIEmbed[];
  flags?: number;
  allowed_mentions?: APIAllowedMentions;
  choices?: FakeChoice[];
  modal?: { custom_id: string; title: string; components: unknown[] };
}

/** A command option value for {@link InteractOptions.options}: a JS value, or an explicit option type. */
export type FakeOptionValue = string | number | boolean | { type: number; value: string | number | boolean };

/** What {@link FakeDiscord.interact} should send. */
export interface InteractOptions {
  kind: 'command' | 'autocomplete' | 'modal';
  /** Command name (command and autocomplete). */
  name?: string;
  subcommandGroup?: string;
  subcommand?: string;
  /**
   * Option values by name. The type comes from the registered command when there is one, else
   * string → 3, integer → 4, other number → 10, boolean → 5.
   */
  options?: Record<string, FakeOptionValue>;
  /** Autocomplete: the option being typed; default the last option. */
  focused?: string;
  /** Modal: the modal's custom id. */
  customId?: string;
  /** Modal: text input values by custom id. */
  fields?: Record<string, string>;
  /** Default: the guild of `channelId`. */
  guildId?: string;
  channelId: string;
  user: { id: string; username: string };
  /** The member's permissions in the channel, decimal string; default owner → all, else `@everyone`'s. */
  permissions?: string;
  /** The bot's permissions in the channel; default computed from the guild and channel. */
  appPermissions?: string;
  /** @defaultValue `'en-US'` */
  locale?: string;
  /** A DM with the bot (the channel is registered as the user's DM channel if it is not yet). */
  dm?: boolean;
}

/** Request counters since start. */
export interface FakeDiscordStats {
  /** Requests answered 2xx. */
  accepted: number;
  /** Requests answered 429 (emulated limits and injected). */
  rejected429: number;
  /** Requests answered with another error, or reset. */
  failed: number;
  /** Requests by route, e.g. `'POST /channels/:id/messages'`. */
  byRoute: Record<string, number>;
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

type JsonRecord = Record<string, unknown>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hasFlag(flags: unknown, flag: number): boolean {
  return typeof flags === 'number' && (flags & flag) === flag;
}

function isoNow(now = Date.now()): string {
  return new Date(now).toISOString();
}

/** A set of waiters re-checked whenever something they may wait for happened. */
class Signal {
  private readonly listeners = new Set<() => void>();

  notify(): void {
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) listener();
  }

  wait<T>(check: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const ready = check();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<T>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (): void => {
        let value: T | undefined;
        try {
          value = check();
        } catch (error) {
          cleanup();
          reject(error);
          return;
        }
        if (value !== undefined) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`FakeDiscord: timed out after ${timeoutMs} ms waiting for ${describe()}`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }
}

/** Accumulates Discord's nested form errors: `{ embeds: { 0: { title: { _errors: [...] } } } }`. */
class FormErrors {
  readonly tree: JsonRecord = {};
  count = 0;

  add(path: readonly (string | number)[], code: string, message: string): void {
    let node = this.tree;
    for (const key of path) {
      const existing = node[String(key)];
      if (isRecord(existing)) {
        node = existing;
      } else {
        const next: JsonRecord = {};
        node[String(key)] = next;
        node = next;
      }
    }
    const list = node._errors;
    if (Array.isArray(list)) list.push({ code, message });
    else node._errors = [{ code, message }];
    this.count++;
  }

  maxLength(path: readonly (string | number)[], max: number): void {
    this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }

  badLength(path: readonly (string | number)[], min: number, max: number): void {
    this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
  }

  reply(): ApiReply | undefined {
    if (this.count === 0) return undefined;
    return { status: 400, body: { code: 50035, message: 'Invalid Form Body', errors: this.tree } };
  }
}

/** A validated value, or the 4xx answer explaining why it is invalid. */
type Checked<T> = { ok: true; value: T } | { ok: false; reply: ApiReply };

function invalid(reply: ApiReply): { ok: false; reply: ApiReply } {
  return { ok: false, reply };
}

/** What a route handler answers. `reset` destroys the connection instead. */
interface ApiReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  reset?: boolean;
}

function apiError(name: ApiErrorName): ApiReply {
  const { status, code, message } = API_ERROR[name];
  return { status, body: { message, code } };
}

function failureReply(failure: FakeFailure, bucket: BucketInfo, now: number): ApiReply {
  if (typeof failure === 'object') {
    const { retryAfterSeconds, global = false } = failure.rateLimit;
    const scope = failure.rateLimit.scope ?? (global ? 'global' : 'user');
    return rateLimitReply(retryAfterSeconds, global, scope, bucket, now);
  }
  switch (failure) {
    case 'server_error':
      return { status: 500, body: { message: '500: Internal Server Error', code: 0 } };
    case 'bad_gateway':
      return {
        status: 502,
        body: '<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>',
        headers: { 'content-type': 'text/html' },
      };
    case 'network':
      return { status: 0, reset: true };
    default:
      return apiError(failure);
  }
}

/** The route's bucket as `x-ratelimit-*` headers name it. */
interface BucketInfo {
  hash: string;
  limit: number;
}

/**
 * A 429 as Discord sends it. Its bucket headers say `remaining: 0` until the retry time, so
 * @discordjs/rest waits `retryAfterSeconds` (a later bucket reset would make it wait for that instead).
 */
function rateLimitReply(
  retryAfterSeconds: number,
  global: boolean,
  scope: string,
  bucket: BucketInfo,
  now: number,
): ApiReply {
  const headers: Record<string, string> = {
    ...bucketHeaders(bucket, 0, retryAfterSeconds * 1000, now),
    'retry-after': String(retryAfterSeconds),
    'x-ratelimit-scope': scope,
  };
  if (global) headers['x-ratelimit-global'] = 'true';
  return {
    status: 429,
    body: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global },
    headers,
  };
}

/** Fixed-window counter (O(1)): `limit` requests per `windowMs`. */
interface RateWindow {
  start: number;
  count: number;
}

function takeSlot(
  window: RateWindow,
  limit: number,
  windowMs: number,
  now: number,
): { ok: boolean; remaining: number; resetAfterMs: number } {
  if (now - window.start >= windowMs) {
    window.start = now;
    window.count = 0;
  }
  const resetAfterMs = window.start + windowMs - now;
  if (window.count >= limit) return { ok: false, remaining: 0, resetAfterMs };
  window.count++;
  return { ok: true, remaining: limit - window.count, resetAfterMs };
}

function bucketHeaders(
  bucket: BucketInfo,
  remaining: number,
  resetAfterMs: number,
  now: number,
): Record<string, string> {
  return {
    'x-ratelimit-limit': String(bucket.limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': ((now + resetAfterMs) / 1000).toFixed(3),
    'x-ratelimit-reset-after': (resetAfterMs / 1000).toFixed(3),
    'x-ratelimit-bucket': bucket.hash,
  };
}

// ---------------------------------------------------------------------------------------------
// Validation (pure)
// ---------------------------------------------------------------------------------------------

function checkText(
  errors: FormErrors,
  path: readonly (string | number)[],
  value: unknown,
  max: number,
  required = false,
): number {
  if (value === undefined || value === null) {
    if (required) errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return 0;
  }
  if (typeof value !== 'string') {
    errors.add(path, 'BASE_TYPE_STRING', 'Must be a string.');
    return 0;
  }
  if (required && (value.length === 0 || value.length > max)) errors.badLength(path, 1, max);
  else if (value.length > max) errors.maxLength(path, max);
  return value.length;
}

function checkEmbeds(errors: FormErrors, embeds: unknown): void {
  if (!Array.isArray(embeds)) {
    errors.add(['embeds'], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
    return;
  }
  if (embeds.length > LIMIT.embeds) errors.maxLength(['embeds'], LIMIT.embeds);
  let total = 0;
  embeds.forEach((embed: unknown, i) => {
    if (!isRecord(embed)) {
      errors.add(['embeds', i], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    total += checkText(errors, ['embeds', i, 'title'], embed.title, LIMIT.embedTitle);
    total += checkText(errors, ['embeds', i, 'description'], embed.description, LIMIT.embedDescription);
    if (isRecord(embed.footer)) {
      total += checkText(errors, ['embeds', i, 'footer', 'text'], embed.footer.text, LIMIT.footerText, true);
    }
    if (isRecord(embed.author)) {
      total += checkText(errors, ['embeds', i, 'author', 'name'], embed.author.name, LIMIT.authorName, true);
    }
    const fields = embed.fields;
    if (fields === undefined) return;
    if (!Array.isArray(fields)) {
      errors.add(['embeds', i, 'fields'], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
      return;
    }
    if (fields.length > LIMIT.embedFields) errors.maxLength(['embeds', i, 'fields'], LIMIT.embedFields);
    fields.forEach((field: unknown, j) => {
      const at = ['embeds', i, 'fields', j];
      if (!isRecord(field)) {
        errors.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
        return;
      }
      total += checkText(errors, [...at, 'name'], field.name, LIMIT.fieldName, true);
      total += checkText(errors, [...at, 'value'], field.value, LIMIT.fieldValue, true);
    });
  });
  if (total > LIMIT.embedTotal) {
    errors.add(
      ['embeds'],
      'MAX_EMBED_SIZE_EXCEEDED',
      `Embed size exceeds maximum size of ${LIMIT.embedTotal}`,
    );
  }
}

const MENTION_TYPES: ReadonlySet<unknown> = new Set(['users', 'roles', 'everyone']);

function checkAllowedMentions(errors: FormErrors, value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) {
    errors.add(['allowed_mentions'], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return;
  }
  const parse = value.parse;
  if (parse === undefined) return;
  if (!Array.isArray(parse) || parse.some((entry) => !MENTION_TYPES.has(entry))) {
    errors.add(
      ['allowed_mentions', 'parse'],
      'BASE_TYPE_CHOICES',
      'Value must be one of users, roles, everyone.',
    );
    return;
  }
  for (const kind of ['users', 'roles'] as const) {
    if (parse.includes(kind) && Array.isArray(value[kind]) && value[kind].length > 0) {
      errors.add(
        ['allowed_mentions'],
        'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
        `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
      );
    }
  }
}

/**
 * Validates a message body against Discord's limits; returns the 400 answer or the typed body.
 * `create` = a new message (must not be empty), otherwise an edit.
 */
function validateMessage(body: unknown, create: boolean): Checked<FakeMessageBody> {
  if (!isRecord(body)) return invalid(apiError(create ? 'empty_message' : 'invalid_json'));
  const errors = new FormErrors();
  checkText(errors, ['content'], body.content, LIMIT.content);
  if (body.embeds !== undefined && body.embeds !== null) checkEmbeds(errors, body.embeds);
  checkAllowedMentions(errors, body.allowed_mentions);
  const nonce = body.nonce;
  if (nonce !== undefined && nonce !== null) {
    if (typeof nonce === 'string') {
      if (nonce.length > LIMIT.nonce) errors.maxLength(['nonce'], LIMIT.nonce);
    } else if (!Number.isSafeInteger(nonce)) {
      errors.add(['nonce'], 'BASE_TYPE_STRING', 'Must be a string or an integer.');
    }
  }
  if (body.flags !== undefined && body.flags !== null && !Number.isInteger(body.flags)) {
    errors.add(['flags'], 'NUMBER_TYPE_COERCE', 'Value is not int.');
  }
  const formError = errors.reply();
  if (formError) return invalid(formError);
  if (create && isEmptyMessage(body)) return invalid(apiError('empty_message'));
  return { ok: true, value: body as FakeMessageBody };
}

function nonEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function isEmptyMessage(body: JsonRecord): boolean {
  const content = typeof body.content === 'string' ? body.content.trim() : '';
  return (
    content.length === 0 &&
    !nonEmptyArray(body.embeds) &&
    !nonEmptyArray(body.components) &&
    !nonEmptyArray(body.sticker_ids) &&
    !nonEmptyArray(body.attachments) &&
    !isRecord(body.poll)
  );
}

/** CHAT_INPUT names: `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`, lowercase where possible. */
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkChatInputName(errors: FormErrors, path: readonly (string | number)[], name: unknown): void {
  if (typeof name !== 'string') {
    errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
  } else if (!CHAT_INPUT_NAME.test(name)) {
    errors.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  } else if (name !== name.toLowerCase()) {
    errors.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name must be lowercase');
  }
}

const CHOICE_TYPES: ReadonlySet<unknown> = new Set([
  OPTION_TYPE.string,
  OPTION_TYPE.integer,
  OPTION_TYPE.number,
]);

function checkOptions(
  errors: FormErrors,
  path: readonly (string | number)[],
  options: unknown,
  level: 'command' | 'group' | 'subcommand',
): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) {
    errors.add(path, 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
    return;
  }
  if (options.length > LIMIT.options) errors.maxLength(path, LIMIT.options);
  const names = new Set<string>();
  let sawOptional = false;
  let sawSubcommand = false;
  let sawValue = false;
  options.forEach((option: unknown, i) => {
    const at = [...path, i];
    if (!isRecord(option)) {
      errors.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    const type = option.type;
    if (typeof type !== 'number' || type < OPTION_TYPE.subcommand || type > OPTION_TYPE.attachment) {
      errors.add([...at, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of 1..11.');
      return;
    }
    checkChatInputName(errors, [...at, 'name'], option.name);
    checkText(errors, [...at, 'description'], option.description, LIMIT.commandDescription, true);
    if (typeof option.name === 'string') {
      if (names.has(option.name)) {
        errors.add(
          [...at, 'name'],
          'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS',
          'Option names must be unique',
        );
      }
      names.add(option.name);
    }
    const nested = type === OPTION_TYPE.subcommand || type === OPTION_TYPE.subcommandGroup;
    if (nested) {
      sawSubcommand = true;
      if (level === 'subcommand' || (level === 'group' && type === OPTION_TYPE.subcommandGroup)) {
        errors.add(
          [...at, 'type'],
          'APPLICATION_COMMAND_OPTION_TYPE_INVALID',
          'Sub-command nesting is invalid',
        );
      }
      checkOptions(
        errors,
        [...at, 'options'],
        option.options,
        type === OPTION_TYPE.subcommandGroup ? 'group' : 'subcommand',
      );
      return;
    }
    sawValue = true;
    if (level === 'group') {
      errors.add(
        [...at, 'type'],
        'APPLICATION_COMMAND_OPTION_TYPE_INVALID',
        'A group may only hold sub-commands',
      );
    }
    if (option.required === true) {
      if (sawOptional) {
        errors.add(
          [...at, 'required'],
          'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
          'Required options must be placed before non-required options',
        );
      }
    } else {
      sawOptional = true;
    }
    const choices = option.choices;
    if (choices !== undefined && choices !== null) {
      if (!CHOICE_TYPES.has(type)) {
        errors.add(
          [...at, 'choices'],
          'APPLICATION_COMMAND_OPTION_CHOICES_INVALID',
          'Choices are not allowed here',
        );
      } else if (!Array.isArray(choices)) {
        errors.add([...at, 'choices'], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
      } else {
        if (choices.length > LIMIT.choices) errors.maxLength([...at, 'choices'], LIMIT.choices);
        if (option.autocomplete === true && choices.length > 0) {
          errors.add(
            [...at, 'autocomplete'],
            'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES',
            'Autocomplete cannot be set with choices',
          );
        }
        choices.forEach((choice: unknown, j) => {
          const cat = [...at, 'choices', j];
          if (!isRecord(choice)) {
            errors.add(cat, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
            return;
          }
          checkText(errors, [...cat, 'name'], choice.name, LIMIT.choiceName, true);
          if (type === OPTION_TYPE.string) {
            checkText(errors, [...cat, 'value'], choice.value, LIMIT.choiceStringValue, true);
          } else if (typeof choice.value !== 'number') {
            errors.add([...cat, 'value'], 'NUMBER_TYPE_COERCE', 'Value is not a number.');
          }
        });
      }
    }
    if (option.autocomplete === true && !CHOICE_TYPES.has(type)) {
      errors.add(
        [...at, 'autocomplete'],
        'APPLICATION_COMMAND_OPTION_TYPE_INVALID',
        'Autocomplete is not allowed here',
      );
    }
  });
  if (sawSubcommand && sawValue) {
    errors.add(
      path,
      'APPLICATION_COMMAND_OPTION_TYPE_INVALID',
      'Sub-commands cannot be mixed with other options',
    );
  }
}

/** An application command definition as PUT by the client (after validation). */
export interface CommandDefinition {
  name: string;
  description?: string;
  type?: number;
  options?: CommandOptionDefinition[];
  default_member_permissions?: string | null;
  [key: string]: unknown;
}

/** One option of a {@link CommandDefinition}. */
export interface CommandOptionDefinition {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: FakeChoice[];
  options?: CommandOptionDefinition[];
  [key: string]: unknown;
}

/** A command as the fake stored and returned it. */
export interface RegisteredCommand extends CommandDefinition {
  id: string;
  application_id: string;
  version: string;
  type: number;
  description: string;
  default_member_permissions: string | null;
  guild_id?: string;
}

/** Validates a bulk-overwrite body against Discord's command rules. */
function validateCommands(body: unknown): Checked<CommandDefinition[]> {
  const errors = new FormErrors();
  if (!Array.isArray(body)) {
    errors.add([], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
    return invalid(errors.reply() ?? { status: 400 });
  }
  const seen = new Set<string>();
  const perType = new Map<number, number>();
  body.forEach((command: unknown, i) => {
    if (!isRecord(command)) {
      errors.add([i], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    const type = command.type ?? COMMAND_TYPE.chatInput;
    if (typeof type !== 'number' || type < COMMAND_TYPE.chatInput || type > COMMAND_TYPE.primaryEntryPoint) {
      errors.add([i, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of 1, 2, 3, 4.');
      return;
    }
    perType.set(type, (perType.get(type) ?? 0) + 1);
    if (type === COMMAND_TYPE.chatInput) {
      checkChatInputName(errors, [i, 'name'], command.name);
      checkText(errors, [i, 'description'], command.description, LIMIT.commandDescription, true);
      checkOptions(errors, [i, 'options'], command.options, 'command');
    } else {
      checkText(errors, [i, 'name'], command.name, LIMIT.commandName, true);
      if (typeof command.description === 'string' && command.description.length > 0) {
        errors.add(
          [i, 'description'],
          'APPLICATION_COMMAND_DESCRIPTION_INVALID',
          'Context menu commands have no description',
        );
      }
    }
    const key = `${type}:${String(command.name)}`;
    if (seen.has(key)) {
      errors.add(
        [i, 'name'],
        'APPLICATION_COMMANDS_DUPLICATE_NAME',
        'Application command names must be unique',
      );
    }
    seen.add(key);
  });
  if ((perType.get(COMMAND_TYPE.chatInput) ?? 0) > LIMIT.chatInputCommands) {
    errors.maxLength([], LIMIT.chatInputCommands);
  }
  for (const type of [COMMAND_TYPE.user, COMMAND_TYPE.message]) {
    if ((perType.get(type) ?? 0) > LIMIT.contextMenuCommands) errors.maxLength([], LIMIT.contextMenuCommands);
  }
  const formError = errors.reply();
  return formError ? invalid(formError) : { ok: true, value: body as CommandDefinition[] };
}

function validateCallback(
  body: unknown,
  interactionKind: InteractOptions['kind'],
): Checked<InteractionCallback> {
  const errors = new FormErrors();
  if (!isRecord(body) || typeof body.type !== 'number' || !KNOWN_CALLBACK_TYPES.has(body.type)) {
    errors.add(['type'], 'BASE_TYPE_CHOICES', 'Value must be one of 1, 4, 5, 6, 7, 8, 9.');
    return invalid(errors.reply() ?? { status: 400 });
  }
  const type = body.type;
  const data = body.data;
  const isAutocomplete = interactionKind === 'autocomplete';
  if (isAutocomplete !== (type === CALLBACK.autocompleteResult)) {
    errors.add(
      ['type'],
      'INTERACTION_RESPONSE_TYPE_INVALID',
      'Interaction response type is invalid for this interaction',
    );
  } else if (type === CALLBACK.modal && interactionKind === 'modal') {
    errors.add(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', 'A modal cannot answer a modal submit');
  }
  if (type === CALLBACK.message || type === CALLBACK.updateMessage) {
    const checked = validateMessage(data, type === CALLBACK.message);
    if (!checked.ok) return checked;
  } else if (type === CALLBACK.autocompleteResult) {
    const choices = isRecord(data) ? data.choices : undefined;
    if (!Array.isArray(choices)) {
      errors.add(['data', 'choices'], 'BASE_TYPE_REQUIRED', 'This field is required');
    } else {
      if (choices.length > LIMIT.choices) errors.maxLength(['data', 'choices'], LIMIT.choices);
      choices.forEach((choice: unknown, i) => {
        checkText(
          errors,
          ['data', 'choices', i, 'name'],
          isRecord(choice) ? choice.name : undefined,
          LIMIT.choiceName,
          true,
        );
      });
    }
  } else if (type === CALLBACK.modal) {
    const modal = isRecord(data) ? data : {};
    checkText(errors, ['data', 'custom_id'], modal.custom_id, LIMIT.customId, true);
    checkText(errors, ['data', 'title'], modal.title, LIMIT.modalTitle, true);
    const components = modal.components;
    if (!Array.isArray(components) || components.length === 0) {
      errors.badLength(['data', 'components'], 1, LIMIT.modalComponents);
    } else if (components.length > LIMIT.modalComponents) {
      errors.maxLength(['data', 'components'], LIMIT.modalComponents);
    }
  }
  const formError = errors.reply();
  if (formError) return invalid(formError);
  return { ok: true, value: isRecord(data) ? { type, data: data as InteractionCallbackData } : { type } };
}

// ---------------------------------------------------------------------------------------------
// Interaction record
// ---------------------------------------------------------------------------------------------

/**
 * One interaction sent by {@link FakeDiscord.interact} and everything the bot answered to it.
 * Created by the fake; read it in tests.
 */
export class InteractionRecord {
  /** `Date.now()` when the interaction was dispatched. */
  readonly createdAt = Date.now();
  /** Every callback body received, in order (a second one was answered 400 40060 and is not here). */
  readonly callbacks: InteractionCallback[] = [];
  /** Bodies of `PATCH /webhooks/:app/:token/messages/@original`. */
  readonly edits: FakeMessageBody[] = [];
  /** Bodies of `POST /webhooks/:app/:token` (follow-ups). */
  readonly followUps: FakeMessageBody[] = [];
  /** Milliseconds from dispatch to the first callback; more than 3000 means Discord would have refused it. */
  respondedAfterMs: number | null = null;
  /** Whether the original response was deleted. */
  deleted = false;
  /** Id of the original response message (what `@original` refers to). */
  readonly originalMessageId: string;
  private readonly changed = new Signal();

  /** @internal */
  constructor(
    /** The interaction id. */
    readonly id: string,
    /** The interaction token. */
    readonly token: string,
    /** What was sent: a command, an autocomplete request or a modal submit. */
    readonly kind: InteractOptions['kind'],
    /** The INTERACTION_CREATE `d` that was dispatched. */
    readonly payload: JsonRecord,
    originalMessageId: string,
  ) {
    this.originalMessageId = originalMessageId;
  }

  /** @internal The fake calls this when an answer arrived, to wake {@link response} and {@link settled}. */
  notify(): void {
    this.changed.notify();
  }

  /** The first callback body `{ type, data }`, waiting up to `timeoutMs`. */
  response(timeoutMs = DEFAULT_WAIT_MS): Promise<InteractionCallback> {
    return this.changed.wait(
      () => this.callbacks[0],
      timeoutMs,
      () => `the callback of interaction ${this.id}`,
    );
  }

  /**
   * Resolves once the user would see a final answer: a message (type 4, or a deferral followed by an
   * edit or follow-up), a modal (type 9) or autocomplete choices (type 8).
   */
  settled(timeoutMs = DEFAULT_WAIT_MS): Promise<SettledAnswer> {
    return this.changed.wait(
      () => this.answer(),
      timeoutMs,
      () =>
        `a final answer to interaction ${this.id} (callbacks: ${this.callbacks.map((c) => c.type).join(',') || 'none'}, ` +
        `edits: ${this.edits.length}, follow-ups: ${this.followUps.length})`,
    );
  }

  /** The normalized final answer, if there is one yet. */
  answer(): SettledAnswer | undefined {
    const first = this.callbacks[0];
    if (!first) return undefined;
    const data: InteractionCallbackData = first.data ?? {};
    switch (first.type) {
      case CALLBACK.message:
      case CALLBACK.updateMessage:
        return messageAnswer(data, hasFlag(data.flags, MESSAGE_FLAG.ephemeral));
      case CALLBACK.autocompleteResult:
        return { kind: 'autocomplete', ephemeral: false, choices: data.choices ?? [] };
      case CALLBACK.modal:
        return {
          kind: 'modal',
          ephemeral: false,
          modal: {
            custom_id: data.custom_id ?? '',
            title: data.title ?? '',
            components: Array.isArray(data.components) ? data.components : [],
          },
        };
      case CALLBACK.deferredMessage:
      case CALLBACK.deferredUpdate: {
        const later = this.edits[0] ?? this.followUps[0];
        if (!later) return undefined;
        return messageAnswer(
          later,
          hasFlag(data.flags, MESSAGE_FLAG.ephemeral) || hasFlag(later.flags, MESSAGE_FLAG.ephemeral),
        );
      }
      default:
        return undefined;
    }
  }
}

function messageAnswer(body: FakeMessageBody, ephemeral: boolean): SettledAnswer {
  const answer: SettledAnswer = { kind: 'message', ephemeral };
  if (body.content !== undefined) answer.content = body.content;
  if (body.embeds !== undefined) answer.embeds = body.embeds;
  if (body.flags !== undefined) answer.flags = body.flags;
  if (body.allowed_mentions !== undefined) answer.allowed_mentions = body.allowed_mentions;
  return answer;
}

// ---------------------------------------------------------------------------------------------
// The fake
// ---------------------------------------------------------------------------------------------

interface ChannelState {
  id: string;
  name: string;
  type: number;
  guildId: string | null;
  parentId: string | null;
  botDeny: bigint;
  /** DM channels only. */
  recipientId: string | null;
}

interface GuildState {
  id: string;
  name: string;
  ownerId: string;
  everyone: bigint;
  channels: Map<string, ChannelState>;
}

interface GatewaySession {
  socket: WebSocket;
  seq: number;
  sessionId: string | null;
  ready: boolean;
}

interface RequestContext {
  method: string;
  query: string;
  body: unknown;
  authorization: string | undefined;
  now: number;
}

interface Route {
  key: string;
  /** Needs `Authorization: Bot …` (interaction endpoints are authenticated by their token). */
  auth: boolean;
  /** Counts toward the global limit (interaction endpoints do not). */
  global: boolean;
  channelId?: string;
  handle: (ctx: RequestContext) => ApiReply;
}

interface InjectedFailure {
  failure: FakeFailure;
  remaining: number;
}

const MESSAGE_CREATE = 'POST /channels/:id/messages';

/**
 * The fake Discord: REST + gateway on one local port. Point a real discord.js `Client` at it with
 * `rest: { api: fake.apiUrl }`.
 *
 * @example
 * const fake = new FakeDiscord({ guilds: [{ id: '1', name: 'G', channels: [{ id: '2', name: 'news' }] }] });
 * const { apiUrl } = await fake.start();
 * const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrl } });
 * await client.login('fake-token');
 */
export class FakeDiscord {
  /** The bot's application id. */
  readonly applicationId: string;
  /** The bot's user id. */
  readonly botUserId: string;
  /** The bot's username. */
  readonly botUsername: string;
  /** Every message the bot created, in order. */
  readonly messages: RecordedMessage[] = [];
  /** Request counters. */
  readonly stats: FakeDiscordStats = { accepted: 0, rejected429: 0, failed: 0, byRoute: {} };
  /** `METHOD path` of every request no emulated route matched. */
  readonly unmatchedRequests: string[] = [];
  /** Exceptions thrown inside the fake while handling a request (answered 500); should stay empty. */
  readonly internalErrors: unknown[] = [];
  /** The last IDENTIFY received, or null. */
  identify: IdentifyRecord | null = null;

  private readonly heartbeatIntervalMs: number;
  private readonly enforceDeadline: boolean;
  private readonly limits: {
    global: number;
    channel: number;
    channelWindowMs: number;
  } | null;
  private readonly guilds = new Map<string, GuildState>();
  private readonly channels = new Map<string, ChannelState>();
  private readonly dmByUser = new Map<string, string>();
  private readonly users = new Map<string, { id: string; username: string }>();
  private readonly byChannel = new Map<string, RecordedMessage[]>();
  private readonly nonces = new Map<string, { at: number; message: JsonRecord }>();
  private globalCommandList: RegisteredCommand[] = [];
  private readonly guildCommandLists = new Map<string, RegisteredCommand[]>();
  private readonly interactions = new Map<string, InteractionRecord>();
  private readonly interactionsByToken = new Map<string, InteractionRecord>();
  private readonly channelFailures = new Map<string, InjectedFailure>();
  private periodicFailure: { every: number; failure: FakeFailure; until: number; counter: number } | null =
    null;
  private readonly channelWindows = new Map<string, RateWindow>();
  private readonly globalWindow: RateWindow = { start: 0, count: 0 };
  private readonly sessions = new Set<GatewaySession>();
  /** Sessions whose socket dropped without ending them, by session id, with what they missed. */
  private readonly detached = new Map<string, { seq: number; missed: { t: string; d: unknown }[] }>();
  private readonly messageSignal = new Signal();
  private readonly readySignal = new Signal();
  private readyCount = 0;
  private idCounter = 0;
  private readonly joinedAt = isoNow();
  private server: Server | null = null;
  private wss: WebSocketServer | null = null;
  private baseUrl = '';

  constructor(options: FakeDiscordOptions = {}) {
    this.applicationId = options.applicationId ?? DEFAULT_APPLICATION_ID;
    this.botUserId = options.botUserId ?? this.applicationId;
    this.botUsername = options.botUsername ?? DEFAULT_BOT_USERNAME;
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
    this.enforceDeadline = options.enforceInteractionDeadline ?? false;
    this.limits = options.limits
      ? {
          global: options.limits.globalPerSecond ?? DEFAULT_GLOBAL_PER_SECOND,
          channel: options.limits.channelPerFiveSeconds ?? DEFAULT_CHANNEL_LIMIT,
          channelWindowMs: options.limits.channelWindowMs ?? DEFAULT_CHANNEL_WINDOW_MS,
        }
      : null;
    for (const guild of options.guilds ?? []) this.registerGuild(guild);
  }

  // --- lifecycle ------------------------------------------------------------------------------

  /** Listens on 127.0.0.1 (a free port) and returns the base URL for discord.js's `rest.api`. */
  async start(): Promise<{ apiUrl: string; gatewayUrl: string }> {
    if (this.server) throw new Error('FakeDiscord: already started');
    const server = createServer((req, res) => this.onRequest(req, res));
    const wss = new WebSocketServer({ server });
    wss.on('connection', (socket, req) => this.onConnection(socket, req));
    this.server = server;
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `127.0.0.1:${port}`;
    return { apiUrl: this.apiUrl, gatewayUrl: this.gatewayUrl };
  }

  /** Closes every socket and the server, so the process can exit. */
  async stop(): Promise<void> {
    const server = this.server;
    const wss = this.wss;
    this.server = null;
    this.wss = null;
    for (const session of this.sessions) session.socket.terminate();
    this.sessions.clear();
    this.detached.clear();
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  /** `http://127.0.0.1:PORT/api` — discord.js appends `/v10`. */
  get apiUrl(): string {
    return `http://${this.baseUrl}/api`;
  }

  /** `ws://127.0.0.1:PORT`, as `GET /gateway/bot` reports it. */
  get gatewayUrl(): string {
    return `ws://${this.baseUrl}`;
  }

  // --- state the tests read -------------------------------------------------------------------

  /** The last global command list PUT by the bot. */
  get globalCommands(): readonly RegisteredCommand[] {
    return this.globalCommandList;
  }

  /** The last command list PUT for each guild. */
  get guildCommands(): ReadonlyMap<string, readonly RegisteredCommand[]> {
    return this.guildCommandLists;
  }

  /** Messages the bot created in one channel, in order. */
  messagesIn(channelId: string): readonly RecordedMessage[] {
    return this.byChannel.get(channelId) ?? [];
  }

  /** The first message (already recorded or future) matching `predicate`. */
  waitForMessage(
    predicate: (message: RecordedMessage) => boolean,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<RecordedMessage> {
    let scanned = 0;
    return this.messageSignal.wait(
      () => {
        for (; scanned < this.messages.length; scanned++) {
          const message = this.messages[scanned];
          if (message && predicate(message)) return message;
        }
        return undefined;
      },
      timeoutMs,
      () => `a matching message (${this.messages.length} recorded)`,
    );
  }

  /** Resolves with the IDENTIFY once a client has identified and received READY (and the GUILD_CREATEs). */
  waitReady(timeoutMs = DEFAULT_READY_WAIT_MS): Promise<IdentifyRecord> {
    return this.readySignal.wait(
      () => (this.readyCount > 0 ? (this.identify ?? undefined) : undefined),
      timeoutMs,
      () => 'a gateway client to identify',
    );
  }

  // --- world changes --------------------------------------------------------------------------

  /** Registers a DM channel between the bot and a user (what `POST /users/@me/channels` would create). */
  addDmChannel(channelId: string, userId: string, username = `user${userId}`): void {
    if (!this.users.has(userId)) this.users.set(userId, { id: userId, username });
    this.channels.set(channelId, {
      id: channelId,
      name: '',
      type: CHANNEL_TYPE.dm,
      guildId: null,
      parentId: null,
      botDeny: 0n,
      recipientId: userId,
    });
    this.dmByUser.set(userId, channelId);
  }

  /** The bot joins a guild: registers it and dispatches GUILD_CREATE. */
  addGuild(guild: FakeGuild): void {
    const state = this.registerGuild(guild);
    this.dispatch('GUILD_CREATE', this.guildPayload(state));
  }

  /**
   * The bot leaves a guild (it is forgotten, its channels answer 10003) and GUILD_DELETE is
   * dispatched; with `unavailable` it is an outage instead and the guild is kept.
   */
  removeGuild(guildId: string, options: { unavailable?: boolean } = {}): void {
    const guild = this.guilds.get(guildId);
    if (options.unavailable) {
      this.dispatch('GUILD_DELETE', { id: guildId, unavailable: true });
      return;
    }
    if (guild) {
      for (const channelId of guild.channels.keys()) this.channels.delete(channelId);
      this.guilds.delete(guildId);
    }
    this.dispatch('GUILD_DELETE', { id: guildId });
  }

  /** Adds a channel to a guild and dispatches CHANNEL_CREATE (THREAD_CREATE for threads). */
  addChannel(guildId: string, channel: FakeChannel): void {
    const guild = this.guilds.get(guildId);
    if (!guild) throw new Error(`FakeDiscord: unknown guild ${guildId}`);
    const state = this.registerChannel(guild, channel);
    this.dispatch(
      THREAD_TYPES.has(state.type) ? 'THREAD_CREATE' : 'CHANNEL_CREATE',
      this.channelPayload(state),
    );
  }

  /** Deletes a guild channel (it then answers 10003) and dispatches CHANNEL_DELETE (THREAD_DELETE for threads). */
  deleteChannel(channelId: string): void {
    const channel = this.channels.get(channelId);
    if (!channel?.guildId) throw new Error(`FakeDiscord: unknown guild channel ${channelId}`);
    const payload = this.channelPayload(channel);
    this.channels.delete(channelId);
    this.guilds.get(channel.guildId)?.channels.delete(channelId);
    this.dispatch(THREAD_TYPES.has(channel.type) ? 'THREAD_DELETE' : 'CHANNEL_DELETE', payload);
  }

  // --- failure injection ----------------------------------------------------------------------

  /**
   * Answers requests on one channel (`GET /channels/:id`, `POST /channels/:id/messages`) with a
   * failure, `times` times (default: until {@link clearFailures}). Works for unknown ids too.
   */
  failChannel(channelId: string, failure: FakeFailure, options: { times?: number } = {}): void {
    this.channelFailures.set(channelId, { failure, remaining: options.times ?? Number.POSITIVE_INFINITY });
  }

  /** Fails every `n`th message-create request (counted from now), for `untilMs` ms if given. */
  failEvery(n: number, failure: FakeFailure, options: { untilMs?: number } = {}): void {
    if (!Number.isInteger(n) || n < 1) throw new Error('FakeDiscord: failEvery needs a positive integer');
    const until = options.untilMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.untilMs;
    this.periodicFailure = { every: n, failure, until, counter: 0 };
  }

  /** Removes every injected failure. */
  clearFailures(): void {
    this.channelFailures.clear();
    this.periodicFailure = null;
  }

  // --- gateway --------------------------------------------------------------------------------

  /**
   * Closes every gateway connection with `code`, as a Discord-side drop (4000 "unknown error": discord.js
   * reconnects and resumes; dispatches sent meanwhile are replayed).
   */
  closeGatewayConnections(code = 4000): void {
    for (const session of this.sessions) {
      // Detach now, not on the close event, so dispatches sent before the socket is gone are replayed.
      if (session.ready && session.sessionId !== null) {
        this.detached.set(session.sessionId, { seq: session.seq, missed: [] });
      }
      session.ready = false;
      this.sessions.delete(session);
      session.socket.close(code, 'FakeDiscord closed the connection');
    }
  }

  /** Sends a dispatch (`op 0`) to every ready gateway client; returns how many received it. */
  dispatch(t: string, d: unknown): number {
    let sent = 0;
    for (const session of this.sessions) {
      if (!session.ready) continue;
      this.sendDispatch(session, t, d);
      sent++;
    }
    for (const [sessionId, detached] of this.detached) {
      // Like Discord, a session that fell too far behind cannot be resumed.
      if (detached.missed.length >= MAX_MISSED_DISPATCHES) this.detached.delete(sessionId);
      else detached.missed.push({ t, d });
    }
    return sent;
  }

  /**
   * Dispatches an INTERACTION_CREATE built like Discord's (type 2 command, 4 autocomplete, 5 modal
   * submit) and returns the record that collects the bot's answers.
   */
  interact(options: InteractOptions): InteractionRecord {
    const channel = this.resolveInteractionChannel(options);
    const guild = channel.guildId ? this.guilds.get(channel.guildId) : undefined;
    this.users.set(options.user.id, { id: options.user.id, username: options.user.username });
    const id = this.nextId();
    const token = `fake-interaction-token-${id}-${randomBytes(6).toString('hex')}`;
    const user = userPayload(options.user.id, options.user.username, false);
    const appPermissions = options.appPermissions ?? String(this.botPermissionsIn(channel));
    const payload: JsonRecord = {
      id,
      application_id: this.applicationId,
      type: INTERACTION_TYPE[options.kind],
      token,
      version: 1,
      data: this.interactionData(options, guild),
      channel: { ...this.channelPayload(channel), permissions: appPermissions },
      channel_id: channel.id,
      app_permissions: appPermissions,
      locale: options.locale ?? DEFAULT_LOCALE,
      entitlements: [],
      authorizing_integration_owners: guild ? { '0': guild.id } : { '1': options.user.id },
      context: guild ? 0 : 1,
      attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
    };
    if (guild) {
      const permissions =
        options.permissions ?? String(options.user.id === guild.ownerId ? ALL_PERMISSIONS : guild.everyone);
      payload.guild_id = guild.id;
      payload.guild = { id: guild.id, locale: DEFAULT_LOCALE, features: [] };
      payload.guild_locale = DEFAULT_LOCALE;
      payload.member = {
        user,
        roles: [],
        permissions,
        joined_at: this.joinedAt,
        nick: null,
        avatar: null,
        banner: null,
        premium_since: null,
        communication_disabled_until: null,
        deaf: false,
        mute: false,
        flags: 0,
        pending: false,
      };
    } else {
      payload.user = user;
    }
    const record = new InteractionRecord(id, token, options.kind, payload, this.nextId());
    this.interactions.set(id, record);
    this.interactionsByToken.set(token, record);
    if (this.dispatch('INTERACTION_CREATE', payload) === 0 && this.detached.size === 0) {
      throw new Error('FakeDiscord: no gateway client is ready to receive the interaction');
    }
    return record;
  }

  private onConnection(socket: WebSocket, req: IncomingMessage): void {
    if (req.url?.includes('compress=zlib-stream')) {
      // discord.js asks for zlib only when `zlib-sync` is installed; this fake speaks plain JSON.
      socket.close(4000, 'FakeDiscord speaks uncompressed JSON only (is zlib-sync installed?)');
      return;
    }
    const session: GatewaySession = { socket, seq: 0, sessionId: null, ready: false };
    this.sessions.add(session);
    socket.on('message', (raw) => this.onFrame(session, raw));
    socket.on('close', (code) => this.onClose(session, code));
    socket.on('error', () => this.sessions.delete(session));
    this.send(session, {
      op: OP.hello,
      d: { heartbeat_interval: this.heartbeatIntervalMs },
      s: null,
      t: null,
    });
  }

  private onFrame(session: GatewaySession, raw: RawData): void {
    let frame: unknown;
    try {
      frame = JSON.parse(String(raw));
    } catch {
      session.socket.close(4002, 'Decode error');
      return;
    }
    if (!isRecord(frame) || typeof frame.op !== 'number') {
      session.socket.close(4002, 'Decode error');
      return;
    }
    switch (frame.op) {
      case OP.heartbeat:
        this.send(session, { op: OP.heartbeatAck });
        return;
      case OP.identify:
        this.onIdentify(session, frame.d);
        return;
      case OP.resume:
        this.onResume(session, frame.d);
        return;
      case OP.requestGuildMembers: {
        const d = isRecord(frame.d) ? frame.d : {};
        this.sendDispatch(session, 'GUILD_MEMBERS_CHUNK', {
          guild_id: d.guild_id,
          members: [],
          chunk_index: 0,
          chunk_count: 1,
          not_found: [],
          nonce: d.nonce,
        });
        return;
      }
      default:
        // Presence and voice updates are accepted and ignored.
        return;
    }
  }

  private onClose(session: GatewaySession, code: number): void {
    this.sessions.delete(session);
    // A client closing with 1000/1001 ends its session; any other close leaves it resumable.
    if (session.ready && session.sessionId !== null && code !== 1000 && code !== 1001) {
      this.detached.set(session.sessionId, { seq: session.seq, missed: [] });
    }
  }

  /** Replays what the session missed, then RESUMED; an unknown session gets INVALID_SESSION(false). */
  private onResume(session: GatewaySession, d: unknown): void {
    const sessionId = isRecord(d) && typeof d.session_id === 'string' ? d.session_id : '';
    const detached = this.detached.get(sessionId);
    if (!detached) {
      this.send(session, { op: OP.invalidSession, d: false, s: null, t: null });
      return;
    }
    this.detached.delete(sessionId);
    session.sessionId = sessionId;
    session.seq = detached.seq;
    session.ready = true;
    for (const { t, d: missed } of detached.missed) this.sendDispatch(session, t, missed);
    this.sendDispatch(session, 'RESUMED', {});
    this.readyCount++;
    this.readySignal.notify();
  }

  private onIdentify(session: GatewaySession, d: unknown): void {
    if (session.sessionId !== null) {
      session.socket.close(4005, 'Already authenticated');
      return;
    }
    if (!isRecord(d) || typeof d.token !== 'string' || typeof d.intents !== 'number') {
      session.socket.close(4004, 'Authentication failed');
      return;
    }
    const shard =
      Array.isArray(d.shard) && typeof d.shard[0] === 'number' && typeof d.shard[1] === 'number'
        ? ([d.shard[0], d.shard[1]] as const)
        : null;
    this.identify = {
      intents: d.intents,
      shard,
      compress: d.compress === true,
      large_threshold: typeof d.large_threshold === 'number' ? d.large_threshold : null,
      properties: isRecord(d.properties) ? d.properties : {},
    };
    session.sessionId = randomBytes(16).toString('hex');
    session.ready = true;
    this.sendDispatch(session, 'READY', {
      v: 10,
      user: userPayload(this.botUserId, this.botUsername, true),
      guilds: [...this.guilds.keys()].map((id) => ({ id, unavailable: true })),
      session_id: session.sessionId,
      resume_gateway_url: this.gatewayUrl,
      session_type: 'normal',
      shard: shard ?? [0, 1],
      application: { id: this.applicationId, flags: 0 },
      private_channels: [],
      presences: [],
      relationships: [],
      user_settings: {},
      guild_join_requests: [],
      geo_ordered_rtc_regions: [],
    });
    for (const guild of this.guilds.values())
      this.sendDispatch(session, 'GUILD_CREATE', this.guildPayload(guild));
    this.readyCount++;
    this.readySignal.notify();
  }

  private sendDispatch(session: GatewaySession, t: string, d: unknown): void {
    session.seq++;
    this.send(session, { op: OP.dispatch, t, s: session.seq, d });
  }

  private send(session: GatewaySession, frame: JsonRecord): void {
    if (session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(frame));
  }

  // --- REST plumbing --------------------------------------------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        this.handle(req, res, chunks);
      } catch (error) {
        this.internalErrors.push(error);
        this.write(res, {
          status: 500,
          body: { message: `FakeDiscord internal error: ${String(error)}`, code: 0 },
        });
      }
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse, chunks: Buffer[]): void {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const query = queryAt === -1 ? '' : url.slice(queryAt + 1);
    let parts: string[] | null = null;
    if (path.startsWith(API_PREFIX)) {
      try {
        parts = path.slice(API_PREFIX.length).split('/').map(decodeURIComponent);
      } catch {
        parts = null;
      }
    }
    const route = parts ? this.resolve(method, parts) : undefined;
    if (!route) {
      this.unmatchedRequests.push(`${method} ${path}`);
      this.count('unmatched');
      this.write(res, {
        status: 404,
        body: { message: `404: Not Found (FakeDiscord does not emulate ${method} ${path})`, code: 0 },
      });
      return;
    }
    this.count(route.key);

    let body: unknown;
    const contentType = req.headers['content-type'] ?? '';
    if (chunks.length > 0) {
      if (contentType.startsWith('multipart/')) {
        this.write(res, {
          status: 400,
          body: {
            code: 50035,
            message: 'Invalid Form Body (FakeDiscord does not emulate file uploads)',
            errors: {},
          },
        });
        return;
      }
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        this.write(res, apiError('invalid_json'));
        return;
      }
    }
    const ctx: RequestContext = {
      method,
      query,
      body,
      authorization: req.headers.authorization,
      now: Date.now(),
    };

    if (route.auth && !ctx.authorization?.startsWith('Bot ')) {
      this.write(res, { status: 401, body: { message: '401: Unauthorized', code: 0 } });
      return;
    }

    const injected = this.injectedFailure(route, ctx.now);
    if (injected) {
      this.write(res, failureReply(injected, this.bucketOf(route), ctx.now));
      return;
    }
    if (this.limits) {
      const limited = this.applyLimits(route, ctx.now);
      if (limited.status === 429) {
        this.write(res, limited);
        return;
      }
      const reply = route.handle(ctx);
      reply.headers = { ...limited.headers, ...reply.headers };
      this.write(res, reply);
      return;
    }
    this.write(res, route.handle(ctx));
  }

  private count(key: string): void {
    this.stats.byRoute[key] = (this.stats.byRoute[key] ?? 0) + 1;
  }

  private write(res: ServerResponse, reply: ApiReply): void {
    if (reply.reset) {
      this.stats.failed++;
      res.socket?.resetAndDestroy();
      return;
    }
    if (reply.status >= 200 && reply.status < 300) this.stats.accepted++;
    else if (reply.status === 429) this.stats.rejected429++;
    else this.stats.failed++;
    if (reply.body === undefined) {
      res.writeHead(reply.status, reply.headers);
      res.end();
      return;
    }
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
    res.end(text);
  }

  private injectedFailure(route: Route, now: number): FakeFailure | undefined {
    if (route.channelId !== undefined) {
      const injected = this.channelFailures.get(route.channelId);
      if (injected) {
        injected.remaining--;
        if (injected.remaining <= 0) this.channelFailures.delete(route.channelId);
        return injected.failure;
      }
    }
    const periodic = this.periodicFailure;
    if (periodic && route.key === MESSAGE_CREATE) {
      if (now >= periodic.until) {
        this.periodicFailure = null;
        return undefined;
      }
      periodic.counter++;
      if (periodic.counter % periodic.every === 0) return periodic.failure;
    }
    return undefined;
  }

  private bucketOf(route: Route): BucketInfo {
    if (route.key === MESSAGE_CREATE) {
      return { hash: MESSAGE_BUCKET_HASH, limit: this.limits?.channel ?? DEFAULT_CHANNEL_LIMIT };
    }
    return { hash: `fake0${route.key.replace(/[^a-z]/gi, '').toLowerCase()}`, limit: DEFAULT_CHANNEL_LIMIT };
  }

  /** Takes a global slot and, for message creates, a channel slot; answers 429 when one is exhausted. */
  private applyLimits(route: Route, now: number): ApiReply {
    const limits = this.limits;
    if (!limits) return { status: 200 };
    if (route.global) {
      const global = takeSlot(this.globalWindow, limits.global, GLOBAL_WINDOW_MS, now);
      if (!global.ok) {
        return rateLimitReply(global.resetAfterMs / 1000, true, 'global', this.bucketOf(route), now);
      }
    }
    if (route.key !== MESSAGE_CREATE || route.channelId === undefined) return { status: 200 };
    let window = this.channelWindows.get(route.channelId);
    if (!window) {
      window = { start: now, count: 0 };
      this.channelWindows.set(route.channelId, window);
    }
    const slot = takeSlot(window, limits.channel, limits.channelWindowMs, now);
    const bucket = this.bucketOf(route);
    if (!slot.ok) return rateLimitReply(slot.resetAfterMs / 1000, false, 'user', bucket, now);
    return { status: 200, headers: bucketHeaders(bucket, slot.remaining, slot.resetAfterMs, now) };
  }

  /** Maps `METHOD /a/b/c` to a route; O(1) on the path's segments. */
  private resolve(method: string, p: readonly string[]): Route | undefined {
    const [p0, p1, p2, p3, p4] = p;
    const n = p.length;
    const bot = (key: string, handle: Route['handle'], channelId?: string): Route =>
      channelId === undefined
        ? { key, auth: true, global: true, handle }
        : { key, auth: true, global: true, handle, channelId };
    const token = (key: string, handle: Route['handle']): Route => ({
      key,
      auth: false,
      global: false,
      handle,
    });
    switch (p0) {
      case 'gateway':
        if (method !== 'GET') return undefined;
        if (n === 2 && p1 === 'bot') return bot('GET /gateway/bot', () => this.gatewayBot());
        if (n === 1) return token('GET /gateway', () => ({ status: 200, body: { url: this.gatewayUrl } }));
        return undefined;
      case 'users':
        if (p1 !== '@me') return undefined;
        if (n === 2 && method === 'GET') {
          return bot('GET /users/@me', () => ({
            status: 200,
            body: userPayload(this.botUserId, this.botUsername, true),
          }));
        }
        if (n === 3 && p2 === 'channels' && method === 'POST') {
          return bot('POST /users/@me/channels', (ctx) => this.createDm(ctx));
        }
        return undefined;
      case 'channels': {
        if (p1 === undefined) return undefined;
        const channelId = p1;
        if (n === 2 && method === 'GET')
          return bot('GET /channels/:id', () => this.getChannel(channelId), channelId);
        if (n === 3 && p2 === 'messages' && method === 'POST') {
          return bot(MESSAGE_CREATE, (ctx) => this.createMessage(channelId, ctx), channelId);
        }
        return undefined;
      }
      case 'applications': {
        if (p1 === undefined) return undefined;
        const app = p1;
        if (n === 3 && p2 === 'commands') {
          if (method === 'GET')
            return bot('GET /applications/:id/commands', () => this.getCommands(app, null));
          if (method === 'PUT')
            return bot('PUT /applications/:id/commands', (ctx) => this.putCommands(app, null, ctx));
        }
        if (n === 5 && p2 === 'guilds' && p3 !== undefined && p4 === 'commands') {
          const guildId = p3;
          if (method === 'GET') {
            return bot('GET /applications/:id/guilds/:id/commands', () => this.getCommands(app, guildId));
          }
          if (method === 'PUT') {
            return bot('PUT /applications/:id/guilds/:id/commands', (ctx) =>
              this.putCommands(app, guildId, ctx),
            );
          }
        }
        return undefined;
      }
      case 'interactions':
        if (n === 4 && p1 !== undefined && p2 !== undefined && p3 === 'callback' && method === 'POST') {
          const [id, tok] = [p1, p2];
          return token('POST /interactions/:id/:token/callback', (ctx) => this.callback(id, tok, ctx));
        }
        return undefined;
      case 'webhooks': {
        if (p1 === undefined || p2 === undefined) return undefined;
        const [app, tok] = [p1, p2];
        if (n === 3 && method === 'POST') {
          return token('POST /webhooks/:id/:token', (ctx) => this.followUp(app, tok, ctx));
        }
        if (n === 5 && p3 === 'messages' && p4 !== undefined) {
          const messageId = p4;
          if (method === 'GET' || method === 'PATCH' || method === 'DELETE') {
            return token(`${method} /webhooks/:id/:token/messages/:id`, (ctx) =>
              this.webhookMessage(app, tok, messageId, ctx),
            );
          }
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  // --- REST handlers --------------------------------------------------------------------------

  private gatewayBot(): ApiReply {
    return {
      status: 200,
      body: {
        url: this.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 1000, reset_after: 0, max_concurrency: 1 },
      },
    };
  }

  private getChannel(channelId: string): ApiReply {
    const channel = this.channels.get(channelId);
    if (!channel) return apiError('unknown_channel');
    if (channel.guildId && !(this.botPermissionsIn(channel) & PERMISSION.viewChannel))
      return apiError('missing_access');
    return { status: 200, body: this.channelPayload(channel) };
  }

  private createDm(ctx: RequestContext): ApiReply {
    const recipient = isRecord(ctx.body) ? ctx.body.recipient_id : undefined;
    if (typeof recipient !== 'string' || !/^\d{15,21}$/.test(recipient)) {
      const errors = new FormErrors();
      errors.add(['recipient_id'], 'NUMBER_TYPE_COERCE', 'Value is not snowflake.');
      return errors.reply() ?? { status: 400 };
    }
    let channelId = this.dmByUser.get(recipient);
    if (channelId === undefined) {
      channelId = this.nextId();
      this.addDmChannel(channelId, recipient);
    }
    const channel = this.channels.get(channelId);
    if (!channel) return apiError('unknown_channel');
    return { status: 200, body: this.channelPayload(channel) };
  }

  private createMessage(channelId: string, ctx: RequestContext): ApiReply {
    const channel = this.channels.get(channelId);
    if (!channel) return apiError('unknown_channel');
    const permissions = this.botPermissionsIn(channel);
    if (channel.guildId && !(permissions & PERMISSION.viewChannel)) return apiError('missing_access');
    const result = validateMessage(ctx.body, true);
    if (!result.ok) return result.reply;
    const checked = result.value;
    if (channel.guildId) {
      const send = THREAD_TYPES.has(channel.type)
        ? PERMISSION.sendMessagesInThreads
        : PERMISSION.sendMessages;
      if (!(permissions & send)) return apiError('missing_permissions');
      if (nonEmptyArray(checked.embeds) && !(permissions & PERMISSION.embedLinks)) {
        return apiError('missing_permissions');
      }
    }
    const nonce = checked.nonce ?? null;
    const enforce = checked.enforce_nonce === true && nonce !== null;
    // The bot is the only author, so the author-scoped nonce key is just the nonce.
    const nonceKey = `${typeof nonce}:${String(nonce)}`;
    if (enforce) {
      const previous = this.nonces.get(nonceKey);
      if (previous && ctx.now - previous.at < NONCE_WINDOW_MS) return { status: 200, body: previous.message };
    }
    const id = this.nextId();
    const content = checked.content ?? '';
    const embeds = checked.embeds ?? [];
    const allowedMentions = checked.allowed_mentions ?? null;
    const record: RecordedMessage = {
      id,
      channel_id: channelId,
      content,
      embeds,
      nonce,
      enforce_nonce: checked.enforce_nonce === true,
      allowed_mentions: allowedMentions,
      mention_everyone: pingsEveryone(content, allowedMentions),
      at: ctx.now,
    };
    const message = this.messagePayload(id, channelId, checked, ctx.now, {
      nonce,
      mention_everyone: record.mention_everyone,
    });
    if (enforce) this.nonces.set(nonceKey, { at: ctx.now, message });
    this.messages.push(record);
    const list = this.byChannel.get(channelId);
    if (list) list.push(record);
    else this.byChannel.set(channelId, [record]);
    this.messageSignal.notify();
    return { status: 200, body: message };
  }

  private getCommands(app: string, guildId: string | null): ApiReply {
    if (app !== this.applicationId) return apiError('missing_access');
    if (guildId === null) return { status: 200, body: this.globalCommandList };
    if (!this.guilds.has(guildId)) return apiError('missing_access');
    return { status: 200, body: this.guildCommandLists.get(guildId) ?? [] };
  }

  private putCommands(app: string, guildId: string | null, ctx: RequestContext): ApiReply {
    if (app !== this.applicationId) return apiError('missing_access');
    if (guildId !== null && !this.guilds.has(guildId)) return apiError('missing_access');
    const result = validateCommands(ctx.body);
    if (!result.ok) return result.reply;
    const previous = guildId === null ? this.globalCommandList : (this.guildCommandLists.get(guildId) ?? []);
    // Discord keeps a command's id when an overwrite names it again.
    const previousIds = new Map(previous.map((command) => [`${command.type}:${command.name}`, command.id]));
    const registered = result.value.map((definition): RegisteredCommand => {
      const type = definition.type ?? COMMAND_TYPE.chatInput;
      const command: RegisteredCommand = {
        ...definition,
        id: previousIds.get(`${type}:${definition.name}`) ?? this.nextId(),
        application_id: this.applicationId,
        version: this.nextId(),
        type,
        description: definition.description ?? '',
        default_member_permissions: definition.default_member_permissions ?? null,
        nsfw: definition.nsfw === true,
      };
      if (guildId !== null) command.guild_id = guildId;
      return command;
    });
    if (guildId === null) this.globalCommandList = registered;
    else this.guildCommandLists.set(guildId, registered);
    return { status: 200, body: registered };
  }

  private callback(id: string, token: string, ctx: RequestContext): ApiReply {
    const record = this.interactions.get(id);
    if (!record || record.token !== token) return apiError('unknown_interaction');
    if (record.callbacks.length > 0) return apiError('already_acknowledged');
    const elapsed = ctx.now - record.createdAt;
    if (this.enforceDeadline && elapsed > INTERACTION_DEADLINE_MS) return apiError('unknown_interaction');
    const result = validateCallback(ctx.body, record.kind);
    if (!result.ok) return result.reply;
    const callback = result.value;
    record.callbacks.push(callback);
    record.respondedAfterMs = elapsed;
    record.notify();
    if (new URLSearchParams(ctx.query).get('with_response') !== 'true') return { status: 204 };
    return { status: 200, body: this.callbackResponse(record, callback, ctx.now) };
  }

  /** The interaction callback response object (`?with_response=true`). */
  private callbackResponse(
    record: InteractionRecord,
    callback: InteractionCallback,
    now: number,
  ): JsonRecord {
    const interactionType = INTERACTION_TYPE[record.kind];
    const data = callback.data ?? {};
    const hasMessage = callback.type === CALLBACK.message || callback.type === CALLBACK.deferredMessage;
    if (!hasMessage)
      return { interaction: { id: record.id, type: interactionType }, resource: { type: callback.type } };
    const loading = callback.type === CALLBACK.deferredMessage;
    const ephemeral = hasFlag(data.flags, MESSAGE_FLAG.ephemeral);
    const flags = (data.flags ?? 0) | (loading ? MESSAGE_FLAG.loading : 0);
    const body: FakeMessageBody = loading ? { flags } : { ...data, flags };
    return {
      interaction: {
        id: record.id,
        type: interactionType,
        response_message_id: record.originalMessageId,
        response_message_loading: loading,
        response_message_ephemeral: ephemeral,
      },
      resource: {
        type: callback.type,
        message: this.interactionMessage(record, record.originalMessageId, body, now),
      },
    };
  }

  private followUp(app: string, token: string, ctx: RequestContext): ApiReply {
    const record = this.interactionsByToken.get(token);
    if (!record || app !== this.applicationId) return apiError('unknown_webhook');
    if (record.callbacks.length === 0) return apiError('unknown_webhook');
    const result = validateMessage(ctx.body, true);
    if (!result.ok) return result.reply;
    const checked = result.value;
    record.followUps.push(checked);
    record.notify();
    return { status: 200, body: this.interactionMessage(record, this.nextId(), checked, ctx.now) };
  }

  private webhookMessage(app: string, token: string, messageId: string, ctx: RequestContext): ApiReply {
    const record = this.interactionsByToken.get(token);
    if (!record || app !== this.applicationId) return apiError('unknown_webhook');
    const original = messageId === '@original' || messageId === record.originalMessageId;
    const first = record.callbacks[0];
    const hasOriginal =
      first !== undefined &&
      (first.type === CALLBACK.message || first.type === CALLBACK.deferredMessage) &&
      !record.deleted;
    if (!original || !hasOriginal) return apiError('unknown_message');
    if (ctx.method === 'DELETE') {
      record.deleted = true;
      record.notify();
      return { status: 204 };
    }
    if (ctx.method === 'GET') {
      const latest = record.edits.at(-1) ?? first.data ?? {};
      return {
        status: 200,
        body: this.interactionMessage(record, record.originalMessageId, latest, ctx.now),
      };
    }
    const result = validateMessage(ctx.body, false);
    if (!result.ok) return result.reply;
    const checked = result.value;
    record.edits.push(checked);
    record.notify();
    const flags = (first.data?.flags ?? 0) | (checked.flags ?? 0);
    return {
      status: 200,
      body: this.interactionMessage(record, record.originalMessageId, { ...checked, flags }, ctx.now),
    };
  }

  // --- payload builders -----------------------------------------------------------------------

  private messagePayload(
    id: string,
    channelId: string,
    body: FakeMessageBody,
    now: number,
    extra: JsonRecord = {},
  ): JsonRecord {
    return {
      id,
      channel_id: channelId,
      type: 0,
      content: body.content ?? '',
      author: userPayload(this.botUserId, this.botUsername, true),
      timestamp: isoNow(now),
      edited_timestamp: null,
      tts: body.tts === true,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: body.embeds ?? [],
      components: Array.isArray(body.components) ? body.components : [],
      pinned: false,
      flags: body.flags ?? 0,
      ...extra,
    };
  }

  private interactionMessage(
    record: InteractionRecord,
    id: string,
    body: FakeMessageBody,
    now: number,
  ): JsonRecord {
    const channel = record.payload.channel_id;
    return this.messagePayload(id, typeof channel === 'string' ? channel : '', body, now, {
      webhook_id: this.applicationId,
      application_id: this.applicationId,
    });
  }

  private registerGuild(guild: FakeGuild): GuildState {
    const state: GuildState = {
      id: guild.id,
      name: guild.name,
      ownerId: guild.ownerId ?? DEFAULT_OWNER_ID,
      everyone:
        guild.everyonePermissions === undefined ? DEFAULT_PERMISSIONS : BigInt(guild.everyonePermissions),
      channels: new Map(),
    };
    this.guilds.set(guild.id, state);
    for (const channel of guild.channels) this.registerChannel(state, channel);
    return state;
  }

  private registerChannel(guild: GuildState, channel: FakeChannel): ChannelState {
    const state: ChannelState = {
      id: channel.id,
      name: channel.name,
      type: channel.type ?? CHANNEL_TYPE.guildText,
      guildId: guild.id,
      parentId: channel.parent_id ?? null,
      botDeny: channel.botDeny === undefined ? 0n : BigInt(channel.botDeny),
      recipientId: null,
    };
    guild.channels.set(channel.id, state);
    this.channels.set(channel.id, state);
    return state;
  }

  /** The bot's permissions in a channel: `@everyone`'s minus the channel's overwrite for the bot. */
  private botPermissionsIn(channel: ChannelState): bigint {
    if (!channel.guildId) return DEFAULT_PERMISSIONS;
    const guild = this.guilds.get(channel.guildId);
    if (!guild) return 0n;
    if (guild.everyone & PERMISSION.administrator) return ALL_PERMISSIONS;
    const parent =
      channel.parentId && THREAD_TYPES.has(channel.type) ? this.channels.get(channel.parentId) : undefined;
    return guild.everyone & ~channel.botDeny & ~(parent?.botDeny ?? 0n);
  }

  private guildPayload(guild: GuildState): JsonRecord {
    const channels: JsonRecord[] = [];
    const threads: JsonRecord[] = [];
    for (const channel of guild.channels.values()) {
      (THREAD_TYPES.has(channel.type) ? threads : channels).push(this.channelPayload(channel));
    }
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      splash: null,
      discovery_splash: null,
      banner: null,
      description: null,
      owner_id: guild.ownerId,
      afk_channel_id: null,
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      nsfw_level: 0,
      premium_tier: 0,
      premium_subscription_count: 0,
      premium_progress_bar_enabled: false,
      system_channel_id: null,
      system_channel_flags: 0,
      rules_channel_id: null,
      public_updates_channel_id: null,
      safety_alerts_channel_id: null,
      vanity_url_code: null,
      preferred_locale: DEFAULT_LOCALE,
      features: [],
      application_id: null,
      max_members: 500_000,
      max_video_channel_users: 25,
      joined_at: this.joinedAt,
      large: false,
      unavailable: false,
      member_count: 2,
      lazy: true,
      roles: [
        {
          id: guild.id,
          name: '@everyone',
          color: 0,
          hoist: false,
          icon: null,
          unicode_emoji: null,
          position: 0,
          permissions: String(guild.everyone),
          managed: false,
          mentionable: false,
          flags: 0,
        },
      ],
      members: [
        {
          user: userPayload(this.botUserId, this.botUsername, true),
          roles: [],
          joined_at: this.joinedAt,
          nick: null,
          avatar: null,
          premium_since: null,
          communication_disabled_until: null,
          deaf: false,
          mute: false,
          flags: 0,
          pending: false,
        },
      ],
      channels,
      threads,
      emojis: [],
      stickers: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  private channelPayload(channel: ChannelState): JsonRecord {
    if (channel.recipientId !== null) {
      const recipient = this.users.get(channel.recipientId);
      return {
        id: channel.id,
        type: CHANNEL_TYPE.dm,
        last_message_id: null,
        flags: 0,
        recipients: [
          userPayload(channel.recipientId, recipient?.username ?? `user${channel.recipientId}`, false),
        ],
      };
    }
    const base: JsonRecord = {
      id: channel.id,
      type: channel.type,
      guild_id: channel.guildId,
      name: channel.name,
      parent_id: channel.parentId,
      position: 0,
      flags: 0,
      nsfw: false,
      rate_limit_per_user: 0,
      last_message_id: null,
    };
    if (THREAD_TYPES.has(channel.type)) {
      return {
        ...base,
        owner_id: this.botUserId,
        member_count: 1,
        message_count: 0,
        total_message_sent: 0,
        thread_metadata: {
          archived: false,
          auto_archive_duration: 1440,
          archive_timestamp: this.joinedAt,
          locked: false,
        },
      };
    }
    const overwrites =
      channel.botDeny === 0n
        ? []
        : [{ id: this.botUserId, type: 1, allow: '0', deny: String(channel.botDeny) }];
    return { ...base, topic: null, permission_overwrites: overwrites };
  }

  private resolveInteractionChannel(options: InteractOptions): ChannelState {
    if (options.dm) {
      const existing = this.channels.get(options.channelId);
      if (existing?.guildId)
        throw new Error(`FakeDiscord: ${options.channelId} is a guild channel, not a DM`);
      if (!existing) this.addDmChannel(options.channelId, options.user.id, options.user.username);
      const channel = this.channels.get(options.channelId);
      if (!channel) throw new Error('FakeDiscord: DM channel registration failed');
      return channel;
    }
    const channel = this.channels.get(options.channelId);
    if (!channel)
      throw new Error(`FakeDiscord: unknown channel ${options.channelId} (pass dm: true for a DM)`);
    if (options.guildId !== undefined && channel.guildId !== options.guildId) {
      throw new Error(`FakeDiscord: channel ${options.channelId} is not in guild ${options.guildId}`);
    }
    return channel;
  }

  private interactionData(options: InteractOptions, guild: GuildState | undefined): JsonRecord {
    if (options.kind === 'modal') {
      if (options.customId === undefined) throw new Error('FakeDiscord: a modal submit needs customId');
      // The current Label (type 18) format; discord.js 14.28.1's ModalSubmitFields reads `component`.
      let componentId = 0;
      const components = Object.entries(options.fields ?? {}).map(([customId, value]) => ({
        type: 18,
        id: ++componentId,
        component: { type: 4, id: ++componentId, custom_id: customId, value },
      }));
      return { custom_id: options.customId, components };
    }
    if (options.name === undefined)
      throw new Error(`FakeDiscord: a ${options.kind} interaction needs a name`);
    const command = this.findCommand(options.name, guild?.id);
    let definitions = command?.options;
    if (options.subcommandGroup !== undefined) {
      definitions = definitions?.find((o) => o.name === options.subcommandGroup)?.options;
    }
    if (options.subcommand !== undefined) {
      definitions = definitions?.find((o) => o.name === options.subcommand)?.options;
    }
    const resolved: { users: JsonRecord; channels: JsonRecord } = { users: {}, channels: {} };
    const entries = Object.entries(options.options ?? {});
    if (options.kind === 'autocomplete' && options.focused !== undefined) {
      if (!entries.some(([name]) => name === options.focused)) entries.push([options.focused, '']);
    }
    const focused = options.kind === 'autocomplete' ? (options.focused ?? entries.at(-1)?.[0]) : undefined;
    let leaf: JsonRecord[] = entries.map(([name, raw]) => {
      const value = typeof raw === 'object' ? raw.value : raw;
      const type =
        typeof raw === 'object'
          ? raw.type
          : (definitions?.find((o) => o.name === name)?.type ?? inferOptionType(raw));
      this.resolveOption(type, value, resolved);
      const option: JsonRecord = { name, type, value };
      if (name === focused) option.focused = true;
      return option;
    });
    if (options.subcommand !== undefined) {
      leaf = [{ name: options.subcommand, type: OPTION_TYPE.subcommand, options: leaf }];
    }
    if (options.subcommandGroup !== undefined) {
      leaf = [{ name: options.subcommandGroup, type: OPTION_TYPE.subcommandGroup, options: leaf }];
    }
    const data: JsonRecord = {
      id: command?.id ?? this.nextId(),
      name: options.name,
      type: COMMAND_TYPE.chatInput,
      options: leaf,
    };
    if (command?.guild_id !== undefined) data.guild_id = command.guild_id;
    if (Object.keys(resolved.users).length > 0 || Object.keys(resolved.channels).length > 0)
      data.resolved = resolved;
    return data;
  }

  private resolveOption(
    type: number,
    value: unknown,
    resolved: { users: JsonRecord; channels: JsonRecord },
  ): void {
    if (typeof value !== 'string') return;
    if (type === OPTION_TYPE.user) {
      const user = this.users.get(value);
      if (user) resolved.users[value] = userPayload(user.id, user.username, false);
    } else if (type === OPTION_TYPE.channel) {
      const channel = this.channels.get(value);
      if (channel)
        resolved.channels[value] = {
          ...this.channelPayload(channel),
          permissions: String(this.botPermissionsIn(channel)),
        };
    }
  }

  private findCommand(name: string, guildId: string | undefined): RegisteredCommand | undefined {
    const isChatInput = (command: RegisteredCommand): boolean =>
      command.name === name && command.type === COMMAND_TYPE.chatInput;
    const inGuild =
      guildId === undefined ? undefined : this.guildCommandLists.get(guildId)?.find(isChatInput);
    return inGuild ?? this.globalCommandList.find(isChatInput);
  }

  /** A snowflake with the current time, unique within this fake. */
  private nextId(): string {
    this.idCounter = (this.idCounter + 1) & 0x1ffff;
    return String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | BigInt(this.idCounter));
  }
}

function inferOptionType(value: FakeOptionValue): number {
  if (typeof value === 'string') return OPTION_TYPE.string;
  if (typeof value === 'boolean') return OPTION_TYPE.boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? OPTION_TYPE.integer : OPTION_TYPE.number;
  return value.type;
}

function userPayload(id: string, username: string, bot: boolean): JsonRecord {
  return {
    id,
    username,
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot,
    system: false,
    public_flags: 0,
    flags: 0,
  };
}

/** Whether `@everyone`/`@here` in the content would ping: regular messages parse everything by default. */
function pingsEveryone(content: string, allowed: APIAllowedMentions | null): boolean {
  if (!content.includes('@everyone') && !content.includes('@here')) return false;
  // Without allowed_mentions everything is parsed; with it, only what `parse` lists.
  if (allowed === null) return true;
  const parse: readonly string[] | undefined = allowed.parse;
  return parse?.includes('everyone') === true;
}

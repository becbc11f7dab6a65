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
 * The parts, one concept per file: `server.ts` (HTTP transport and routing), `methods/` (the Bot API
 * methods), `html.ts` + `html-entities.ts` (the HTML parse_mode), `params.ts` (parameter coercion),
 * `replies.ts` (answers and errors), `state.ts` (chats, users, members, messages), `updates.ts` (the update
 * queue and long poll),
 * `update-builders.ts`, `records.ts` (what the bot did), `faults.ts` (injected failures), `limits.ts` (rate
 * limits), `webhook-client.ts` (webhook deliveries) and `waiters.ts` (bounded waits).
 *
 * @see https://core.telegram.org/bots/api
 */
import type { ServerResponse } from 'node:http';
import type { FailChatOptions, FailEveryOptions, Failure } from './faults.js';
import { Faults } from './faults.js';
import { RateLimiter, type RateLimits } from './limits.js';
import { MethodDispatcher } from './methods/index.js';
import { chatKey, type Params, paramInt } from './params.js';
import { TelegramRecords } from './records.js';
import { EMPTY_UPDATES, METHOD_NOT_FOUND, type Reply } from './replies.js';
import { BotApiServer } from './server.js';
import { TelegramState } from './state.js';
import type {
  CallbackQueryInput,
  ChatMemberStatus,
  CommandRegistration,
  DeliverOptions,
  EditedMessage,
  FakeChat,
  FakeTelegramOptions,
  FakeTelegramStats,
  FakeUser,
  SendTextInput,
  SentMessage,
  WebhookRegistration,
} from './types.js';
import { callbackQueryUpdate, migrationUpdates, myChatMemberUpdate, textUpdate } from './update-builders.js';
import { UpdateQueue } from './updates.js';
import { WebhookClient, webhookReplyCall } from './webhook-client.js';

export type { FailChatOptions, FailEveryOptions, Failure, FailureName } from './faults.js';
export type { HtmlLink, HtmlParseOptions, HtmlParseResult } from './html.js';
export { parseTelegramHtml } from './html.js';
export type { RateLimits } from './limits.js';
export type * from './types.js';

/** Token used when none is given; the part before `:` is the bot id, as in real tokens. */
const DEFAULT_TOKEN = '7000000001:AAfake-briefcast-test-token_0123456789';
const DEFAULT_BOT_USERNAME = 'briefcast_test_bot';
const DEFAULT_BOT_FIRST_NAME = 'Briefcast Test';
const FALLBACK_BOT_ID = 7_000_000_001;
/** Long polls are held at most this long by default so that tests shut down quickly. */
const DEFAULT_MAX_POLL_HOLD_MS = 1_000;
const DEFAULT_WAIT_TIMEOUT_MS = 3_000;
const GET_UPDATES_KEY = 'getupdates';

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

  private readonly state: TelegramState;
  private readonly records = new TelegramRecords();
  private readonly updates: UpdateQueue;
  private readonly faults = new Faults();
  private readonly limits = new RateLimiter();
  private readonly methods: MethodDispatcher;
  private readonly server: BotApiServer;
  private readonly webhookClient = new WebhookClient();
  private rootUrl: string | undefined;
  private stopping = false;

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
    this.state = new TelegramState(this.botUser);
    this.updates = new UpdateQueue(options.maxPollHoldMs ?? DEFAULT_MAX_POLL_HOLD_MS);
    this.setLimits(options.limits ?? {});
    this.methods = new MethodDispatcher({
      state: this.state,
      records: this.records,
      updates: this.updates,
      faults: this.faults,
      limits: this.limits,
      strictHtml: options.strictHtml ?? true,
      recordSent: options.recordSent ?? true,
    });
    this.server = new BotApiServer({
      token: this.token,
      knows: (methodKey) => methodKey === GET_UPDATES_KEY || this.methods.canonical(methodKey) !== undefined,
      call: (methodKey, params, res) => this.call(methodKey, params, res),
    });
  }

  // ------------------------------------------------------------------------------------------------------
  // Lifecycle
  // ------------------------------------------------------------------------------------------------------

  /** Listens on 127.0.0.1 on an OS-chosen port; resolves with the `apiRoot` to give telegraf. */
  async start(): Promise<{ apiRoot: string }> {
    if (this.server.listening) throw new Error('FakeTelegram is already started');
    const root = await this.server.listen();
    this.stopping = false;
    this.webhookClient.open();
    this.rootUrl = root;
    return { apiRoot: root };
  }

  /**
   * Answers a held long poll with `[]`, rejects pending waits, closes every connection and the listener.
   * Stop the bot first (`bot.stop()`): a bot still polling a stopped fake backs off and retries forever.
   */
  async stop(): Promise<void> {
    if (!this.server.listening) return;
    this.stopping = true;
    this.updates.finishHeldPoll(EMPTY_UPDATES);
    const stopped = new Error('FakeTelegram stopped');
    this.records.sentWaiters.rejectAll(stopped);
    this.updates.consumedWaiters.rejectAll(stopped);
    this.records.callWaiters.rejectAll(stopped);
    this.webhookClient.close();
    await this.server.close();
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
    return this.records.sent;
  }

  /** Messages accepted for one chat (`42` and `'42'` are the same chat). */
  sentTo(chatId: number | string): readonly SentMessage[] {
    return this.records.sentTo(chatKey(chatId));
  }

  /** How many messages were accepted for one chat (kept even when `recordSent` is off). */
  sentCount(chatId: number | string): number {
    return this.records.sentCount(chatKey(chatId));
  }

  /** Every accepted editMessageText call. */
  get edits(): readonly EditedMessage[] {
    return this.records.edits;
  }

  /** Every accepted deleteMessage call. */
  get deleted(): readonly { readonly chat_id: number | string; readonly message_id: number }[] {
    return this.records.deleted;
  }

  /** Every answerCallbackQuery call's parameters (including ones sent as a webhook reply). */
  get callbackAnswers(): readonly Readonly<Record<string, unknown>>[] {
    return this.records.callbackAnswers;
  }

  /** Every accepted sendChatAction call. */
  get chatActions(): readonly { readonly chat_id: number | string; readonly action: string }[] {
    return this.records.chatActions;
  }

  /** Chats the bot left through leaveChat, as given. */
  get leftChats(): readonly (number | string)[] {
    return this.records.leftChats;
  }

  /** The command lists set by setMyCommands, one per scope and language. */
  get commands(): readonly CommandRegistration[] {
    return [...this.state.commandSets.values()];
  }

  /** The webhook set by setWebhook, if any. */
  get webhook(): WebhookRegistration | undefined {
    return this.state.webhook;
  }

  /** Counters: accepted sendMessage calls, 429 answers, calls per method. A snapshot. */
  get stats(): FakeTelegramStats {
    return this.records.stats;
  }

  /** Updates pushed but not yet confirmed by the bot's getUpdates offset. */
  get pendingUpdates(): number {
    return this.updates.pending;
  }

  /** Forgets recorded messages, edits, answers and counters (not chats, failures, limits or queued updates). */
  reset(): void {
    this.records.reset();
  }

  // ------------------------------------------------------------------------------------------------------
  // Configuration
  // ------------------------------------------------------------------------------------------------------

  /** Sets what getChatMember answers for `userId` in `chatId` (default `member`). */
  setChatMember(chatId: number | string, userId: number, status: ChatMemberStatus): void {
    this.state.setChatMember(chatId, userId, status);
  }

  /** Registers a chat so that getChat and sent messages report its real type and title. */
  setChat(chat: FakeChat): void {
    this.state.setChat(chat);
  }

  /**
   * Makes calls naming `chatId` fail with `failure`, `times` times (default: until {@link clearFailures}).
   * Checked after parameter validation, before rate limits.
   */
  failChat(chatId: number | string, failure: Failure, options: FailChatOptions = {}): void {
    this.faults.failChat(chatKey(chatId), failure, options);
  }

  /**
   * Fails every `n`-th valid sendMessage call (over all chats) with `failure`, e.g.
   * `failEvery(3, { retryAfter: 5 }, { forMs: 60_000 })` for "429 to every third send for a minute".
   */
  failEvery(n: number, failure: Failure, options: FailEveryOptions = {}): void {
    this.faults.failEvery(n, failure, options);
  }

  /** Removes every injected failure (failChat and failEvery). */
  clearFailures(): void {
    this.faults.clear();
  }

  /** Replaces the rate limits (an empty object turns them off) and forgets past sends. */
  setLimits(limits: RateLimits): void {
    this.limits.set(limits);
  }

  // ------------------------------------------------------------------------------------------------------
  // Updates
  // ------------------------------------------------------------------------------------------------------

  /** Queues a raw update for getUpdates; `update_id` is assigned when missing. Returns the update id. */
  pushUpdate(update: Readonly<Record<string, unknown>>): number {
    return this.updates.push(update);
  }

  /**
   * Queues a text message from a user (`message`), or a `channel_post` (with `sender_chat`, no `from`) when the
   * chat is a channel. A leading `/command` gets its `bot_command` entity. Returns the update id.
   */
  sendText(input: SendTextInput): number {
    return this.updates.push(textUpdate(this.state, input));
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
    return this.updates.push(myChatMemberUpdate(this.state, chat, newStatus, options));
  }

  /**
   * Queues what Telegram sends when a group becomes a supergroup: a service message with `migrate_to_chat_id`
   * in the old group, then one with `migrate_from_chat_id` in the new supergroup. From then on, calls naming the
   * old id fail with `group chat was upgraded to a supergroup chat` and `parameters.migrate_to_chat_id`.
   * Returns the update id of the first message.
   */
  pushMigration(fromChatId: number, toChatId: number): number {
    const [toOld, toNew] = migrationUpdates(this.state, fromChatId, toChatId);
    const first = this.updates.push(toOld);
    this.updates.push(toNew);
    this.failChat(fromChatId, { migrateTo: toChatId });
    return first;
  }

  /** Queues a `callback_query` (a button press on a bot message). Returns the update id. */
  pushCallbackQuery(input: CallbackQueryInput): number {
    return this.updates.push(callbackQueryUpdate(this.state, input));
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
    const registered = this.state.webhook;
    let target = options.url;
    if (target === undefined && registered !== undefined) {
      const url = new URL(registered.url);
      target =
        options.origin === undefined ? url.href : new URL(url.pathname + url.search, options.origin).href;
    }
    if (target === undefined)
      throw new Error('FakeTelegram.deliverToWebhook: no webhook is set and no url given');
    const body = JSON.stringify(this.updates.withUpdateId(update));
    const response = await this.webhookClient.post(
      target,
      body,
      options.secretToken ?? registered?.secret_token,
    );
    const call = webhookReplyCall(response);
    if (call !== undefined) this.methods.dispatch(call.method, call.params);
    return response.status;
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
    const sent = this.records.sent;
    const existing = sent.find(predicate);
    if (existing !== undefined) return Promise.resolve(existing);
    let last = sent.length;
    return this.records.sentWaiters.wait(
      () => {
        // Only messages recorded since the previous check need testing.
        const found = sent.slice(last).find(predicate);
        last = sent.length;
        return found;
      },
      timeoutMs,
      () =>
        `FakeTelegram.waitForSent: no matching message within ${timeoutMs} ms. ${this.records.describeSent()}`,
      this.stopping,
    );
  }

  /**
   * Resolves once the bot has confirmed (through its getUpdates offset) every update pushed so far. With
   * telegraf that means the handlers of those updates have finished. Rejects after `timeoutMs`.
   */
  waitForUpdatesConsumed(timeoutMs = DEFAULT_WAIT_TIMEOUT_MS): Promise<true> {
    return this.updates.consumedWaiters.wait(
      () => (this.updates.pending === 0 ? true : undefined),
      timeoutMs,
      () =>
        `FakeTelegram.waitForUpdatesConsumed: ${this.updates.pending} update(s) still pending after ${timeoutMs} ms ` +
        `(getUpdates calls so far: ${this.records.calls('getUpdates')}).`,
      this.stopping,
    );
  }

  /** Resolves once `method` has been called at least `count` times in total (e.g. the bot's first getUpdates). */
  waitForCall(method: string, count = 1, timeoutMs = DEFAULT_WAIT_TIMEOUT_MS): Promise<true> {
    const name = this.methods.canonical(method) ?? method;
    return this.records.callWaiters.wait(
      () => (this.records.calls(name) >= count ? true : undefined),
      timeoutMs,
      () =>
        `FakeTelegram.waitForCall: ${name} called ${this.records.calls(name)} time(s), expected ${count}.`,
      this.stopping,
    );
  }

  /** getUpdates is the update queue's long poll; every other method goes through the dispatcher. */
  private call(methodKey: string, params: Params, res: ServerResponse): Reply | undefined {
    if (methodKey === GET_UPDATES_KEY) {
      this.records.countCall('getUpdates');
      return this.updates.getUpdates(params, res, {
        webhookActive: this.state.webhook !== undefined,
        stopping: this.stopping,
      });
    }
    return this.methods.dispatch(methodKey, params) ?? METHOD_NOT_FOUND;
  }
}

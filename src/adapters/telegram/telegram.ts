import { setTimeout as sleep } from 'node:timers/promises';
import { Telegraf } from 'telegraf';
import { channelPost, message } from 'telegraf/filters';
import type { ChatMemberUpdated, Message, Update } from 'telegraf/types';
import type { Config } from '../../config.js';
import type { ChatRef } from '../../core/chat.js';
import type { Invocation } from '../../core/dispatch.js';
import { apologyDoc } from '../../core/dispatch.js';
import type { SendGate } from '../../core/sender.js';
import type { RetryPolicy } from '../../delivery/outcomes.js';
import type { Adapter, AdapterContext } from '../adapter.js';
import { answerButton } from './buttons.js';
import { TelegramCallError } from './errors.js';
import { onMigration, onMyChatMember } from './membership.js';
import { registerMenus } from './menu.js';
import {
  chatKindOf,
  chatOf,
  chatTitleOf,
  isAnonymousAdmin,
  isForBot,
  parseCommand,
  userOf,
} from './message.js';
import { renderTelegram } from './render.js';
import { Replier, type ReplyTarget } from './reply.js';
import { TelegramSender } from './sender.js';
import { malformedUpdate } from './update-shape.js';

/**
 * How long {@link TelegramAdapter.stop} waits for updates under way (a reply waiting for the gate, a
 * subscription being saved) before giving up on them.
 */
export const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/** How long a leader whose long polling could not start waits before trying again. */
export const DEFAULT_POLL_RETRY_MS = 5_000;

/** The command Telegram sends a deep link's payload with. @see https://core.telegram.org/bots/features#deep-linking */
const DEEP_LINK_COMMAND = 'start';

/** Chat member statuses that make a chat admin. @see https://core.telegram.org/bots/api#chatmember */
const ADMIN_STATUSES: ReadonlySet<string> = new Set(['creator', 'administrator']);

/**
 * The updates the bot asks for: commands in chats and channels, its own membership, the group
 * upgrade service messages (which arrive as messages), and presses of its buttons.
 * @see https://core.telegram.org/bots/api#getupdates
 */
const ALLOWED_UPDATES = ['message', 'channel_post', 'my_chat_member', 'callback_query'] as const;

/**
 * The language the sender's Telegram app is set to, in a private chat only: a group's readers each
 * have their own, and the one who typed the command speaks for none of them.
 * @see https://core.telegram.org/bots/api#user
 */
export function localeOf(msg: Message): string | undefined {
  return msg.chat.type === 'private' ? msg.from?.language_code : undefined;
}

function withLocale(locale: string | undefined): { locale?: string } {
  return locale === undefined ? {} : { locale };
}

/**
 * The Bot API root as telegraf needs it: telegraf resolves `./bot<token>/<method>` against it, so a root
 * with a path (`http://host/telegram`) must end in `/` or the path is dropped.
 */
export function apiRootOf(configured: string): string {
  return configured.endsWith('/') ? configured : `${configured}/`;
}

/** What {@link createTelegramAdapter} needs. */
export interface TelegramAdapterOptions extends AdapterContext {
  readonly config: NonNullable<Config['telegram']>;
  /**
   * Every command reply passes it (digests pass it in delivery); without one, replies go out at once
   * (but still wait out a 429's `retry_after`).
   */
  readonly gate?: SendGate;
  /** How replies are retried. @defaultValue `DEFAULT_RETRY_POLICY`, the one digests are sent with */
  readonly retry?: RetryPolicy;
  /** The time for subscription changes made by membership updates. */
  readonly now: () => Date;
  /**
   * Editors' Telegram user ids (`ADMIN_TELEGRAM_IDS`): their private chats get a command menu with the
   * editor commands. @defaultValue none
   */
  readonly editorIds?: readonly string[];
  /** The interface the webhook server listens on. @defaultValue all interfaces */
  readonly webhookHost?: string;
  /** @defaultValue {@link DEFAULT_STOP_TIMEOUT_MS} */
  readonly stopTimeoutMs?: number;
  /**
   * Long polling waits for {@link TelegramAdapter.startPolling} instead of starting with `start()`:
   * several processes share one bot and only the leader may poll (Telegram answers a second poller
   * 409). Ignored in webhook mode, where every process serves the updates sent to it. @defaultValue false
   */
  readonly pollOnlyWhenLeading?: boolean;
  /** @defaultValue {@link DEFAULT_POLL_RETRY_MS} */
  readonly pollRetryMs?: number;
}

/**
 * Telegram through telegraf: turns messages and channel posts that start with a command into
 * {@link Invocation}s for the dispatcher and answers with the rendered reply; turns `my_chat_member` and
 * group upgrades into newsroom calls; and offers delivery a {@link TelegramSender}.
 *
 * Each update is handled in the background, tracked until done, so a reply waiting for the send gate
 * never holds up the updates behind it (telegraf awaits a whole `getUpdates` batch before the next poll)
 * and `stop()` can wait for work under way. Long polling by default; a webhook when `config.webhook` is set.
 */
export class TelegramAdapter implements Adapter {
  readonly name = 'telegram';
  readonly sender: TelegramSender;
  readonly #bot: Telegraf;
  readonly #replier: Replier;
  readonly #secrets: readonly string[];
  readonly #inFlight = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #connected = false;
  /** Long polling is on (or being turned on); false in webhook mode. */
  #polling = false;
  /** {@link startPolling} was called and {@link stopPolling} not since: polling should run. */
  #wantPolling = false;
  #pollRetry: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped: Promise<void> | undefined;

  constructor(private readonly options: TelegramAdapterOptions) {
    const { config } = options;
    this.#secrets = [config.token, ...(config.webhook ? [config.webhook.secret] : [])];
    this.#bot = new Telegraf(config.token, {
      telegram: { ...(config.apiRoot !== undefined && { apiRoot: apiRootOf(config.apiRoot) }) },
    });
    this.sender = new TelegramSender(this.#bot.telegram, this.#secrets, options.logger);
    this.#replier = new Replier({
      telegram: this.#bot.telegram,
      newsroom: options.newsroom,
      logger: options.logger,
      secrets: this.#secrets,
      now: options.now,
      signal: this.#abort.signal,
      ...(options.gate !== undefined && { gate: options.gate }),
      ...(options.retry !== undefined && { retry: options.retry }),
    });
    this.#registerHandlers();
  }

  #registerHandlers(): void {
    const bot = this.#bot;
    // Without a catch, telegraf rethrows, which ends polling: nothing may escape a handler.
    bot.catch((error, ctx) => this.#failed(error, ctx.update));
    // First of all, so no handler and none of telegraf's filters reads a malformed update.
    bot.use((ctx, next) => {
      const why = malformedUpdate(ctx.update);
      if (why === undefined) return next();
      this.options.logger.warn(
        { updateId: ctx.update.update_id, why },
        'ignoring a malformed Telegram update',
      );
      return undefined;
    });
    bot.on('my_chat_member', (ctx) => this.#track(ctx.update, () => this.#onMyChatMember(ctx.myChatMember)));
    bot.on(message('migrate_to_chat_id'), (ctx) =>
      this.#track(ctx.update, () => this.#onMigration(ctx.message.chat.id, ctx.message.migrate_to_chat_id)),
    );
    bot.on(message('migrate_from_chat_id'), (ctx) =>
      this.#track(ctx.update, () => this.#onMigration(ctx.message.migrate_from_chat_id, ctx.message.chat.id)),
    );
    bot.on(message('text'), (ctx) => this.#track(ctx.update, () => this.#onText(ctx.message, ctx.update)));
    bot.on('callback_query', (ctx) =>
      this.#track(ctx.update, () =>
        answerButton(ctx.callbackQuery, ctx.update.update_id, {
          telegram: this.#bot.telegram,
          dispatcher: this.options.dispatcher,
          logger: this.options.logger,
          secrets: this.#secrets,
          ...(this.options.gate !== undefined && { gate: this.options.gate }),
        }),
      ),
    );
    bot.on(channelPost('text'), (ctx) =>
      this.#track(ctx.update, () => this.#onText(ctx.channelPost, ctx.update)),
    );
  }

  /** Runs an update's work in the background, tracked for {@link settled} and {@link stop}. */
  #track(update: Update, work: () => Promise<void>): void {
    const task = work()
      .catch((error: unknown) => this.#failed(error, update))
      .finally(() => this.#inFlight.delete(task));
    this.#inFlight.add(task);
  }

  /**
   * Logs a failure with the update id (never the update: some servers put the token in it) and apologizes.
   * Never rejects: it is telegraf's error handler, and telegraf stops polling when that rejects.
   */
  async #failed(error: unknown, update: Update): Promise<void> {
    this.options.logger.error(
      { err: new TelegramCallError(error, this.#secrets), updateId: update.update_id },
      'Telegram update failed',
    );
    try {
      // An update that failed the shape check never reached a handler, and gets no apology.
      if (malformedUpdate(update) !== undefined) return;
      const msg =
        'message' in update ? update.message : 'channel_post' in update ? update.channel_post : undefined;
      // Only a command for this bot gets an apology; a group's other messages are none of our business.
      if (msg === undefined || !('text' in msg)) return;
      const command = parseCommand(msg.text, msg.entities);
      if (command === undefined || !isForBot(command, this.#bot.botInfo?.username)) return;
      const target = this.#targetOf(msg, update);
      const tr = await this.options.dispatcher.replyTranslator({
        chat: target.chat,
        ...withLocale(localeOf(msg)),
      });
      await this.#replier.reply(target, renderTelegram(apologyDoc(tr)));
    } catch (apologyError) {
      this.options.logger.error(
        { err: new TelegramCallError(apologyError, this.#secrets), updateId: update.update_id },
        'could not apologize for a failed update',
      );
    }
  }

  #targetOf(msg: Message, update: Update): ReplyTarget {
    return {
      chat: chatOf(msg),
      chatKind: chatKindOf(msg.chat),
      messageId: msg.message_id,
      updateId: update.update_id,
    };
  }

  async #onText(msg: Message.TextMessage, update: Update): Promise<void> {
    // A channel post forwarded into its discussion group would run the command twice.
    if (msg.is_automatic_forward) return;
    const command = parseCommand(msg.text, msg.entities);
    if (command === undefined || !isForBot(command, this.#bot.botInfo?.username)) return;
    const target = this.#targetOf(msg, update);
    const known = this.options.dispatcher.find(command.name, 'telegram') !== undefined;
    // In a group every bot sees `/help`; only answer what is ours or addressed to us by name.
    if (!known && target.chatKind !== 'private' && command.bot === undefined) return;
    const title = chatTitleOf(msg.chat);
    // Messages sent on behalf of a chat (channel posts, anonymous admins) carry no person.
    const user = msg.from !== undefined && msg.sender_chat === undefined ? userOf(msg.from) : undefined;
    const invocation: Invocation = {
      platform: 'telegram',
      command: command.name,
      // `/start PAYLOAD` is how Telegram opens a deep link (t.me/bot?start=PAYLOAD); /start takes no arguments.
      input: { text: command.name === DEEP_LINK_COMMAND ? '' : command.rest },
      chat: target.chat,
      chatKind: target.chatKind,
      ...(title !== undefined && { chatTitle: title }),
      ...(user !== undefined && { user }),
      isChatAdmin: () => this.#isChatAdmin(msg),
      updateId: String(update.update_id),
      ...withLocale(localeOf(msg)),
    };
    const doc = await this.options.dispatcher.dispatch(invocation);
    await this.#replier.reply(target, renderTelegram(doc));
  }

  /**
   * Whether the sender administers the chat, asked on every call: in a private chat they do; in a channel
   * whoever can post does; an anonymous group admin does; otherwise `getChatMember` says creator or
   * administrator. When Telegram cannot say, the answer is no.
   */
  async #isChatAdmin(msg: Message): Promise<boolean> {
    const kind = chatKindOf(msg.chat);
    if (kind === 'private' || kind === 'channel') return true;
    if (isAnonymousAdmin(msg)) return true;
    if (msg.from === undefined || msg.sender_chat !== undefined) return false;
    try {
      const member = await this.#bot.telegram.getChatMember(msg.chat.id, msg.from.id);
      return ADMIN_STATUSES.has(member.status);
    } catch (error) {
      this.options.logger.warn(
        {
          err: new TelegramCallError(error, this.#secrets),
          chat: String(msg.chat.id),
          user: String(msg.from.id),
        },
        'could not ask Telegram whether the user is a chat admin; treating them as not one',
      );
      return false;
    }
  }

  async #onMyChatMember(update: ChatMemberUpdated): Promise<void> {
    const paused = await onMyChatMember(this.options.newsroom, update, this.options.now());
    const status = update.new_chat_member.status;
    if (paused.length > 0) {
      this.options.logger.info(
        { chat: String(update.chat.id), status, paused: paused.length },
        'the bot lost access to a chat; its subscriptions are paused',
      );
    } else if (status === 'member' || status === 'administrator') {
      this.options.logger.info(
        { chat: String(update.chat.id), status },
        'the bot was added to a chat (subscriptions resume only with /subscribe)',
      );
    }
  }

  async #onMigration(from: number, to: number): Promise<void> {
    if (await onMigration(this.options.newsroom, from, to, this.options.now())) {
      this.options.logger.info(
        { from: String(from), to: String(to) },
        'group upgraded to a supergroup; subscription moved',
      );
    }
  }

  /**
   * Connects: `getMe`, then long polling (or the webhook server and `setWebhook`), then the command
   * menus. Resolves once updates are being received; a failed menu registration only logs a warning.
   */
  async start(): Promise<void> {
    const { config, logger } = this.options;
    const webhook = config.webhook;
    const deferred = webhook === undefined && this.options.pollOnlyWhenLeading === true;
    if (deferred) {
      // A standby still answers `getMe` (the bot's username, for group commands) and stays healthy.
      this.#bot.botInfo ??= await this.#bot.telegram.getMe().catch((error: unknown) => {
        const safe = new TelegramCallError(error, this.#secrets);
        logger.error({ err: safe }, 'Telegram connection failed');
        throw safe;
      });
      this.#connected = true;
    } else {
      await this.#launch();
    }
    await registerMenus(
      this.#bot.telegram,
      this.options.dispatcher.commandsFor('telegram'),
      this.options.editorIds ?? [],
      logger,
      this.#secrets,
    );
    logger.info(
      {
        bot: this.#bot.botInfo?.username,
        mode: webhook !== undefined ? 'webhook' : deferred ? 'polling when leading' : 'polling',
      },
      'Telegram connected',
    );
  }

  /** Launches telegraf: polling (resolved once the first poll is under way) or the webhook server. */
  #launch(): Promise<void> {
    const { config, logger } = this.options;
    const webhook = config.webhook;
    this.#polling = webhook === undefined;
    return new Promise<void>((resolve, reject) => {
      const launched = this.#bot.launch(
        {
          allowedUpdates: [...ALLOWED_UPDATES],
          ...(webhook !== undefined && { webhook: this.#webhookOptions(webhook) }),
        },
        () => {
          this.#connected = true;
          // Polling: launch() resolves only when polling ends. Webhook: it resolves once set up.
          if (webhook === undefined) resolve();
        },
      );
      this.#running = launched.then(
        () => {
          if (webhook !== undefined) resolve();
          // Polling that ended because this process stood by leaves the adapter connected.
          else if (this.#polling) this.#connected = false;
        },
        (error: unknown) => {
          this.#connected = false;
          this.#polling = false;
          const safe = new TelegramCallError(error, this.#secrets);
          logger.error({ err: safe }, 'Telegram connection failed');
          reject(safe);
          this.#retryPollingLater();
        },
      );
    });
  }

  /** Whether this process is long polling now. */
  get polling(): boolean {
    return this.#polling;
  }

  /**
   * Starts long polling (this process took the lead); nothing in webhook mode or when already
   * polling. A failure is logged and leaves the adapter disconnected (`/healthz` says so).
   */
  async startPolling(): Promise<void> {
    if (this.options.config.webhook !== undefined || this.#stopped) return;
    this.#wantPolling = true;
    if (this.#polling) return;
    clearTimeout(this.#pollRetry);
    try {
      // Updates confirmed by the previous poller are gone from the queue; the rest come to us.
      await this.#launch();
      this.options.logger.info('Telegram long polling started (leading)');
    } catch {
      // Logged by #launch, which also plans the next try.
    }
  }

  /** A leader whose polling failed (or never started) answers no command: try again while leading. */
  #retryPollingLater(): void {
    if (!this.#wantPolling || this.#stopped) return;
    const retryMs = this.options.pollRetryMs ?? DEFAULT_POLL_RETRY_MS;
    this.options.logger.warn({ retryMs }, 'Telegram long polling is not running; trying again');
    clearTimeout(this.#pollRetry);
    this.#pollRetry = setTimeout(() => void this.startPolling(), retryMs);
    this.#pollRetry.unref();
  }

  /**
   * Stops long polling (this process stands by) and waits for the poll under way to end; updates
   * already received are still answered. Nothing in webhook mode.
   */
  async stopPolling(): Promise<void> {
    this.#wantPolling = false;
    clearTimeout(this.#pollRetry);
    if (!this.#polling) return;
    this.#polling = false;
    try {
      this.#bot.stop('standing by');
    } catch {
      // Never launched: nothing is polling.
    }
    await this.#running?.catch(() => undefined);
    this.options.logger.info('Telegram long polling stopped (standing by)');
  }

  #webhookOptions(webhook: NonNullable<Config['telegram']>['webhook'] & object) {
    const url = new URL(webhook.url);
    return {
      domain: url.host,
      // telegraf compares the request path with this exactly.
      path: `${url.pathname}${url.search}`,
      port: webhook.port,
      secretToken: webhook.secret,
      ...(this.options.webhookHost !== undefined && { host: this.options.webhookHost }),
    };
  }

  /** The bot's username, known once started (`getMe`). */
  get username(): string | undefined {
    return this.#bot.botInfo?.username;
  }

  /** Resolves when every update received so far has been handled (replies sent, subscriptions saved). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /**
   * Stops receiving updates, cuts short replies waiting at the gate or for a retry, and waits (at most
   * `stopTimeoutMs`) for updates under way. Safe to call twice, and before `start`.
   */
  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      this.#wantPolling = false;
      clearTimeout(this.#pollRetry);
      try {
        this.#bot.stop('stop');
      } catch {
        // Never launched (or launch failed): nothing is polling.
      }
      this.#abort.abort();
      const timeoutMs = this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
      const done = Promise.allSettled([this.settled(), this.#running]).then(() => true);
      const timer = sleep(timeoutMs, false, { ref: false });
      if (!(await Promise.race([done, timer]))) {
        this.options.logger.warn(
          { inFlight: this.#inFlight.size, timeoutMs },
          'Telegram updates still under way at stop; leaving them',
        );
      }
      this.#connected = false;
    })();
    return this.#stopped;
  }

  isConnected(): boolean {
    return this.#connected;
  }

  /** An editor's private chat: on Telegram its id is the user's (it works once they have started the bot). */
  async directChat(userId: string): Promise<ChatRef> {
    return { platform: 'telegram', id: userId };
  }
}

/**
 * Creates the Telegram adapter (not yet started). Command replies pass `options.gate`; digests are
 * sent through `adapter.sender`, which delivery gates itself.
 */
export function createTelegramAdapter(options: TelegramAdapterOptions): TelegramAdapter {
  return new TelegramAdapter(options);
}

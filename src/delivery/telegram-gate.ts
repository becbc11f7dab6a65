import { RateLimiterMemory, RateLimiterQueue, RateLimiterRes } from 'rate-limiter-flexible';
import type { ChatKind, ChatRef } from '../core/chat.js';
import type { SendGate } from '../core/sender.js';
import type { Logger } from '../log.js';
import { sleep } from './wait.js';

/*
 * Telegram's limits for bots, from the Bots FAQ ("My bot is hitting limits, how do I avoid this?" /
 * "Broadcasting to users"): https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
 * - about 30 messages per second overall, up to 1,000 with paid broadcasts;
 * - no more than one message per second in a single chat ("short bursts" tolerated);
 * - no more than 20 messages per minute in a group.
 * The exact limits are not published and change; a 429 with `retry_after` is the final word.
 */

/** Messages per second to all chats together without paid broadcasts. */
export const TELEGRAM_OVERALL_PER_SECOND = 30;
/** Messages per second to one chat. */
export const TELEGRAM_PER_CHAT_PER_SECOND = 1;
/** Messages per minute to one group (and, to be safe, one channel). */
export const TELEGRAM_PER_GROUP_PER_MINUTE = 20;
/**
 * Added to every `retry_after`, as python-telegram-bot's AIORateLimiter does (it halts all requests
 * for `retry_after + 0.1` s), so the retry lands after the ban, not on its edge.
 */
export const RETRY_AFTER_MARGIN_MS = 100;
/** A keyed wait gives up after this many rounds and lets the message go (Telegram's 429 still guards). */
const MAX_KEY_WAIT_ROUNDS = 1000;

/** A limit: `points` messages per `seconds`. */
export interface Limit {
  readonly points: number;
  readonly seconds: number;
}

/** Options for {@link TelegramGate}; the limits default to Telegram's. */
export interface TelegramGateOptions {
  /** `TELEGRAM_MAX_PER_SECOND`. @defaultValue {@link TELEGRAM_OVERALL_PER_SECOND} */
  readonly maxPerSecond?: number;
  /** @defaultValue 1 per second */
  readonly perChat?: Limit;
  /** @defaultValue 20 per 60 seconds */
  readonly perGroup?: Limit;
  readonly logger: Logger;
}

/** Where a message to a chat waited, in milliseconds — the debug log's `waitMs` field. */
export interface GateWaits {
  paused: number;
  chat: number;
  group: number;
  overall: number;
}

/**
 * The gate every Telegram message passes — digests and command replies alike — built on
 * rate-limiter-flexible (measured here at ~320,000 releases/s, so a 1,000/s paid broadcast is not
 * held back by the limiter itself; Bottleneck managed ~400/s).
 *
 * A message waits, in order: while a 429 pause is on; for its chat's 1/s slot; for its group's
 * 20/min slot (non-private chats); for a slot of the overall rate — a FIFO `RateLimiterQueue`, so
 * thousands of waiting messages go out in order. The per-chat and per-group waits use a keyed
 * `RateLimiterMemory` directly (one counter per chat, expiring with its window) rather than a queue
 * per chat, which the queue would keep for every chat ever seen.
 */
export class TelegramGate implements SendGate {
  readonly #overall: RateLimiterQueue;
  readonly #perChat: RateLimiterMemory;
  readonly #perGroup: RateLimiterMemory;
  readonly #log: Logger;
  #pausedUntil = 0;

  constructor(options: TelegramGateOptions) {
    const perSecond = options.maxPerSecond ?? TELEGRAM_OVERALL_PER_SECOND;
    this.#overall = new RateLimiterQueue(
      new RateLimiterMemory({ keyPrefix: 'tg-all', points: perSecond, duration: 1 }),
    );
    const perChat = options.perChat ?? { points: TELEGRAM_PER_CHAT_PER_SECOND, seconds: 1 };
    this.#perChat = new RateLimiterMemory({
      keyPrefix: 'tg-chat',
      points: perChat.points,
      duration: perChat.seconds,
    });
    const perGroup = options.perGroup ?? { points: TELEGRAM_PER_GROUP_PER_MINUTE, seconds: 60 };
    this.#perGroup = new RateLimiterMemory({
      keyPrefix: 'tg-group',
      points: perGroup.points,
      duration: perGroup.seconds,
    });
    this.#log = options.logger;
  }

  /** Until when every send is held after a 429 (epoch ms; 0 when not paused). */
  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  async acquire(chat: ChatRef, chatKind?: ChatKind): Promise<void> {
    const waits: GateWaits = { paused: 0, chat: 0, group: 0, overall: 0 };
    waits.paused += await this.#whilePaused();
    waits.chat = await this.#take(this.#perChat, chat.id);
    if (isGroup(chat, chatKind)) waits.group = await this.#take(this.#perGroup, chat.id);
    const before = performance.now();
    await this.#overall.removeTokens(1);
    waits.overall = Math.round(performance.now() - before);
    // A 429 may have come in while this message queued; it waits that out too.
    waits.paused += await this.#whilePaused();
    if (waits.paused + waits.chat + waits.group + waits.overall > 0) {
      this.#log.debug({ platform: 'telegram', chat: chat.id, waitMs: waits }, 'telegram gate wait');
    }
  }

  backOff(seconds: number): void {
    const until = Date.now() + Math.max(0, seconds) * 1000 + RETRY_AFTER_MARGIN_MS;
    if (until <= this.#pausedUntil) return;
    this.#pausedUntil = until;
    this.#log.warn(
      { platform: 'telegram', retryAfterSeconds: seconds },
      'telegram said 429: holding every send',
    );
  }

  /** Waits out a 429 pause (which may be extended meanwhile); returns the milliseconds waited. */
  async #whilePaused(): Promise<number> {
    const before = performance.now();
    // Each round sleeps until the pause as it stands ends; only a new 429 extends it.
    for (let round = 0; round < MAX_KEY_WAIT_ROUNDS; round++) {
      const left = this.#pausedUntil - Date.now();
      if (left <= 0) break;
      await sleep(left);
    }
    return Math.round(performance.now() - before);
  }

  /** Takes one point of `key`'s window, waiting for the next window while it is spent. */
  async #take(limiter: RateLimiterMemory, key: string): Promise<number> {
    const before = performance.now();
    for (let round = 0; round < MAX_KEY_WAIT_ROUNDS; round++) {
      try {
        await limiter.consume(key);
        break;
      } catch (e) {
        if (!(e instanceof RateLimiterRes)) throw e;
        await sleep(Math.max(1, e.msBeforeNext));
      }
    }
    return Math.round(performance.now() - before);
  }
}

/** Groups, supergroups and channels — Telegram gives them negative ids — share the per-group limit. */
function isGroup(chat: ChatRef, chatKind: ChatKind | undefined): boolean {
  if (chatKind !== undefined) return chatKind !== 'private';
  return chat.id.startsWith('-');
}

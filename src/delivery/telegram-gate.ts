import type { ChatKind, ChatRef } from '../core/chat.js';
import type { SendGate } from '../core/sender.js';
import type { Logger } from '../log.js';
import { AnswerWindow } from './answer-window.js';
import { sleep } from './wait.js';
import { WindowQueue } from './window-queue.js';

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
/** A 429 pause is re-checked at most this many times (each wait lasts until the pause as it stands ends). */
const MAX_PAUSE_ROUNDS = 1000;
/**
 * A sweep for idle per-chat and per-group windows starts this often (checked as messages pass). A
 * chat's window is idle a second after its message; swept once a minute, a fan-out at 1,000/s kept
 * 60,000 of them (about 20 MB) alive, against about 5,000 when swept every 5 s.
 */
const SWEEP_INTERVAL_MS = 5_000;
/**
 * Windows a sweep checks per message passing, so that it goes round the maps a slice at a time:
 * checking 25,000 windows at once held the event loop for 36 ms.
 */
const SWEEP_SLICE = 32;
const MS_PER_SECOND = 1000;

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
 * The gate every Telegram message passes — digests and command replies alike.
 *
 * A message waits, in order: while a 429 pause is on; for its chat's 1/s place; for its group's
 * 20/min place (non-private chats); for a place in the overall rate. Each limit is an
 * {@link AnswerWindow} with its own first-come-first-served line ({@link WindowQueue}), so a burst of
 * replies to one chat goes out in order, one place at a time, and thousands of digests waiting for
 * the overall rate are released by one timer. A window is a sliding window (as Telegram's are) that
 * counts a message from its answer once the sender reports it through {@link answered}, so that no
 * delay between here and Telegram can make two windows overlap there; the answer also wakes whoever
 * waits in that window's line, so the next message goes a window after it, never later. Measured
 * against a fake enforcing sliding windows, a fixed one-second window (rate-limiter-flexible,
 * before) drew 429s on a fifth of the sends at 300/s — each holding every send for over a second —
 * and this draws none.
 *
 * Per-chat and per-group windows live in maps; idle ones are swept every few seconds, a slice at a
 * time as messages pass.
 */
export class TelegramGate implements SendGate {
  readonly #overall: WindowQueue;
  readonly #perChat: Limit;
  readonly #perGroup: Limit;
  readonly #chats = new Map<string, WindowQueue>();
  readonly #groups = new Map<string, WindowQueue>();
  readonly #log: Logger;
  #pausedUntil = 0;
  #lastSweep = performance.now();
  /** The sweep under way: each map still to finish, and where the sweep stands in it. */
  #sweeping: { map: Map<string, WindowQueue>; at: Iterator<[string, WindowQueue]> }[] = [];

  constructor(options: TelegramGateOptions) {
    const perSecond = options.maxPerSecond ?? TELEGRAM_OVERALL_PER_SECOND;
    this.#overall = new WindowQueue(new AnswerWindow(perSecond, MS_PER_SECOND));
    this.#perChat = options.perChat ?? { points: TELEGRAM_PER_CHAT_PER_SECOND, seconds: 1 };
    this.#perGroup = options.perGroup ?? { points: TELEGRAM_PER_GROUP_PER_MINUTE, seconds: 60 };
    this.#log = options.logger;
  }

  /** Until when every send is held after a 429 (epoch ms; 0 when not paused). */
  get pausedUntil(): number {
    return this.#pausedUntil;
  }

  async acquire(chat: ChatRef, chatKind?: ChatKind): Promise<void> {
    const waits: GateWaits = { paused: 0, chat: 0, group: 0, overall: 0 };
    waits.paused += await this.#whilePaused();
    this.#sweep(performance.now());
    waits.chat = await take(this.#keyed(this.#chats, this.#perChat, chat.id));
    if (isGroup(chat, chatKind)) waits.group = await take(this.#keyed(this.#groups, this.#perGroup, chat.id));
    waits.overall = await take(this.#overall);
    // A 429 may have come in while this message queued; it waits that out too.
    waits.paused += await this.#whilePaused();
    if (waits.paused + waits.chat + waits.group + waits.overall > 0) {
      this.#log.debug({ platform: 'telegram', chat: chat.id, waitMs: waits }, 'telegram gate wait');
    }
  }

  answered(chat: ChatRef, chatKind?: ChatKind): void {
    const now = performance.now();
    this.#overall.answered(now);
    this.#chats.get(chat.id)?.answered(now);
    if (isGroup(chat, chatKind)) this.#groups.get(chat.id)?.answered(now);
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
    for (let round = 0; round < MAX_PAUSE_ROUNDS; round++) {
      const left = this.#pausedUntil - Date.now();
      if (left <= 0) break;
      await sleep(left);
    }
    return Math.round(performance.now() - before);
  }

  /** `key`'s queue in `queues`, made when it has none (the sweep drops idle ones). */
  #keyed(queues: Map<string, WindowQueue>, limit: Limit, key: string): WindowQueue {
    let queue = queues.get(key);
    if (queue === undefined) {
      queue = new WindowQueue(new AnswerWindow(limit.points, limit.seconds * MS_PER_SECOND));
      queues.set(key, queue);
    }
    return queue;
  }

  /**
   * Forgets per-chat and per-group windows with nothing left in them: a sweep starts every
   * {@link SWEEP_INTERVAL_MS} and checks {@link SWEEP_SLICE} windows per call until it has gone round
   * both maps (a map's iterator survives deletions and sees windows added meanwhile).
   */
  #sweep(now: number): void {
    if (this.#sweeping.length === 0) {
      if (now - this.#lastSweep < SWEEP_INTERVAL_MS) return;
      this.#lastSweep = now;
      this.#sweeping = [this.#chats, this.#groups].map((map) => ({ map, at: map.entries() }));
    }
    let checked = 0;
    while (checked < SWEEP_SLICE && this.#sweeping.length > 0) {
      const { map, at } = this.#sweeping[0]!;
      const next = at.next();
      if (next.done) {
        this.#sweeping.shift();
        continue;
      }
      const [key, queue] = next.value;
      if (queue.isIdle(now)) map.delete(key);
      checked++;
    }
  }
}

/** Takes a place in `queue`, after everyone already waiting; the milliseconds waited. */
async function take(queue: WindowQueue): Promise<number> {
  if (queue.tryTake(performance.now())) return 0;
  const before = performance.now();
  await queue.wait();
  return Math.round(performance.now() - before);
}

/** Groups, supergroups and channels — Telegram gives them negative ids — share the per-group limit. */
function isGroup(chat: ChatRef, chatKind: ChatKind | undefined): boolean {
  if (chatKind !== undefined) return chatKind !== 'private';
  return chat.id.startsWith('-');
}

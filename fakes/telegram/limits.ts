/**
 * Optional sendMessage rate limits of the fake Telegram Bot API, as sliding windows: over all chats, per chat
 * and per group. A send over a limit is answered `429 Too Many Requests: retry after N`.
 *
 * @see https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this
 */
import { floodReply, type HttpReply } from './replies.js';

const MS_PER_SECOND = 1_000;
const MS_PER_MINUTE = 60_000;

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

/** The configured {@link RateLimits} and their windows, one per chat and per group as they are first used. */
export class RateLimiter {
  private limits: RateLimits = {};
  private globalWindow: SlidingWindow | undefined;
  private readonly chatWindows = new Map<string, SlidingWindow>();
  private readonly groupWindows = new Map<string, SlidingWindow>();

  /** Replaces the rate limits (an empty object turns them off) and forgets past sends. */
  set(limits: RateLimits): void {
    this.limits = { ...limits };
    this.globalWindow =
      limits.perSecond !== undefined ? new SlidingWindow(limits.perSecond, MS_PER_SECOND) : undefined;
    this.chatWindows.clear();
    this.groupWindows.clear();
  }

  /**
   * Records a send to the chat `key` at `now` when every window has room; otherwise records nothing and
   * returns the 429 reply, its `retry_after` rounded up to whole seconds (at least 1).
   */
  check(key: string, now: number): HttpReply | undefined {
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

/** A {@link TimeQueue} drops the part of its array already consumed once it is this long. */
const COMPACT_AFTER = 1024;

/**
 * How long a message let through counts while no answer is reported for it: far longer than a send
 * takes (so a slow answer never frees its place early), short enough that a lost report heals.
 */
export const DEFAULT_MAX_UNANSWERED_MS = 30_000;

/** Times in the order they happened, oldest first; O(1) amortized push and shift. */
class TimeQueue {
  #times: number[] = [];
  #head = 0;

  get size(): number {
    return this.#times.length - this.#head;
  }

  /** The oldest time, if any. */
  peek(): number | undefined {
    return this.#times[this.#head];
  }

  push(time: number): void {
    this.#times.push(time);
  }

  shift(): void {
    if (this.size === 0) return;
    this.#head++;
    // Drop the consumed part now and then, so the array does not grow for ever.
    if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#times.length) {
      this.#times = this.#times.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Drops every time at or before `cutoff`. */
  dropUpTo(cutoff: number): void {
    for (let t = this.peek(); t !== undefined && t <= cutoff; t = this.peek()) this.shift();
  }
}

/**
 * A sliding window — at most `limit` messages in any `windowMs` — that counts each message from the
 * later of two moments: when it was let through ({@link take}) and, once the caller reports it, when
 * its answer came back ({@link answered}).
 *
 * Why answers: the platform counts a message when it handles it, somewhere between the moment we let
 * it go and the moment its answer arrives. A window counting from the moment we let it go lets two
 * messages `limit` apart reach the platform less than `windowMs` apart whenever the first was
 * delayed on the way (a busy server, a GC pause, a burst queued on the socket), and Telegram answers
 * that with a 429 — which holds every send for at least a second. Counting from the answer, a
 * message can only free its place once the platform has surely counted it, so no delay on the way
 * makes the platform see more than `limit` in a window. The price is one round trip per place and
 * window (a few milliseconds a second), not a fixed safety margin.
 *
 * Answers need not come in the order messages were let through: an answer retires the oldest
 * message still waiting for one, which only ever moves a count later (never earlier). A message
 * still unanswered after `maxUnansweredMs` stops counting (it was lost, or the caller never reports
 * answers), so a forgotten report costs a place for that long, not for ever.
 */
export class AnswerWindow {
  /** Let through and not answered (as far as this window knows), by start time. */
  readonly #started = new TimeQueue();
  /** Answered, by answer time. */
  readonly #answered = new TimeQueue();

  /** How long an unanswered message counts (at least `windowMs`). */
  readonly maxUnansweredMs: number;

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    /** @defaultValue {@link DEFAULT_MAX_UNANSWERED_MS} */
    maxUnansweredMs: number = DEFAULT_MAX_UNANSWERED_MS,
  ) {
    if (!(limit >= 1) || !(windowMs > 0)) throw new RangeError('a window needs limit ≥ 1 and windowMs > 0');
    this.maxUnansweredMs = Math.max(windowMs, maxUnansweredMs);
  }

  /** Messages counted at `now`. */
  count(now: number): number {
    this.#expire(now);
    return this.#started.size + this.#answered.size;
  }

  /** Lets one message through at `now` if the window has room; whether it did. */
  take(now: number): boolean {
    if (this.count(now) >= this.limit) return false;
    this.#started.push(now);
    return true;
  }

  /**
   * The first instant, as the window knows it at `now`, at which it may have room: `now` if it has
   * room now; else when its oldest answered message leaves the window, or its oldest unanswered one
   * reaches `maxUnansweredMs` — whichever comes first. An answer reported later can only bring this
   * instant forward (the message then counts for `windowMs` from its answer, not `maxUnansweredMs`
   * from its start), so whoever waits for room must look again when an answer comes.
   */
  nextRoomAt(now: number): number {
    if (this.count(now) < this.limit) return now;
    return Math.min(
      (this.#started.peek() ?? Number.POSITIVE_INFINITY) + this.maxUnansweredMs,
      (this.#answered.peek() ?? Number.POSITIVE_INFINITY) + this.windowMs,
    );
  }

  /** Milliseconds from `now` until the window may have room (0 if it has room now); see {@link nextRoomAt}. */
  waitMs(now: number): number {
    const at = this.nextRoomAt(now);
    return at === now ? 0 : Math.max(1, Math.ceil(at - now));
  }

  /** A message this window let through was answered at `now` (whatever the answer): it counts from now. */
  answered(now: number): void {
    this.#expire(now);
    this.#started.shift();
    this.#answered.push(now);
  }

  /** Nothing is counted any more: the window can be dropped. */
  isIdle(now: number): boolean {
    return this.count(now) === 0;
  }

  /**
   * An answered message counts while its answer is within the last `windowMs` (as Telegram's
   * sliding window does); an unanswered one until `maxUnansweredMs` after its start.
   */
  #expire(now: number): void {
    this.#started.dropUpTo(now - this.maxUnansweredMs);
    this.#answered.dropUpTo(now - this.windowMs);
  }
}

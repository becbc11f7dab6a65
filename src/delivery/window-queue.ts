import type { AnswerWindow } from './answer-window.js';

/**
 * Messages let through per turn of the event loop, at most, whether they found room at once or
 * waited; the rest go in the next turn. When a second's worth of places frees up at once, letting
 * 1,000 messages through together ran their sends and records back to back for tens of
 * milliseconds; and when hundreds of deliveries waiting for one digest (its items being selected)
 * went on together at the start of a PostgreSQL fan-out, the window still empty let them all
 * through at once: their sends held the event loop for about 190 ms (cpu profile). At 50 a turn the
 * first half second of that fan-out still held the loop up to 100 ms a turn (the first sends open
 * their connections, 1–2 ms each); at 20 its longest stall was 77 ms, at the same 990 msg/s.
 */
export const DRAIN_SLICE = 20;

/**
 * An {@link AnswerWindow} and the line of messages waiting for a place in it, first come first
 * served: the overall rate, one chat, or one group.
 *
 * A waiting message is let through at the first instant the window has room, never later. The window
 * says when that may be ({@link AnswerWindow.nextRoomAt}) and one timer is set for it; an answer
 * can bring that instant forward — a message still unanswered holds its place until its answer
 * comes (at the latest `maxUnansweredMs` after its start), and once answered only for a window from
 * the answer — so {@link answered} sets the timer again when the instant moved earlier. Before it
 * did, a reply waiting behind an unanswered one slept until that one's 30 s bound: the third of
 * three commands sent together was answered 31 s late (issue #16).
 *
 * Time is `performance.now()`: monotonic, and what vitest's fake timers control.
 */
export class WindowQueue {
  readonly #window: AnswerWindow;
  /**
   * Resolvers of the messages waiting, oldest first; made when the first one waits (most chats'
   * windows never have anyone waiting, and a fan-out makes one per chat).
   */
  #waiting: (() => void)[] | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** When {@link #timer} fires (`performance.now()` time); +∞ while no timer is set. */
  #wakeAt = Number.POSITIVE_INFINITY;
  #drainArmed = false;
  /** Messages let through in this turn of the event loop (reset by a `setImmediate` once any passed). */
  #passedThisTurn = 0;
  #turnArmed = false;

  constructor(window: AnswerWindow) {
    this.#window = window;
  }

  /**
   * Takes a place at `now` if no one is waiting, this turn has let fewer than {@link DRAIN_SLICE}
   * through and the window has room; whether it did.
   */
  tryTake(now: number): boolean {
    if (this.#waiting !== undefined && this.#waiting.length > 0) return false;
    if (this.#passedThisTurn >= DRAIN_SLICE || !this.#window.take(now)) return false;
    this.#passed();
    return true;
  }

  /** Counts a message let through in this turn; the count starts again in the next turn. */
  #passed(): void {
    this.#passedThisTurn += 1;
    if (this.#turnArmed) return;
    this.#turnArmed = true;
    setImmediate(() => {
      this.#turnArmed = false;
      this.#passedThisTurn = 0;
    });
  }

  /** Waits, after everyone already waiting, until a place is taken for this message. */
  wait(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#waiting ??= [];
      this.#waiting.push(resolve);
      this.#drain();
    });
  }

  /** A message this window let through was answered at `now`: the waiting line looks again. */
  answered(now: number): void {
    this.#window.answered(now);
    if (this.#waiting !== undefined && this.#waiting.length > 0) this.#wakeFor(now);
  }

  /** Nothing waits and nothing is counted: the queue can be dropped. */
  isIdle(now: number): boolean {
    return (this.#waiting === undefined || this.#waiting.length === 0) && this.#window.isIdle(now);
  }

  /**
   * Lets waiting messages through while the window has room — up to {@link DRAIN_SLICE} in this turn
   * (counting those that found room at once), the next ones in the next turn — then sets the timer
   * for the next instant it may have room.
   */
  #drain(): void {
    const waiting = this.#waiting;
    if (waiting === undefined) return;
    const now = performance.now();
    while (waiting.length > 0 && this.#passedThisTurn < DRAIN_SLICE && this.#window.take(now)) {
      waiting.shift()!();
      this.#passed();
    }
    if (waiting.length === 0) {
      this.#clearTimer();
      return;
    }
    if (this.#passedThisTurn >= DRAIN_SLICE) {
      if (!this.#drainArmed) {
        this.#drainArmed = true;
        setImmediate(() => {
          this.#drainArmed = false;
          this.#drain();
        });
      }
      return;
    }
    this.#wakeFor(now);
  }

  /** Sets the timer for the window's next room, unless it is already set for that instant or earlier. */
  #wakeFor(now: number): void {
    const at = this.#window.nextRoomAt(now);
    if (at >= this.#wakeAt) return;
    this.#clearTimer();
    this.#wakeAt = at;
    // Never 0: a window full at `now` has no room before a later turn.
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.#wakeAt = Number.POSITIVE_INFINITY;
        this.#drain();
      },
      Math.max(1, Math.ceil(at - now)),
    );
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#wakeAt = Number.POSITIVE_INFINITY;
  }
}

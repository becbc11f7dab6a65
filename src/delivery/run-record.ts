import type { Platform } from '../core/chat.js';
import type { DeliveryRun } from '../core/store.js';

/** How one subscription's delivery in a run ended. */
export type DeliveryResult =
  /** The digest went out (every part). */
  | 'sent'
  /** Nothing new: the day is done without a message. */
  | 'empty'
  /** Gave up for this tick (rate limited or failing too often, or stopped by shutdown); retried next tick. */
  | 'failed'
  /** The chat cannot be reached; the subscription is paused. */
  | 'paused'
  /** Not delivered by this run and not its business: another worker holds it, or it merged into another chat's. */
  | 'skipped';

type Counts = { sent: number; failed: number; paused: number };

/**
 * Counts a run's results as they come in, for its record, its log lines and `/healthz`. The run
 * starts at the tick's `now` (the injected clock); its length is measured on the monotonic clock, so
 * durations are real even when a test holds the clock still.
 */
export class RunTally {
  readonly startedAt: Date;
  readonly #t0 = performance.now();
  sent = 0;
  empty = 0;
  failed = 0;
  paused = 0;
  skipped = 0;
  readonly #byPlatform: Partial<Record<Platform, Counts>> = {};

  /** Deliveries claimed so far (the store hands them out a page at a time). */
  due = 0;

  constructor(
    readonly id: string,
    startedAt: Date,
  ) {
    this.startedAt = startedAt;
  }

  /** Deliveries finished so far. */
  get done(): number {
    return this.sent + this.empty + this.failed + this.paused + this.skipped;
  }

  add(platform: Platform, result: DeliveryResult): void {
    this[result] += 1;
    if (result === 'sent' || result === 'failed' || result === 'paused') {
      const counts = this.#byPlatform[platform] ?? { sent: 0, failed: 0, paused: 0 };
      counts[result] += 1;
      this.#byPlatform[platform] = counts;
    }
  }

  /** Seconds since the run started. */
  get seconds(): number {
    return (performance.now() - this.#t0) / 1000;
  }

  /** The figures for a log line. */
  summary(): Record<string, number | string> {
    return {
      runId: this.id,
      due: this.due,
      sent: this.sent,
      empty: this.empty,
      failed: this.failed,
      paused: this.paused,
      ...(this.skipped > 0 && { skipped: this.skipped }),
      seconds: Number(this.seconds.toFixed(1)),
    };
  }

  /** The record kept in the store. */
  toRun(): DeliveryRun {
    const finishedAt = new Date(this.startedAt.getTime() + Math.round(this.seconds * 1000));
    return {
      id: this.id,
      startedAt: this.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      due: this.due,
      sent: this.sent,
      empty: this.empty,
      failed: this.failed,
      paused: this.paused,
      byPlatform: structuredClone(this.#byPlatform),
    };
  }
}

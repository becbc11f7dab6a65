import type { Platform } from '../core/chat.js';
import type { DeliveryRun, SendRate } from '../core/store.js';

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

/** The most buckets a run's send rate keeps; a longer run folds pairs of buckets into one. */
export const SEND_RATE_BUCKETS = 600;

/** Counts events into {@link SendRate} buckets as they happen. */
export class SendRateCounter {
  #bucketSeconds = 1;
  readonly #counts: number[] = [];

  /** Counts one event `seconds` after the start. */
  add(seconds: number): void {
    let index = Math.floor(Math.max(0, seconds) / this.#bucketSeconds);
    // Each fold halves the index, so this ends after at most a few dozen turns.
    while (index >= SEND_RATE_BUCKETS) {
      this.#fold();
      index = Math.floor(Math.max(0, seconds) / this.#bucketSeconds);
    }
    while (this.#counts.length <= index) this.#counts.push(0);
    this.#counts[index] = (this.#counts[index] ?? 0) + 1;
  }

  #fold(): void {
    const folded: number[] = [];
    for (let i = 0; i < this.#counts.length; i += 2)
      folded.push((this.#counts[i] ?? 0) + (this.#counts[i + 1] ?? 0));
    this.#counts.splice(0, this.#counts.length, ...folded);
    this.#bucketSeconds *= 2;
  }

  /** The counts so far. */
  rate(): SendRate {
    return { bucketSeconds: this.#bucketSeconds, counts: [...this.#counts] };
  }
}

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
  readonly #rate = new SendRateCounter();

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
    if (result === 'sent') this.#rate.add(this.seconds);
    if (result === 'sent' || result === 'failed' || result === 'paused') {
      const counts = this.#byPlatform[platform] ?? { sent: 0, failed: 0, paused: 0 };
      counts[result] += 1;
      this.#byPlatform[platform] = counts;
    }
  }

  /** Digests sent per second so far (see {@link SendRate}). */
  sendRate(): SendRate {
    return this.#rate.rate();
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
    const run: DeliveryRun = {
      id: this.id,
      startedAt: this.startedAt.toISOString(),
      finishedAt: finishedAt.toISOString(),
      due: this.due,
      sent: this.sent,
      empty: this.empty,
      failed: this.failed,
      paused: this.paused,
      byPlatform: structuredClone(this.#byPlatform),
      sendRate: this.sendRate(),
    };
    return run;
  }
}

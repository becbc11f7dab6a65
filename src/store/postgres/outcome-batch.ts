import type { DeliveryOutcome } from '../../core/store.js';
import { isRetryable } from './retry.js';

/** One `finishDelivery` call waiting to be written. */
export interface PendingOutcome {
  readonly key: string;
  readonly owner: string;
  readonly outcome: DeliveryOutcome;
}

/** Writes a batch (no key twice) and returns the keys whose claim was held, so the outcome recorded. */
export type WriteOutcomes = (batch: readonly PendingOutcome[]) => Promise<ReadonlySet<string>>;

/** How outcomes are gathered into batches. */
export interface OutcomeBatchOptions {
  /** How long the first outcome of a batch waits for others. */
  readonly windowMs: number;
  /** At most this many in one statement. */
  readonly maxBatch: number;
}

/**
 * A fan-out finishes hundreds of deliveries a second; one `UPDATE` each would be one round trip and
 * one commit each. Outcomes recorded within {@link OutcomeBatchOptions.windowMs} of each other are
 * written together by one statement, and each caller still learns whether its own claim was held.
 *
 * Batches are written one at a time, in order, so two outcomes for one key (the second one finds
 * the claim gone) never share a statement: the second goes to the next batch.
 */
export class OutcomeBatcher {
  readonly #open: Map<string, Waiter>[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;

  constructor(
    private readonly write: WriteOutcomes,
    private readonly options: OutcomeBatchOptions,
  ) {}

  /** Queues `pending`; resolves with whether its outcome was recorded, once its batch is written. */
  add(pending: PendingOutcome): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      let batch = this.#open.at(-1);
      if (!batch || batch.has(pending.key) || batch.size >= this.options.maxBatch) {
        batch = new Map();
        this.#open.push(batch);
      }
      batch.set(pending.key, { pending, resolve, reject });
      if (this.#timer === undefined && this.#writing === undefined) {
        this.#timer = setTimeout(() => {
          this.#timer = undefined;
          void this.#drain();
        }, this.options.windowMs);
      }
    });
  }

  /** Resolves when every outcome queued so far is written (or has failed to its caller). */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    // Bounded: each round writes at least one batch, and callers add no more while flushing at close.
    while (this.#writing !== undefined || this.#open.length > 0) await this.#drain();
  }

  /** How many outcomes wait for their batch. */
  get pending(): number {
    return this.#open.reduce((n, batch) => n + batch.size, 0);
  }

  #drain(): Promise<void> {
    this.#writing ??= this.#writeAll();
    return this.#writing;
  }

  async #writeAll(): Promise<void> {
    // One turn first, so #drain has stored this promise before the end of the loop clears it.
    await Promise.resolve();
    try {
      // Batches that filled while one was written go out at once, one after another.
      for (let batch = this.#open.shift(); batch; batch = this.#open.shift()) {
        await this.#write([...batch.values()]);
      }
    } finally {
      // In the same turn as the loop's last look at #open: an outcome added after it finds no
      // writer and starts its own timer; one added before it is in the loop's next batch.
      this.#writing = undefined;
    }
  }

  /**
   * Writes one batch. When the database refuses the statement and the batch holds more than one
   * outcome, each is written alone, so one bad outcome fails only its own caller.
   */
  async #write(waiters: readonly Waiter[]): Promise<void> {
    try {
      const recorded = await this.write(waiters.map((w) => w.pending));
      for (const w of waiters) w.resolve(recorded.has(w.pending.key));
    } catch (e) {
      // A lost connection (its retries spent) would fail each alone too, after as long again.
      if (waiters.length === 1 || isRetryable(e)) for (const w of waiters) w.reject(e);
      else for (const w of waiters) await this.#write([w]);
    }
  }
}

interface Waiter {
  readonly pending: PendingOutcome;
  readonly resolve: (recorded: boolean) => void;
  readonly reject: (error: unknown) => void;
}

/** What the scale benchmark's child process measures, shared by `bench/scale.ts` and `scale-child.ts`. */

/** The paid-broadcast rate the fan-out runs at (`TELEGRAM_MAX_PER_SECOND`). */
export const SCALE_RATE = 1000;
/** Calls of each command measured. */
export const SCALE_QUERY_CALLS = 10_000;

/** What `scale-child.ts measure` reports. */
export interface ScaleResult {
  /** From opening the store to a store, topics and newsroom ready to answer. */
  readonly readyMs: number;
  /** From the process start (node, tsx, imports) to ready. */
  readonly processStartToReadyMs: number;
  /** Opening the store alone. */
  readonly openMs: number;
  readonly briefP50Ms: number;
  readonly briefP99Ms: number;
  readonly topicP50Ms: number;
  readonly topicP99Ms: number;
  readonly due: number;
  readonly sent: number;
  readonly fanoutSeconds: number;
  readonly fanoutRate: number;
  readonly loopDelayMaxMs: number;
  readonly loopDelayP99Ms: number;
  readonly checkpoints: number;
  readonly closeMs: number;
  readonly peakRssMb: number;
  readonly monthsInMemory: number;
  /** `fdatasync` batches of the journal during the fan-out. */
  readonly fanoutJournalSyncs: number;
}

/** Deliveries recorded in the journal benchmark, and how many at once (the Telegram lane's concurrency). */
export const JOURNAL_OUTCOMES = 20_000;
export const JOURNAL_CONCURRENCY = 1000;

/** What `scale-child.ts journal` reports: recording delivery outcomes on the 100,000-subscription store. */
export interface JournalResult {
  readonly sync: boolean;
  /** Outcomes recorded per second, claims included (claimDue pages of 500, then finishDelivery each). */
  readonly outcomesPerSecond: number;
  /** One finishDelivery call, from call to resolve, with {@link JOURNAL_CONCURRENCY} under way. */
  readonly finishP50Ms: number;
  readonly finishP99Ms: number;
  readonly syncs: number;
  /** Taking and releasing the store lock (mean over 1,000). */
  readonly lockUs: number;
}

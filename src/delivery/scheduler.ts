import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../log.js';

/** Every minute: a subscription's `HH:MM` is a minute, and being late a minute is on time. */
export const TICK_EXPRESSION = '* * * * *';
/** The node-cron task's name, as it shows in node-cron's registry and warnings. */
export const TICK_TASK_NAME = 'briefcast-delivery-tick';

/** What the scheduler drives: one delivery run per call, never rejecting. */
export interface Tickable {
  tick(): Promise<unknown>;
}

/** Options for {@link Scheduler}. */
export interface SchedulerOptions {
  readonly logger: Logger;
  /** @defaultValue {@link TICK_EXPRESSION} */
  readonly expression?: string;
}

/**
 * Calls `engine.tick()` every minute (a node-cron 4 task in UTC, no overlap: a minute whose
 * previous run is still going is skipped, not stacked) and once at start, so digests due while the
 * bot was down go out now. node-cron itself never catches up missed minutes; the engine does,
 * because "due" means "at or past HH:MM and not yet delivered today", not "exactly HH:MM". The tick
 * takes its time from the engine's clock, so tests call `tick()` directly and never wait a minute.
 */
export class Scheduler {
  readonly #engine: Tickable;
  readonly #log: Logger;
  readonly #expression: string;
  #task: ScheduledTask | undefined;
  #startTick: Promise<unknown> | undefined;

  constructor(engine: Tickable, options: SchedulerOptions) {
    this.#engine = engine;
    this.#log = options.logger;
    this.#expression = options.expression ?? TICK_EXPRESSION;
  }

  /** Whether the minute task is scheduled. */
  get running(): boolean {
    return this.#task !== undefined;
  }

  /** Schedules the minute task and runs the catch-up tick; resolves at once (the tick runs on). */
  start(): void {
    if (this.#task) return;
    const log = this.#log;
    this.#task = cron.schedule(this.#expression, () => this.#tick(), {
      name: TICK_TASK_NAME,
      timezone: 'UTC',
      noOverlap: true,
      // node-cron's own warnings (a skipped overlapping minute, a missed minute) go to our log.
      logger: {
        info: (message) => log.debug({ task: TICK_TASK_NAME }, message),
        warn: (message) => log.warn({ task: TICK_TASK_NAME }, message),
        error: (message, err) => log.error({ task: TICK_TASK_NAME, err: err ?? message }, 'scheduler error'),
        debug: (message) => log.debug({ task: TICK_TASK_NAME }, String(message)),
      },
    });
    this.#startTick = this.#tick();
  }

  /** The catch-up tick run at start (resolved when it is done), for tests and orderly shutdown. */
  startTick(): Promise<unknown> {
    return this.#startTick ?? Promise.resolve();
  }

  /** Stops the minute task; a run under way is the engine's to finish (`engine.stop()`). */
  async stop(): Promise<void> {
    const task = this.#task;
    this.#task = undefined;
    if (task) await task.destroy();
  }

  async #tick(): Promise<void> {
    try {
      await this.#engine.tick();
    } catch (e) {
      this.#log.error({ err: e }, 'delivery tick failed');
    }
  }
}

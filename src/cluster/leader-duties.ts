import type { Clock } from '../core/clock.js';
import type { Logger } from '../log.js';
import type { LeadershipListener } from './leadership.js';

/** What only the leader runs. */
export interface LeaderDutiesParts {
  /** The delivery engine: paused while standing by, resumed (taking over lapsed claims) on leading. */
  readonly delivery: { resume(at: Date): void; pause(): Promise<void> };
  /** Ticks the engine every minute; its first tick on leading delivers what a gone leader left. */
  readonly scheduler: { start(): void; stop(): Promise<void> };
  /** Long polling of Telegram, when Telegram runs in polling mode. */
  readonly telegramPolling?: { startPolling(): Promise<void>; stopPolling(): Promise<void> };
  readonly clock: Clock;
  readonly logger: Logger;
}

/**
 * Turns leadership changes into starting and stopping the leader's work, one change at a time (a
 * change waits for the one before it: a standby that leads again does not start its scheduler while
 * its last sends are still being given back). Leading: the engine resumes at that instant, the
 * scheduler starts (its first tick runs at once), Telegram long polling starts. Standing by: the
 * scheduler stops, polling stops, the engine pauses (sends in flight finish, the rest is released).
 * The wire polls through its own `shouldPoll` hook, asked every round.
 */
export class LeaderDuties implements LeadershipListener {
  readonly #parts: LeaderDutiesParts;
  #leading = false;
  #turn: Promise<void> = Promise.resolve();

  constructor(parts: LeaderDutiesParts) {
    this.#parts = parts;
  }

  /** Whether the leader's work is (being) started. */
  get leading(): boolean {
    return this.#leading;
  }

  /** Resolves once the last change has been carried out. */
  settled(): Promise<void> {
    return this.#turn;
  }

  onLead(): void {
    if (this.#leading) return;
    this.#leading = true;
    const at = this.#parts.clock.now();
    this.#then('lead', async () => {
      const { delivery, scheduler, telegramPolling } = this.#parts;
      delivery.resume(at);
      scheduler.start();
      await telegramPolling?.startPolling();
    });
  }

  onStandBy(): void {
    if (!this.#leading) return;
    this.#leading = false;
    this.#then('stand by', async () => {
      const { delivery, scheduler, telegramPolling } = this.#parts;
      await scheduler.stop();
      await Promise.all([telegramPolling?.stopPolling(), delivery.pause()]);
    });
  }

  #then(what: string, step: () => Promise<void>): void {
    this.#turn = this.#turn.then(step).catch((e: unknown) => {
      this.#parts.logger.error({ err: e, turn: what }, 'could not carry out a leadership change');
    });
  }
}

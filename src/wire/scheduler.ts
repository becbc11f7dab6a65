import type { Clock } from '../core/clock.js';
import { sleep as abortableSleep } from '../delivery/wait.js';
import type { Logger } from '../log.js';
import type { Feed } from './model.js';
import type { PollOutcome, Wire } from './wire.js';

/**
 * How the wire polls, politely: each feed once every `FEED_POLL_MINUTES`, at most
 * {@link POLL_DEFAULTS.concurrency} fetches at once and one at a time per host, each after a random
 * pause of up to {@link POLL_DEFAULTS.jitterMs}, so a hundred feeds are not fetched in the same
 * second and no site gets two requests from us at once.
 */
export const POLL_DEFAULTS = {
  pollMinutes: 10,
  concurrency: 4,
  jitterMs: 2_000,
  /** How often due feeds are looked for; a feed is due `pollMinutes` after its last poll. */
  tickMs: 60_000,
} as const;

/** A feed polled within this much of its interval counts as due, so a tick's timing does not delay it a whole tick. */
const DUE_SLACK_MS = 30_000;

/** Options for {@link WireScheduler}. */
export interface WireSchedulerOptions {
  readonly wire: Wire;
  readonly clock: Clock;
  readonly logger: Logger;
  /** `FEED_POLL_MINUTES`. */
  readonly pollMinutes?: number;
  readonly concurrency?: number;
  readonly jitterMs?: number;
  readonly tickMs?: number;
  /** @defaultValue Math.random */
  readonly random?: () => number;
  /**
   * Whether this process polls now, asked before every round. Only the process that delivers should
   * poll when several share a store (PostgreSQL); leadership plugs in here. @defaultValue always
   */
  readonly shouldPoll?: () => boolean | Promise<boolean>;
  /** Called after each round with what it brought (the notifier tells editors). Never rejects into the round. */
  readonly onRound?: (outcomes: readonly PollOutcome[], now: Date) => Promise<void>;
}

/** The feeds due at `now`: active, and never polled or polled at least an interval ago; the longest waiting first. */
export function dueFeeds(feeds: readonly Feed[], now: Date, pollMinutes: number): Feed[] {
  const interval = pollMinutes * 60_000 - DUE_SLACK_MS;
  return feeds
    .filter(
      (f) =>
        f.status === 'active' &&
        (f.lastPolledAt === undefined || now.getTime() - Date.parse(f.lastPolledAt) >= interval),
    )
    .sort((a, b) => (a.lastPolledAt ?? '').localeCompare(b.lastPolledAt ?? '') || a.id - b.id);
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Polls the wire's due feeds every minute (and once at start). A round never overlaps the next; a
 * round's time comes from the injected clock, so tests call {@link tick} directly. `stop()` ends the
 * pauses between fetches at once and waits for the fetches under way (each bounded by its deadline).
 */
export class WireScheduler {
  readonly #o: WireSchedulerOptions;
  readonly #abort = new AbortController();
  #timer: NodeJS.Timeout | undefined;
  #round: Promise<readonly PollOutcome[]> | undefined;

  constructor(options: WireSchedulerOptions) {
    this.#o = options;
  }

  /** Starts the minute timer and the first round. */
  start(): void {
    if (this.#timer || this.#abort.signal.aborted) return;
    this.#timer = setInterval(() => void this.tick(), this.#o.tickMs ?? POLL_DEFAULTS.tickMs);
    this.#timer.unref();
    void this.tick();
  }

  /** Runs one round now, unless one is under way (then resolves with nothing). Never rejects. */
  async tick(): Promise<readonly PollOutcome[]> {
    if (this.#round || this.#abort.signal.aborted) return [];
    this.#round = this.#runRound().catch((e: unknown) => {
      this.#o.logger.error({ err: e }, 'wire poll round failed');
      return [];
    });
    try {
      return await this.#round;
    } finally {
      this.#round = undefined;
    }
  }

  async #runRound(): Promise<readonly PollOutcome[]> {
    const { wire, clock, logger } = this.#o;
    if (this.#o.shouldPoll && !(await this.#o.shouldPoll())) return [];
    const now = clock.now();
    const due = dueFeeds(await wire.store.listFeeds(), now, this.#o.pollMinutes ?? POLL_DEFAULTS.pollMinutes);
    // Even a round with nothing due tells editors of drafts still untold (a feed just added, a batch held back).
    if (due.length === 0) {
      await this.#afterRound([], now);
      return [];
    }
    const started = performance.now();
    // One queue per host: a host's feeds are fetched one after another, hosts in parallel.
    const byHost = new Map<string, Feed[]>();
    for (const feed of due) {
      const host = hostOf(feed.url);
      const list = byHost.get(host);
      if (list) list.push(feed);
      else byHost.set(host, [feed]);
    }
    const hosts = [...byHost.values()];
    const outcomes: PollOutcome[] = [];
    const random = this.#o.random ?? Math.random;
    const jitterMs = this.#o.jitterMs ?? POLL_DEFAULTS.jitterMs;
    const worker = async () => {
      for (let feeds = hosts.shift(); feeds !== undefined; feeds = hosts.shift()) {
        for (const feed of feeds) {
          if (jitterMs > 0 && !(await abortableSleep(random() * jitterMs, this.#abort.signal))) return;
          if (this.#abort.signal.aborted) return;
          try {
            outcomes.push(await wire.pollFeed(feed, clock.now()));
          } catch (e) {
            logger.error({ err: e, feed: feed.id }, 'wire poll of a feed failed');
          }
        }
      }
    };
    const concurrency = Math.max(1, this.#o.concurrency ?? POLL_DEFAULTS.concurrency);
    await Promise.all(Array.from({ length: Math.min(concurrency, hosts.length) }, worker));
    const count = (kind: PollOutcome['kind']) => outcomes.filter((o) => o.kind === kind).length;
    logger.info(
      {
        feeds: due.length,
        withNew: count('new'),
        unchanged: count('unchanged'),
        failed: count('failed'),
        paused: count('paused'),
        drafts: outcomes.reduce((n, o) => n + (o.kind === 'new' ? o.drafts.length : 0), 0),
        ms: Math.round(performance.now() - started),
      },
      'wire poll round',
    );
    await this.#afterRound(outcomes, clock.now());
    return outcomes;
  }

  async #afterRound(outcomes: readonly PollOutcome[], now: Date): Promise<void> {
    if (!this.#o.onRound) return;
    try {
      await this.#o.onRound(outcomes, now);
    } catch (e) {
      this.#o.logger.error({ err: e }, 'wire notifications failed');
    }
  }

  /** Stops the timer, cuts the pauses short and waits for the round under way. Safe to call twice. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#abort.abort();
    await this.#round;
  }
}

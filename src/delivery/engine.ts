import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Platform } from '../core/chat.js';
import type { Clock } from '../core/clock.js';
import type { Digests } from '../core/digest.js';
import type { DeliveryRun, Store } from '../core/store.js';
import { isDueAt, type Subscription } from '../core/subscription.js';
import { dueCutoff, type LocalCutoff, type LocalDate } from '../core/time.js';
import type { Views } from '../core/views.js';
import type { Logger } from '../log.js';
import { Claims, DEFAULT_CLAIM_LEASE_MS } from './claims.js';
import { DigestCache } from './digest-cache.js';
import { DEFAULT_RETRY_POLICY, digestNonce, type RetryPolicy } from './outcomes.js';
import { PartSender, type SendPath } from './part-sender.js';
import { runBounded } from './queue.js';
import { type DeliveryResult, RunTally } from './run-record.js';
import { sleep } from './wait.js';

/** How one platform is delivered to: its sender (from the adapter), its gate and its concurrency. */
export interface DeliveryLane extends SendPath {
  /** Deliveries under way at once on this platform (see `deliveryConcurrency`). */
  readonly concurrency: number;
}

/** The lanes of the platforms that are running; subscriptions on other platforms wait for theirs. */
export type DeliveryLanes = Partial<Record<Platform, DeliveryLane>>;

/** Options for {@link DeliveryEngine}. */
export interface DeliveryEngineOptions {
  /** The core parts delivery uses (a `Newsroom` has them all). */
  readonly newsroom: {
    readonly store: Store;
    readonly digests: Pick<Digests, 'select'>;
    readonly views: Pick<Views, 'digest'>;
    readonly clock: Clock;
  };
  readonly lanes: DeliveryLanes;
  readonly logger: Logger;
  /** This process's claim owner id. @defaultValue a random UUID */
  readonly owner?: string;
  /** @defaultValue {@link DEFAULT_CLAIM_LEASE_MS} */
  readonly leaseMs?: number;
  /** @defaultValue {@link DEFAULT_RETRY_POLICY} */
  readonly retry?: Partial<RetryPolicy>;
  /** A progress line is logged this often while a run is under way. @defaultValue {@link DEFAULT_PROGRESS_INTERVAL_MS} */
  readonly progressIntervalMs?: number;
  /** How long {@link DeliveryEngine.stop} waits for sends in flight. @defaultValue {@link DEFAULT_STOP_TIMEOUT_MS} */
  readonly stopTimeoutMs?: number;
}

/** @see DeliveryEngineOptions.progressIntervalMs */
export const DEFAULT_PROGRESS_INTERVAL_MS = 5000;
/** @see DeliveryEngineOptions.stopTimeoutMs */
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;
/**
 * Subscriptions checked for being due between two yields to the event loop: scanning 100,000 takes
 * 15–40 ms, which would add to the first turn of a run.
 */
const DUE_SCAN_CHUNK = 10_000;
/** A digest follows a chat that moved at most this many times in one delivery. */
const MAX_MIGRATIONS = 2;

/** What the engine is doing, for `/healthz`. */
export interface DeliveryStatus {
  /** The instant of the last tick (ISO), if any since start. */
  readonly lastTick?: string;
  /** The run under way: its id and figures so far. */
  readonly running?: Readonly<Record<string, number | string>>;
}

/**
 * One due subscription in a run. It holds the key, not the subscription: the store replaces the
 * subscription as it is delivered, and a run of 100,000 holding every old copy would hold them all.
 */
interface Job {
  readonly key: string;
  readonly platform: Platform;
  readonly date: LocalDate;
  readonly lane: DeliveryLane;
}

/**
 * The daily digest engine. Each {@link tick} finds the subscriptions due now (their local time at or
 * past `HH:MM`, no digest yet for their local date) and delivers each one:
 *
 * 1. **claim** it in the store for its local date (compare-and-set; the owner is this process);
 * 2. **select** its digest — the window ends at the tick's `now`, shared by the whole run — and
 *    **render** it once per (platform, digest key), shared by every chat with that key;
 * 3. **send** each part through the platform's gate (rate limits) and sender ({@link PartSender}
 *    holds the retry policy), answering outcomes:
 *    `retryAfter` holds the whole gate and retries the part (bounded), `transient` retries with
 *    exponential backoff and jitter (bounded), `gone`/`forbidden` pause the subscription (telling the
 *    chat why when it can), `migrated` moves the subscription to the new chat and sends there;
 * 4. **record** the outcome (which releases the claim): sent → the day is done and the cursor moves
 *    to the window's end; nothing new → the day is done without a message; gave up → a failure is
 *    counted and the next tick tries again, resuming after the parts already sent.
 *
 * Exactly once: the claim, taken before the first send, keeps any other tick or worker off the
 * digest while it goes out (the lowdb store voids a previous process's claims when it opens, so a
 * crash strands nothing). A day is marked done (`lastDigestDate`) only after its digest went out,
 * and before the next part of a multi-part digest is sent, the parts already sent are recorded. The lowdb store
 * journals each of these records synchronously, so a restart — even after `kill -9` — never repeats
 * a completed send. What a crash can duplicate is only what was in flight: a part the platform
 * accepted whose record was not yet written (at most one part per chat under way, so at most the
 * lane's concurrency). On Discord the part's deterministic nonce (subscription, local date, part)
 * makes even that resend a no-op within Discord's nonce window.
 *
 * Each platform has its own bounded queue (`concurrency` deliveries at once). Runs do not overlap: a
 * tick during a run joins it, and subscriptions that fall due during a long run go in the next one.
 */
export class DeliveryEngine {
  /** This process's claim owner id. */
  readonly owner: string;
  readonly #store: Store;
  readonly #digests: Pick<Digests, 'select'>;
  readonly #views: Pick<Views, 'digest'>;
  readonly #clock: Clock;
  readonly #lanes: DeliveryLanes;
  readonly #log: Logger;
  readonly #claims: Claims;
  readonly #parts: PartSender;
  readonly #progressMs: number;
  readonly #stopTimeoutMs: number;
  readonly #abort = new AbortController();
  #current: Promise<DeliveryRun | undefined> | undefined;
  #tally: RunTally | undefined;
  #lastTick: Date | undefined;
  #lastRun: DeliveryRun | undefined;

  constructor(options: DeliveryEngineOptions) {
    this.owner = options.owner ?? randomUUID();
    this.#store = options.newsroom.store;
    this.#digests = options.newsroom.digests;
    this.#views = options.newsroom.views;
    this.#clock = options.newsroom.clock;
    this.#lanes = options.lanes;
    this.#log = options.logger;
    this.#claims = new Claims(this.#store, this.owner, options.leaseMs ?? DEFAULT_CLAIM_LEASE_MS);
    const policy: RetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#progressMs = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    // Every delivery under way listens for shutdown (up to a lane's concurrency, 1,000 on Telegram).
    setMaxListeners(0, this.#abort.signal);
    this.#parts = new PartSender(policy, this.#abort.signal, this.#log);
  }

  /**
   * Delivers every digest due now; the scheduler calls it each minute, and anyone may call it on
   * demand. Resolves to the run's figures — kept in the store when anything was due — or `undefined`
   * once the engine is stopping (or if the tick itself failed, which is logged). A call during a run
   * joins that run. Never rejects.
   */
  tick(): Promise<DeliveryRun | undefined> {
    if (this.#abort.signal.aborted) return Promise.resolve(undefined);
    this.#current ??= this.#run()
      .catch((e: unknown) => {
        this.#log.error({ err: e }, 'delivery tick failed');
        return undefined;
      })
      .finally(() => {
        this.#current = undefined;
        this.#tally = undefined;
      });
    return this.#current;
  }

  /** The last tick and the run under way, for `/healthz`. */
  status(): DeliveryStatus {
    return {
      ...(this.#lastTick && { lastTick: this.#lastTick.toISOString() }),
      ...(this.#tally && { running: this.#tally.summary() }),
    };
  }

  /** The last finished run: this process's, or the store's latest from before. */
  async lastRun(): Promise<DeliveryRun | undefined> {
    return this.#lastRun ?? (await this.#store.recentRuns(1))[0];
  }

  /**
   * Stops delivering: no new tick, no new delivery; waits (up to `timeoutMs`) for the sends in flight
   * to finish and be recorded. Deliveries waiting for a rate limit or a retry stop there, release
   * their claim and are delivered after the restart.
   */
  async stop(timeoutMs = this.#stopTimeoutMs): Promise<void> {
    this.#abort.abort();
    const current = this.#current;
    if (!current) return;
    const finished = await Promise.race([current.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (!finished) {
      this.#log.warn(
        { timeoutMs, ...this.#tally?.summary() },
        'delivery stopped with sends still in flight; their digests go out after the restart',
      );
    }
  }

  async #run(): Promise<DeliveryRun | undefined> {
    const now = this.#clock.now();
    this.#lastTick = now;
    const jobs = await this.#due(await this.#store.listSubscriptions(), now);
    const tally = new RunTally(randomUUID(), jobs.length, now);
    if (jobs.length === 0) {
      // Not kept: a record a minute would push the runs that did something out of `/stats`.
      this.#log.debug({ at: now.toISOString() }, 'delivery tick: nothing due');
      return tally.toRun();
    }
    this.#tally = tally;
    const cache = new DigestCache(this.#digests, this.#views);
    this.#log.info({ runId: tally.id, due: jobs.length }, 'delivery run started');
    const progress = setInterval(
      () => this.#log.info({ ...tally.summary(), done: tally.done }, 'delivery run in progress'),
      this.#progressMs,
    );
    progress.unref();
    try {
      await Promise.all(
        (Object.keys(this.#lanes) as Platform[]).map((platform) => {
          const lane = this.#lanes[platform]!;
          return runBounded(
            jobs.filter((j) => j.platform === platform),
            lane.concurrency,
            async (job) => tally.add(platform, await this.#deliver(job, now, cache)),
            {
              shouldStop: () => this.#abort.signal.aborted,
              onError: (e, job) => {
                this.#log.error({ err: e, key: job.key }, 'delivery failed unexpectedly');
                tally.add(platform, 'failed');
              },
            },
          );
        }),
      );
    } finally {
      clearInterval(progress);
    }
    const run = tally.toRun();
    try {
      await this.#store.addRun(run);
    } catch (e) {
      this.#log.error({ err: e }, 'could not record the delivery run');
    }
    this.#lastRun = run;
    const notStarted = jobs.length - tally.done;
    this.#log.info(
      { ...tally.summary(), renders: cache.renders, ...(notStarted > 0 && { notStarted }) },
      notStarted > 0 ? 'delivery run stopped by shutdown' : 'delivery run finished',
    );
    return run;
  }

  /** The subscriptions due at `now` on a running platform, with the local date each is due for. */
  async #due(subs: readonly Subscription[], now: Date): Promise<Job[]> {
    // Each zone's due cutoff is computed once: formatting dominates at 100,000 chats.
    const locals = new Map<string, LocalCutoff | undefined>();
    const waiting = new Map<Platform, number>();
    const jobs: Job[] = [];
    for (const [n, sub] of subs.entries()) {
      if (n > 0 && n % DUE_SCAN_CHUNK === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (sub.status !== 'active') continue;
      if (!locals.has(sub.timezone)) {
        try {
          locals.set(sub.timezone, dueCutoff(now, sub.timezone));
        } catch {
          this.#log.warn({ timezone: sub.timezone }, 'subscriptions with an unknown time zone are skipped');
          locals.set(sub.timezone, undefined);
        }
      }
      const local = locals.get(sub.timezone);
      const date = local && isDueAt(sub, local);
      if (!date) continue;
      const lane = this.#lanes[sub.chat.platform];
      if (lane) jobs.push({ key: sub.key, platform: sub.chat.platform, date, lane });
      else waiting.set(sub.chat.platform, (waiting.get(sub.chat.platform) ?? 0) + 1);
    }
    for (const [platform, count] of waiting) {
      this.#log.debug({ platform, count }, 'due subscriptions wait: their platform is not running');
    }
    return jobs;
  }

  /** Claims, sends and records one subscription's digest. Never throws. */
  async #deliver(job: Job, runNow: Date, cache: DigestCache): Promise<DeliveryResult> {
    const claimed = await this.#claims.take(job.key, job.date, this.#clock.now());
    if (!claimed) {
      this.#log.debug({ key: job.key }, 'not claimed: delivered or claimed meanwhile');
      return 'skipped';
    }
    try {
      return await this.#deliverClaimed(claimed, job, runNow, cache);
    } catch (e) {
      this.#log.error({ err: e, key: claimed.key }, 'delivery failed unexpectedly');
      const reason = `internal error: ${e instanceof Error ? e.message : String(e)}`;
      await this.#claims.failed(claimed, reason).catch(() => false);
      return 'failed';
    }
  }

  async #deliverClaimed(
    sub: Subscription,
    job: Job,
    runNow: Date,
    cache: DigestCache,
  ): Promise<DeliveryResult> {
    const { date, lane } = job;
    // A digest that went out in part is finished as it was selected, from the first unsent part.
    const resume = sub.progress?.date === date ? sub.progress : undefined;
    const upTo = resume ? new Date(resume.upTo) : runNow;
    const digest = await cache.digest(sub.topics, sub.cursor, upTo);
    const windowEnd = upTo.toISOString();
    if (!digest) {
      this.#recorded(await this.#claims.empty(sub, date, windowEnd), sub, 'empty');
      return 'empty';
    }
    const parts = cache.parts(sub.chat.platform, lane.sender, sub.topics, digest);
    let current = sub;
    let migrations = 0;
    let next = Math.min(resume?.partsSent ?? 0, parts.length);
    // Each turn sends a part (next grows) or follows a moved chat (at most MAX_MIGRATIONS times).
    while (next < parts.length) {
      const result = await this.#parts.send(current, lane, parts[next], digestNonce(current.key, date, next));
      switch (result.kind) {
        case 'sent':
          next += 1;
          if (next < parts.length) {
            await this.#claims.progress(current.key, { date, upTo: windowEnd, partsSent: next });
          }
          break;
        case 'migrated': {
          migrations += 1;
          if (migrations > MAX_MIGRATIONS) {
            await this.#claims.failed(current, 'the chat kept moving');
            return 'failed';
          }
          const moved = await this.#claims.move(current, result.to, this.#clock.now());
          this.#log.info({ from: current.key, to: result.to, result: moved.kind }, 'chat moved');
          if (moved.kind !== 'moved') return 'skipped';
          current = moved.sub;
          break;
        }
        case 'gone':
        case 'forbidden':
          this.#recorded(
            await this.#claims.paused(current, result.reason, this.#clock.now()),
            current,
            'paused',
          );
          this.#log.info({ key: current.key, reason: result.reason }, 'subscription paused');
          if (result.kind === 'forbidden') await this.#parts.notify(current, lane, result.reason);
          return 'paused';
        case 'failed':
          this.#recorded(await this.#claims.failed(current, result.reason), current, 'failed');
          this.#log.warn(
            { key: current.key, reason: result.reason, part: next },
            'delivery failed; next tick retries',
          );
          return 'failed';
        case 'interrupted':
          await this.#claims.release(current);
          return 'failed';
      }
    }
    this.#recorded(await this.#claims.sent(current, date, windowEnd, this.#clock.now()), current, 'sent');
    return 'sent';
  }

  /** Logs a record the store refused because the claim was lost meanwhile (unsubscribed, taken over). */
  #recorded(ok: boolean, sub: Subscription, what: DeliveryResult): void {
    if (!ok) this.#log.warn({ key: sub.key, result: what }, 'claim lost before the outcome was recorded');
  }
}

import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { Platform } from '../core/chat.js';
import type { Clock } from '../core/clock.js';
import type { Digests } from '../core/digest.js';
import type { Newsroom } from '../core/newsroom.js';
import type { ClaimedDelivery, DeliveryRun, DueCutoff, Store } from '../core/store.js';
import { dueCutoff } from '../core/time.js';
import type { Views } from '../core/views.js';
import type { Logger } from '../log.js';
import { Claims, DEFAULT_CLAIM_LEASE_MS } from './claims.js';
import { DigestCache } from './digest-cache.js';
import { DEFAULT_RETRY_POLICY, digestNonce, type RetryPolicy } from './outcomes.js';
import { PartSender, type SendPath } from './part-sender.js';
import { runPaged } from './queue.js';
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
    /** The translator for a claimed delivery's language (`DEFAULT_LANGUAGE` when it has none). */
    readonly translatorIn: Newsroom['translatorIn'];
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
  /**
   * Start paused: ticks do nothing until {@link DeliveryEngine.resume} (a process that stands by
   * until it leads). @defaultValue false
   */
  readonly paused?: boolean;
}

/** @see DeliveryEngineOptions.progressIntervalMs */
export const DEFAULT_PROGRESS_INTERVAL_MS = 5000;
/** @see DeliveryEngineOptions.stopTimeoutMs */
export const DEFAULT_STOP_TIMEOUT_MS = 10_000;
/**
 * Deliveries claimed per page, at most (a lane's page is its concurrency up to this): claims are
 * taken a page ahead of the lane, not all at once, so a claim is not held while thousands of others
 * go out first.
 */
export const MAX_PAGE = 500;
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
 * The local date and latest `HH:MM` by which a time zone's subscriptions are due at `now` (see
 * {@link DueCutoff} and {@link dueCutoff}: after a fall-back it stays at the last minute before the
 * clocks went back, so a digest whose first occurrence passed is owed). The one place the engine
 * turns an instant into local dates and times.
 */
function cutoffAt(now: Date, timezone: string): DueCutoff {
  return { timezone, ...dueCutoff(now, timezone) };
}

/**
 * The daily digest engine. Each {@link tick} computes, for every time zone with an active
 * subscription, the local date and time by which subscriptions there are due, and delivers what is
 * due (the instant its `HH:MM` is due on that local date has passed — see `dueInstant` for DST gaps
 * and folds — and no digest yet for that date):
 *
 * 1. **claim** a page of due deliveries in the store, per platform, as that platform's lane needs
 *    work, until the store has none left (`claimDue`: the store's compare-and-set; the owner is this
 *    process, the lease {@link DEFAULT_CLAIM_LEASE_MS});
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
 * digest while it goes out (the lowdb store never writes claims, so a crash strands none; a claim in
 * a shared database lapses after its lease and is taken over). A day is marked done (`lastDigestDate`) only after its digest went out,
 * and before the next part of a multi-part digest is sent, the parts already sent are recorded. The lowdb store
 * journals each of these records synchronously, so a restart — even after `kill -9` — never repeats
 * a completed send. What a crash can duplicate is only what was in flight: a part the platform
 * accepted whose record was not yet written (at most one part per chat under way, so at most the
 * lane's concurrency). On Discord the part's deterministic nonce (subscription, local date, part)
 * makes even that resend a no-op within Discord's nonce window.
 *
 * Each platform has its own bounded queue (`concurrency` deliveries at once). Runs do not overlap: a
 * tick during a run joins it, and subscriptions that fall due during a long run go in the next one
 * (the run's cutoffs are computed once, at its start).
 */
export class DeliveryEngine {
  /** This process's claim owner id. */
  readonly owner: string;
  readonly #store: Store;
  readonly #digests: Pick<Digests, 'select'>;
  readonly #views: Pick<Views, 'digest'>;
  readonly #clock: Clock;
  readonly #translatorIn: Newsroom['translatorIn'];
  readonly #lanes: DeliveryLanes;
  readonly #log: Logger;
  readonly #claims: Claims;
  readonly #policy: RetryPolicy;
  readonly #progressMs: number;
  readonly #stopTimeoutMs: number;
  /** Aborted by {@link pause} and {@link stop}; a new one (and a new part sender) on {@link resume}. */
  #abort = new AbortController();
  #parts: PartSender;
  #paused: boolean;
  #stopped = false;
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
    this.#translatorIn = (language) => options.newsroom.translatorIn(language);
    this.#lanes = options.lanes;
    this.#log = options.logger;
    this.#claims = new Claims(this.#store, this.owner, options.leaseMs ?? DEFAULT_CLAIM_LEASE_MS);
    this.#policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
    this.#progressMs = options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS;
    this.#stopTimeoutMs = options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    this.#paused = options.paused ?? false;
    this.#parts = this.#partSender();
  }

  #partSender(): PartSender {
    // Every delivery under way listens for shutdown (up to a lane's concurrency, 1,000 on Telegram).
    setMaxListeners(0, this.#abort.signal);
    return new PartSender(this.#policy, this.#abort.signal, this.#log);
  }

  /**
   * Delivers every digest due now; the scheduler calls it each minute, and anyone may call it on
   * demand. Resolves to the run's figures — kept in the store when anything was due — or `undefined`
   * once the engine is stopping (or if the tick itself failed, which is logged). A call during a run
   * joins that run. Never rejects.
   */
  tick(): Promise<DeliveryRun | undefined> {
    if (this.#abort.signal.aborted || this.#paused) return Promise.resolve(undefined);
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
    this.#stopped = true;
    await this.#halt(timeoutMs);
  }

  /** Whether ticks deliver now (not paused, not stopped). */
  get active(): boolean {
    return !this.#paused && !this.#stopped;
  }

  /**
   * Stops delivering for now, as {@link stop} does (this process lost the lead): sends in flight
   * finish (up to `timeoutMs`), deliveries not yet sent release their claims; ticks do nothing until
   * {@link resume}.
   */
  async pause(timeoutMs = this.#stopTimeoutMs): Promise<void> {
    if (this.#paused || this.#stopped) return;
    this.#paused = true;
    await this.#halt(timeoutMs);
  }

  /**
   * Delivers again from the next tick (this process took the lead at `at`): claims taken before `at`
   * by a leader that is gone are taken over at once rather than after their lease (see
   * `Claims.takeOver`). Does nothing once stopped.
   */
  resume(at: Date): void {
    if (this.#stopped) return;
    this.#claims.takeOver(at);
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#abort.signal.aborted) {
      this.#abort = new AbortController();
      this.#parts = this.#partSender();
    }
  }

  async #halt(timeoutMs: number): Promise<void> {
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
    const cutoffs = await this.#cutoffs(now);
    const tally = new RunTally(randomUUID(), now);
    this.#tally = tally;
    const cache = new DigestCache(this.#digests, this.#views);
    const progress = setInterval(
      () => this.#log.info({ ...tally.summary(), done: tally.done }, 'delivery run in progress'),
      this.#progressMs,
    );
    progress.unref();
    try {
      await Promise.all(
        (Object.keys(this.#lanes) as Platform[]).map((platform) =>
          this.#runLane(platform, this.#lanes[platform]!, cutoffs, now, tally, cache),
        ),
      );
    } finally {
      clearInterval(progress);
    }
    const run = tally.toRun();
    if (tally.due === 0) {
      // Not kept: a record a minute would push the runs that did something out of `/stats`.
      this.#log.debug({ at: now.toISOString() }, 'delivery tick: nothing due');
      return run;
    }
    try {
      await this.#store.addRun(run);
    } catch (e) {
      this.#log.error({ err: e }, 'could not record the delivery run');
    }
    this.#lastRun = run;
    const notStarted = tally.due - tally.done;
    this.#log.info(
      { ...tally.summary(), renders: cache.renders, ...(notStarted > 0 && { notStarted }) },
      notStarted > 0 ? 'delivery run stopped by shutdown' : 'delivery run finished',
    );
    return run;
  }

  /** The due cutoff of every time zone with an active subscription; a zone this runtime does not know is skipped. */
  async #cutoffs(now: Date): Promise<DueCutoff[]> {
    const cutoffs: DueCutoff[] = [];
    for (const timezone of await this.#store.activeTimezones()) {
      try {
        cutoffs.push(cutoffAt(now, timezone));
      } catch {
        this.#log.warn({ timezone }, 'subscriptions with an unknown time zone are skipped');
      }
    }
    return cutoffs;
  }

  /**
   * Delivers one platform's due subscriptions a page at a time, the next page claimed while the
   * current one is sent, until the store has none left. Claims not started (shutdown) are given back.
   */
  async #runLane(
    platform: Platform,
    lane: DeliveryLane,
    cutoffs: readonly DueCutoff[],
    runNow: Date,
    tally: RunTally,
    cache: DigestCache,
  ): Promise<void> {
    if (cutoffs.length === 0) return;
    const limit = Math.max(1, Math.min(Math.floor(lane.concurrency), MAX_PAGE));
    const nextPage = async () => {
      if (this.#abort.signal.aborted) return [];
      const page = await this.#claims.page(cutoffs, platform, limit, this.#clock.now());
      if (page.length > 0 && tally.due === 0) {
        this.#log.info({ runId: tally.id, platform, firstPage: page.length }, 'delivery run started');
      }
      tally.due += page.length;
      return page;
    };
    const unstarted = await runPaged(
      nextPage,
      lane.concurrency,
      async (claimed) => tally.add(platform, await this.#deliver(claimed, lane, runNow, cache)),
      {
        shouldStop: () => this.#abort.signal.aborted,
        onError: (e, claimed) => {
          this.#log.error({ err: e, key: claimed.settings.key }, 'delivery failed unexpectedly');
          tally.add(platform, 'failed');
        },
        onPageError: (e) => this.#log.error({ err: e, platform }, 'could not claim due deliveries'),
      },
    );
    for (const claimed of unstarted) await this.#claims.release(claimed.settings.key).catch(() => false);
  }

  /** Sends and records one claimed subscription's digest. Never throws. */
  async #deliver(
    claimed: ClaimedDelivery,
    lane: DeliveryLane,
    runNow: Date,
    cache: DigestCache,
  ): Promise<DeliveryResult> {
    try {
      return await this.#deliverClaimed(claimed, lane, runNow, cache);
    } catch (e) {
      const key = claimed.settings.key;
      this.#log.error({ err: e, key }, 'delivery failed unexpectedly');
      const reason = `internal error: ${e instanceof Error ? e.message : String(e)}`;
      await this.#claims.failed(key, reason, runNow).catch(() => false);
      return 'failed';
    }
  }

  async #deliverClaimed(
    claimed: ClaimedDelivery,
    lane: DeliveryLane,
    runNow: Date,
    cache: DigestCache,
  ): Promise<DeliveryResult> {
    const { date, settings: sub, delivery } = claimed;
    // A digest that went out in part is finished as it was selected, from the first unsent part.
    const resume = delivery.progress?.date === date ? delivery.progress : undefined;
    const upTo = resume ? new Date(resume.upTo) : runNow;
    const digest = await cache.digest(sub.topics, delivery.cursor, upTo);
    const windowEnd = upTo.toISOString();
    if (!digest) {
      this.#recorded(await this.#claims.empty(sub.key, date, windowEnd), sub.key, 'empty');
      return 'empty';
    }
    const tr = this.#translatorIn(claimed.language);
    const parts = cache.parts(sub.chat.platform, lane.sender, sub.topics, digest, tr);
    let current = claimed;
    let migrations = 0;
    let next = Math.min(resume?.partsSent ?? 0, parts.length);
    // Each turn sends a part (next grows) or follows a moved chat (at most MAX_MIGRATIONS times).
    while (next < parts.length) {
      const chat = current.settings;
      const result = await this.#parts.send(chat, lane, parts[next], digestNonce(chat.key, date, next));
      switch (result.kind) {
        case 'sent':
          next += 1;
          if (next < parts.length) {
            await this.#claims.progress(chat.key, { date, upTo: windowEnd, partsSent: next });
          }
          break;
        case 'migrated': {
          migrations += 1;
          if (migrations > MAX_MIGRATIONS) {
            await this.#claims.failed(chat.key, 'the chat kept moving', runNow);
            return 'failed';
          }
          const moved = await this.#claims.move(current, result.to, this.#clock.now());
          this.#log.info({ from: chat.key, to: result.to, result: moved.kind }, 'chat moved');
          if (moved.kind !== 'moved') return 'skipped';
          current = moved.claimed;
          break;
        }
        case 'gone':
        case 'forbidden':
          this.#recorded(
            await this.#claims.paused(chat.key, result.reason, this.#clock.now()),
            chat.key,
            'paused',
          );
          this.#log.info({ key: chat.key, reason: result.reason }, 'subscription paused');
          if (result.kind === 'forbidden') await this.#parts.notify(chat, lane, result.reason, tr);
          return 'paused';
        case 'failed':
          this.#recorded(await this.#claims.failed(chat.key, result.reason, runNow), chat.key, 'failed');
          this.#log.warn(
            { key: chat.key, reason: result.reason, part: next },
            'delivery failed; next tick retries',
          );
          return 'failed';
        case 'interrupted':
          await this.#claims.release(chat.key);
          return 'failed';
      }
    }
    const key = current.settings.key;
    this.#recorded(await this.#claims.sent(key, date, windowEnd, this.#clock.now()), key, 'sent');
    return 'sent';
  }

  /** Logs a record the store refused because the claim was lost meanwhile (unsubscribed, taken over). */
  #recorded(ok: boolean, key: string, what: DeliveryResult): void {
    if (!ok) this.#log.warn({ key, result: what }, 'claim lost before the outcome was recorded');
  }
}

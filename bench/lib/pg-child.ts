/**
 * The measuring side of `bench/postgres.ts`, run in a fresh process against a database already
 * seeded — built (`bench/tsconfig.build.json`), with `npm start`'s memory flags, as the Docker image
 * runs the bot:
 *
 * - `claim <DATABASE_URL> [instant]` — the due query and the claim through the PostgresStore (at
 *   {@link CLAIM_AT}, or the ISO instant given): `claimDue`
 *   pages (the engine's page size) until none is left, each claim finished with `finishDelivery`,
 *   as many under way as the Telegram lane at L = 1,000 has; prints one `{"claim": …}` line.
 * - `queries <DATABASE_URL>` — `/brief` (today's, as `bench/scale.ts` asks, and whole past days)
 *   and `/topic` through the newsroom on the PostgresStore; prints one `{"queries": …}` line.
 * - `app` — the bot itself (`startApp`, as `src/main.ts` starts it, configured from the
 *   environment) on a clock that starts at `BENCH_CLOCK_AT` and runs; prints a JSON line on each
 *   event (`ready`, `leading` the first time a delivery run is under way, `run` when one ends with
 *   its event-loop delay and peak RSS) until it is stopped (SIGTERM) or killed; with
 *   `BENCH_STALLS=1`, each stall of its event loop during a run on stderr.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startApp } from '../../src/app.js';
import { loadConfig, secretsOf } from '../../src/config.js';
import type { Clock } from '../../src/core/clock.js';
import { Newsroom } from '../../src/core/newsroom.js';
import type { ClaimedDelivery } from '../../src/core/store.js';
import { dueCutoff, localDate, shiftDate } from '../../src/core/time.js';
import { MAX_PAGE } from '../../src/delivery/engine.js';
import { deliveryConcurrency } from '../../src/delivery/gates.js';
import { runPaged } from '../../src/delivery/queue.js';
import { ENGLISH } from '../../src/i18n/translator.js';
import { createLogger } from '../../src/log.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { loadTopics } from '../../src/store/seed.js';
import { MemoryWireStore } from '../../src/wire/memory-store.js';
import { CLAIM_AT } from './pg-data.js';
import { SCALE_TIMEZONE } from './scale-data.js';
import { SCALE_QUERY_CALLS, SCALE_RATE } from './scale-figures.js';
import { percentile, timeCalls, watchStalls } from './timing.js';

/** What `claim` reports. */
export interface ClaimResult {
  readonly claimed: number;
  readonly finished: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly pages: number;
  readonly pageP50Ms: number;
  readonly pageP99Ms: number;
  readonly finishP50Ms: number;
  readonly finishP99Ms: number;
  readonly peakRssMb: number;
}

/** What `queries` reports. */
export interface QueriesResult {
  readonly calls: number;
  readonly briefP50Ms: number;
  readonly briefP99Ms: number;
  /** `/brief <date>` of whole past days. */
  readonly pastDayP50Ms: number;
  readonly pastDayP99Ms: number;
  readonly topicP50Ms: number;
  readonly topicP99Ms: number;
  readonly openMs: number;
  readonly peakRssMb: number;
}

/** `/brief <date>` asks for one of this many past days, in turn. */
const BRIEF_DAYS = 365;
/** Calls of `/brief <date>` measured (each reads a whole day). */
export const PAST_DAY_CALLS = 1000;

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

async function openStore(url: string): Promise<PostgresStore> {
  return PostgresStore.open(url, { logger: createLogger('warn'), wire: new MemoryWireStore() });
}

async function claim(url: string, when: Date): Promise<ClaimResult> {
  const store = await openStore(url);
  const owner = 'bench-claim';
  const at = when.toISOString();
  const concurrency = deliveryConcurrency('telegram', { telegram: { maxPerSecond: SCALE_RATE } });
  const pageTimes: number[] = [];
  const finishTimes: number[] = [];
  let claimed = 0;
  let finished = 0;
  const started = performance.now();
  // The engine's cutoffs: one per active zone, computed once for the run.
  const cutoffs = (await store.activeTimezones()).map((timezone) => ({
    timezone,
    ...dueCutoff(when, timezone),
  }));
  await runPaged(
    async () => {
      const t = performance.now();
      const page = await store.claimDue({
        cutoffs,
        platforms: ['telegram'],
        owner,
        expiresAt: new Date(when.getTime() + 10 * 60_000).toISOString(),
        now: at,
        limit: MAX_PAGE,
      });
      pageTimes.push(performance.now() - t);
      claimed += page.length;
      return page;
    },
    concurrency,
    async (c: ClaimedDelivery) => {
      const t = performance.now();
      const ok = await store.finishDelivery(c.settings.key, owner, {
        kind: 'sent',
        date: c.date,
        upTo: at,
        at,
      });
      finishTimes.push(performance.now() - t);
      if (ok) finished++;
    },
  );
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  pageTimes.sort((a, b) => a - b);
  finishTimes.sort((a, b) => a - b);
  return {
    claimed,
    finished,
    seconds,
    perSecond: finished / seconds,
    pages: pageTimes.length,
    pageP50Ms: percentile(pageTimes, 50),
    pageP99Ms: percentile(pageTimes, 99),
    finishP50Ms: percentile(finishTimes, 50),
    finishP99Ms: percentile(finishTimes, 99),
    peakRssMb: peakRssMb(),
  };
}

/** The newsroom the queries ask, its clock stopped at the claim's instant. */
async function claimTimeNewsroom(store: PostgresStore): Promise<Newsroom> {
  const clock: Clock = { now: () => new Date(CLAIM_AT) };
  return new Newsroom(
    store,
    await loadTopics(),
    { timezone: SCALE_TIMEZONE, defaultDeliveryTime: '08:00' },
    clock,
  );
}

async function queries(url: string): Promise<QueriesResult> {
  const openStart = performance.now();
  const store = await openStore(url);
  const openMs = performance.now() - openStart;
  const newsroom = await claimTimeNewsroom(store);
  const now = newsroom.clock.now();
  const today = localDate(now, SCALE_TIMEZONE);
  // As bench/scale.ts asks: today's briefing (at 06:00 in Shanghai, six hours of items).
  const brief = await timeCalls(SCALE_QUERY_CALLS, () => newsroom.brief(undefined, now, ENGLISH));
  // A whole past day (about 270 items of 1.5 kB), a different one each call.
  const pastDay = await timeCalls(PAST_DAY_CALLS, (n) =>
    newsroom.brief(shiftDate(today, -1 - (n % BRIEF_DAYS)), now, ENGLISH),
  );
  const list = newsroom.topics.topics;
  const topic = await timeCalls(SCALE_QUERY_CALLS, (n) =>
    newsroom.latestOnTopic(list[n % list.length]!, 5, now, ENGLISH),
  );
  await store.close();
  return {
    calls: SCALE_QUERY_CALLS,
    briefP50Ms: percentile(brief, 50),
    briefP99Ms: percentile(brief, 99),
    pastDayP50Ms: percentile(pastDay, 50),
    pastDayP99Ms: percentile(pastDay, 99),
    topicP50Ms: percentile(topic, 50),
    topicP99Ms: percentile(topic, 99),
    openMs,
    peakRssMb: peakRssMb(),
  };
}

/**
 * The statements behind the figures, for `auto_explain` (set on the database by the parent): two
 * claim pages at {@link CLAIM_AT}, each finished; one `/brief` of a past day, one `/topic`.
 */
async function explain(url: string): Promise<boolean> {
  const store = await openStore(url);
  const owner = 'bench-explain';
  const at = CLAIM_AT.toISOString();
  const cutoffs = (await store.activeTimezones()).map((timezone) => ({
    timezone,
    ...dueCutoff(CLAIM_AT, timezone),
  }));
  for (let page = 0; page < 2; page++) {
    const claimed = await store.claimDue({
      cutoffs,
      platforms: ['telegram'],
      owner,
      expiresAt: new Date(CLAIM_AT.getTime() + 10 * 60_000).toISOString(),
      now: at,
      limit: MAX_PAGE,
    });
    await Promise.all(
      claimed.map((c) =>
        store.finishDelivery(c.settings.key, owner, { kind: 'sent', date: c.date, upTo: at, at }),
      ),
    );
  }
  const newsroom = await claimTimeNewsroom(store);
  await newsroom.brief(shiftDate(localDate(CLAIM_AT, SCALE_TIMEZONE), -30), CLAIM_AT, ENGLISH);
  await newsroom.latestOnTopic(newsroom.topics.topics[0]!, 5, CLAIM_AT, ENGLISH);
  await store.close();
  return true;
}

/** One line of the `app` mode's report. */
function say(event: string, fields: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ event, ...fields })}\n`);
}

/** How often the `app` mode looks at the engine (to see a run start and end). */
const WATCH_MS = 20;

async function app(): Promise<void> {
  const at = Date.parse(process.env.BENCH_CLOCK_AT ?? '');
  const since = Number(process.env.BENCH_CLOCK_SINCE ?? Date.now());
  if (Number.isNaN(at)) throw new Error('BENCH_CLOCK_AT must be an ISO instant');
  // The bench's instant, running at the wall clock's pace from BENCH_CLOCK_SINCE (shared by both
  // processes of the drill, so they agree on the time).
  const clock: Clock = { now: () => new Date(at + (Date.now() - since)) };
  const config = loadConfig(process.env, []);
  const logger = createLogger(config.logLevel, secretsOf(config));
  // The store the configuration names (DATABASE_URL: the PostgresStore), opened by the app.
  const running = await startApp({ config, logger, clock });
  say('ready', { ms: performance.now() });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let seenRunning = false;
  let stalls = watchStalls(0, false);
  // Bounded by the process's life: the parent stops or kills it.
  const timer = setInterval(() => {
    const status = running.delivery.status();
    if (status.running !== undefined && Number(status.running.due) > 0 && !seenRunning) {
      seenRunning = true;
      delay.reset();
      delay.enable();
      stalls = watchStalls(performance.now(), process.env.BENCH_STALLS === '1');
      say('leading', { ms: performance.now(), wall: Date.now() });
    } else if (status.running === undefined && seenRunning) {
      seenRunning = false;
      delay.disable();
      stalls.stop();
      void running.delivery.lastRun().then((run) =>
        say('run', {
          run,
          loopDelayMaxMs: delay.max / 1e6,
          loopDelayP99Ms: delay.percentile(99) / 1e6,
          peakRssMb: peakRssMb(),
        }),
      );
    }
  }, WATCH_MS);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  clearInterval(timer);
  await running.stop();
  say('stopped', { peakRssMb: peakRssMb() });
}

const [mode, url, instant] = process.argv.slice(2);
if (mode === 'claim' && url) {
  const when = instant === undefined ? CLAIM_AT : new Date(instant);
  process.stdout.write(`${JSON.stringify({ claim: await claim(url, when) })}\n`);
} else if (mode === 'queries' && url) {
  process.stdout.write(`${JSON.stringify({ queries: await queries(url) })}\n`);
} else if (mode === 'explain' && url) {
  process.stdout.write(`${JSON.stringify({ explain: await explain(url) })}\n`);
} else if (mode === 'app') {
  await app();
} else {
  process.stderr.write(
    'usage: pg-child.ts claim <url> | queries <url> | explain <url> | app (configured by the environment)\n',
  );
  process.exitCode = 2;
}

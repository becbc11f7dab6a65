/**
 * The measuring side of `bench/scale.ts`, run in a fresh process on a data set already laid out:
 *
 * - `measure <DATABASE_FILE>` — start to ready, `/brief` and `/topic` latencies, a full fan-out
 *   through the real delivery engine and Telegram gate, peak RSS; prints one `{"scale": …}` line.
 * - `fanout <DATABASE_FILE> <recorded-file>` — a full fan-out that appends `key<TAB>date` to
 *   `recorded-file` as each outcome's store call resolves, until it is killed.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Clock } from '../../src/core/clock.js';
import { Newsroom } from '../../src/core/newsroom.js';
import type { ChatSender } from '../../src/core/sender.js';
import type { ClaimedDelivery, DeliveryOutcome, Store } from '../../src/core/store.js';
import { dueCutoff } from '../../src/core/time.js';
import { DeliveryEngine, type DeliveryEngineOptions } from '../../src/delivery/engine.js';
import { deliveryConcurrency } from '../../src/delivery/gates.js';
import { runPaged } from '../../src/delivery/queue.js';
import { TelegramGate } from '../../src/delivery/telegram-gate.js';
import { ENGLISH } from '../../src/i18n/translator.js';
import { createLogger, type Logger, silentLogger } from '../../src/log.js';
import { StoreLayout } from '../../src/store/layout.js';
import { StoreLock } from '../../src/store/lock.js';
import { LowdbStore } from '../../src/store/lowdb.js';
import { loadTopics } from '../../src/store/seed.js';
import { SCALE_NOW, SCALE_TIMEZONE } from './scale-data.js';
import {
  JOURNAL_CONCURRENCY,
  JOURNAL_OUTCOMES,
  type JournalResult,
  SCALE_QUERY_CALLS,
  SCALE_RATE,
  type ScaleResult,
} from './scale-figures.js';
import { percentile, timeCalls, watchStalls } from './timing.js';

const clock: Clock = { now: () => new Date(SCALE_NOW) };

/** A sender that answers `sent` at once: the store and the engine are measured, not a network. */
function countingSender(): ChatSender<string> & { sent: number } {
  return {
    platform: 'telegram',
    sent: 0,
    // One message per digest, as a short digest would be.
    render: (doc) => [doc.title ?? 'digest'],
    async send() {
      this.sent += 1;
      return { kind: 'sent' };
    },
  };
}

async function ready(file: string, logger: Logger) {
  const openStart = performance.now();
  const store = await LowdbStore.open(file, { logger });
  const openMs = performance.now() - openStart;
  const topics = await loadTopics();
  const newsroom = new Newsroom(
    store,
    topics,
    { timezone: SCALE_TIMEZONE, defaultDeliveryTime: '08:00' },
    clock,
  );
  const readyAt = performance.now();
  return { store, topics, newsroom, openMs, readyMs: readyAt - openStart, readyAt };
}

function engineFor(newsroom: DeliveryEngineOptions['newsroom'], logger: Logger) {
  const sender = countingSender();
  const gate = new TelegramGate({ maxPerSecond: SCALE_RATE, logger });
  const concurrency = deliveryConcurrency('telegram', { telegram: { maxPerSecond: SCALE_RATE } });
  const engine = new DeliveryEngine({
    newsroom,
    lanes: { telegram: { sender, gate, concurrency } },
    logger,
    progressIntervalMs: 20_000,
  });
  return { engine, sender };
}

async function measure(file: string): Promise<ScaleResult> {
  const logger = createLogger('warn');
  const { store, topics, newsroom, openMs, readyMs, readyAt } = await ready(file, logger);
  const now = clock.now();
  const brief = await timeCalls(SCALE_QUERY_CALLS, () => newsroom.brief(undefined, now, ENGLISH));
  const topicList = topics.topics;
  const topic = await timeCalls(SCALE_QUERY_CALLS, (n) =>
    newsroom.latestOnTopic(topicList[n % topicList.length]!, 5, now, ENGLISH),
  );

  const { engine } = engineFor(newsroom, logger);
  const writesBefore = store.writes;
  const syncsBefore = store.journalSyncs;
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const started = performance.now();
  const stalls = watchStalls(started, process.env.BENCH_STALLS === '1');
  const run = await engine.tick();
  const fanoutSeconds = (performance.now() - started) / 1000;
  delay.disable();
  stalls.stop();
  const checkpoints = store.writes - writesBefore;
  const fanoutJournalSyncs = store.journalSyncs - syncsBefore;
  const monthsInMemory = store.monthsInMemory.length;
  const closeStart = performance.now();
  await store.close();
  const closeMs = performance.now() - closeStart;
  return {
    readyMs,
    processStartToReadyMs: readyAt,
    openMs,
    briefP50Ms: percentile(brief, 50),
    briefP99Ms: percentile(brief, 99),
    topicP50Ms: percentile(topic, 50),
    topicP99Ms: percentile(topic, 99),
    due: run?.due ?? 0,
    sent: run?.sent ?? 0,
    fanoutSeconds,
    fanoutRate: (run?.sent ?? 0) / fanoutSeconds,
    loopDelayMaxMs: delay.max / 1e6,
    loopDelayP99Ms: delay.percentile(99) / 1e6,
    checkpoints,
    closeMs,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    monthsInMemory,
    fanoutJournalSyncs,
  };
}

/**
 * Records {@link JOURNAL_OUTCOMES} delivery outcomes on the store at `file`, {@link JOURNAL_CONCURRENCY}
 * at a time, as the engine does (claimed a page at a time, each finished with `sent`): the cost of
 * the journal with and without `fdatasync`, apart from the gate and the engine.
 */
async function journal(file: string, sync: boolean): Promise<JournalResult> {
  const logger = createLogger('warn');
  const lockUs = lockCost(file);
  const store = await LowdbStore.open(file, { logger, sync });
  const cutoffs = await Promise.all(
    (await store.activeTimezones()).map(async (timezone) => ({
      timezone,
      ...dueCutoff(SCALE_NOW, timezone),
    })),
  );
  const owner = 'journal-bench';
  const at = SCALE_NOW.toISOString();
  const page = () =>
    store.claimDue({
      cutoffs,
      platforms: ['telegram'],
      owner,
      expiresAt: '2999-01-01T00:00:00.000Z',
      now: at,
      limit: 500,
    });
  const syncsBefore = store.journalSyncs;
  const times: number[] = [];
  let left = JOURNAL_OUTCOMES;
  let batch: readonly ClaimedDelivery[] = [];
  const started = performance.now();
  await runPaged(
    async () => {
      if (left <= 0) return [];
      batch = await page();
      left -= batch.length;
      return batch;
    },
    JOURNAL_CONCURRENCY,
    async (claimed) => {
      const t = performance.now();
      await store.finishDelivery(claimed.settings.key, owner, {
        kind: 'sent',
        date: claimed.date,
        upTo: at,
        at,
      });
      times.push(performance.now() - t);
    },
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const syncs = store.journalSyncs - syncsBefore;
  await store.close();
  return {
    sync,
    outcomesPerSecond: times.length / seconds,
    finishP50Ms: percentile(times, 50),
    finishP99Ms: percentile(times, 99),
    syncs,
    lockUs,
  };
}

/** Microseconds to take and release the store's lock (before the store is opened). */
function lockCost(file: string): number {
  const layout = new StoreLayout(file);
  const rounds = 1000;
  const start = performance.now();
  for (let i = 0; i < rounds; i++) StoreLock.acquire(layout, silentLogger)?.release(silentLogger);
  return ((performance.now() - start) * 1000) / rounds;
}

/**
 * The store as the engine sees it, except that each outcome recorded (a digest marked done) is
 * written to `fd` once the store call has resolved — what the process "knew was recorded".
 */
function recording(store: LowdbStore, fd: number): Store {
  const finishDelivery = async (key: string, owner: string, outcome: DeliveryOutcome) => {
    const ok = await store.finishDelivery(key, owner, outcome);
    if (ok && (outcome.kind === 'sent' || outcome.kind === 'empty'))
      writeSync(fd, `${key}\t${outcome.date}\n`);
    return ok;
  };
  return new Proxy(store, {
    get(target, prop) {
      if (prop === 'finishDelivery') return finishDelivery;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as Store;
}

async function fanout(file: string, recordedFile: string): Promise<void> {
  const logger = createLogger('warn');
  const { store, newsroom } = await ready(file, logger);
  const fd = openSync(recordedFile, 'a');
  const recorded = recording(store, fd);
  const { engine } = engineFor(
    {
      store: recorded,
      digests: newsroom.digests,
      views: newsroom.views,
      clock: newsroom.clock,
      translatorIn: (language) => newsroom.translatorIn(language),
    },
    logger,
  );
  await engine.tick();
  closeSync(fd);
  await store.close();
}

const [mode, file, recordedFile] = process.argv.slice(2);
if (mode === 'measure' && file) {
  const result = await measure(file);
  process.stdout.write(`${JSON.stringify({ scale: result })}\n`);
} else if (mode === 'fanout' && file && recordedFile) {
  await fanout(file, recordedFile);
} else if (mode === 'journal' && file && (recordedFile === 'sync' || recordedFile === 'nosync')) {
  const result = await journal(file, recordedFile === 'sync');
  process.stdout.write(`${JSON.stringify({ journal: result })}\n`);
} else {
  process.stderr.write(
    'usage: scale-child.ts measure <file> | fanout <file> <recorded-file> | journal <file> sync|nosync\n',
  );
  process.exitCode = 2;
}

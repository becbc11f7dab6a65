/**
 * The news wire (issue #13): 500 feeds of 50 entries each, served by a local HTTP server in its own
 * process, polled by the wire as the app runs it — the SSRF-guarded fetcher, charset decoding,
 * feedsmith in its worker thread, entry → draft, the memory wire store — through one scheduler
 * round with the default concurrency (4 at once, one per host), jitter off (the production jitter
 * adds a pause of up to 2 s before each fetch, which only spreads the round). Reports the first
 * full poll's duration, CPU seconds and peak RSS, then a second round answered by 304s.
 */
import type { LookupAddress, lookup } from 'node:dns';
import { commands } from '../commands/index.js';
import { CONSOLE_USER_ID, Dispatcher } from '../src/core/dispatch.js';
import { Newsroom } from '../src/core/newsroom.js';
import { silentLogger } from '../src/log.js';
import { MemoryStore } from '../src/store/memory.js';
import { loadTopics } from '../src/store/seed.js';
import { MemoryWireStore } from '../src/wire/memory-store.js';
import { FeedParser } from '../src/wire/parser.js';
import { HttpFeedReader } from '../src/wire/reader.js';
import { WireScheduler } from '../src/wire/scheduler.js';
import { Wire } from '../src/wire/wire.js';
import { machineBusyMs, machineLine } from './lib/machine.js';
import { emit, note, round } from './lib/report.js';
import { Worker } from './lib/worker.js';

const BENCH = 'wire';
const FEEDS = 500;
/** Feeds are spread over this many host names (all resolving to 127.0.0.1): the wire fetches one at a time per host. */
const HOSTS = 50;
const ENTRIES = 50;
const TIMEOUT_MS = 30_000;
const ROUND_TIMEOUT_MS = 600_000;

/** A clock the bench moves by hand. */
class Clock {
  #now = new Date('2026-11-30T02:00:00Z');
  now(): Date {
    return new Date(this.#now);
  }
  advance(ms: number): void {
    this.#now = new Date(this.#now.getTime() + ms);
  }
}

/** Every bench host name resolves to this machine. */
const toThisMachine = ((_host: string, _options: unknown, callback: (e: null, a: LookupAddress[]) => void) =>
  callback(null, [{ address: '127.0.0.1', family: 4 }])) as unknown as typeof lookup;

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

async function main(): Promise<void> {
  note(machineLine());
  note(
    `${FEEDS} feeds × ${ENTRIES} entries on a local server (its own process), under ${HOSTS} host names; concurrency 4, one per host, jitter off`,
  );
  const server = Worker.start('feed server', new URL('./lib/feed-server-worker.ts', import.meta.url));
  const parser = new FeedParser();
  try {
    const { origin, bytesPerFeed } = await server.call<{ origin: string; bytesPerFeed: number }>(
      'start',
      { feeds: FEEDS, entries: ENTRIES },
      TIMEOUT_MS,
    );
    note(`each feed is ${round(bytesPerFeed / 1024, 1)} kB`);
    const clock = new Clock();
    const store = new MemoryStore();
    const newsroom = new Newsroom(
      store,
      await loadTopics(),
      { timezone: 'Asia/Shanghai', defaultDeliveryTime: '08:00' },
      clock,
    );
    const wireStore = new MemoryWireStore();
    const wire = new Wire({
      store: wireStore,
      newsroom,
      reader: new HttpFeedReader({ allowPrivate: true, lookup: toThisMachine }, parser),
    });
    // Built as the app builds it, so the bench runs the code the bot runs.
    new Dispatcher(
      commands,
      newsroom,
      { telegram: new Set(), discord: new Set(), console: new Set([CONSOLE_USER_ID]) },
      silentLogger,
      wire,
    );
    const editor = { platform: 'console' as const, id: CONSOLE_USER_ID, name: 'bench' };
    for (let f = 0; f < FEEDS; f++) {
      await wireStore.addFeed({
        url: `http://news${f % HOSTS}.bench.test:${new URL(origin).port}/feed/${f}.xml`,
        topic: 'mining',
        auto: false,
        status: 'active',
        addedBy: editor,
        addedAt: clock.now().toISOString(),
        failures: 0,
        entriesSeen: 0,
      });
    }
    const scheduler = new WireScheduler({ wire, clock, logger: silentLogger, jitterMs: 0 });

    const poll = async (label: string) => {
      const serverCpu = await server.call<number>('cpu', undefined, TIMEOUT_MS);
      const busy = machineBusyMs();
      const cpu = cpuMs();
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const outcomes = await Promise.race([
        scheduler.tick(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${label} took too long`)), ROUND_TIMEOUT_MS);
        }),
      ]).finally(() => clearTimeout(timer));
      const ms = performance.now() - started;
      const ours = cpuMs() - cpu;
      const theirs = (await server.call<number>('cpu', undefined, TIMEOUT_MS)) - serverCpu;
      const others = Math.max(0, machineBusyMs() - busy - ours - theirs) / ms;
      const kinds = new Map<string, number>();
      for (const o of outcomes) kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
      note(
        `${label}: ${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}; other processes used ${round(others, 2)} cores`,
      );
      return { ms, cpuMs: ours, outcomes };
    };

    const first = await poll('first poll');
    const drafts = first.outcomes.reduce((n, o) => n + (o.kind === 'new' ? o.drafts.length : 0), 0);
    const rss = process.resourceUsage().maxRSS / 1024;
    emit({ bench: BENCH, metric: 'full poll: duration', value: round(first.ms / 1000, 2), unit: 's' });
    emit({ bench: BENCH, metric: 'full poll: CPU', value: round(first.cpuMs / 1000, 2), unit: 's' });
    emit({ bench: BENCH, metric: 'full poll: entries read', value: FEEDS * ENTRIES, unit: 'count' });
    emit({
      bench: BENCH,
      metric: 'full poll: drafts made (10 newest per new feed)',
      value: drafts,
      unit: 'count',
    });
    emit({ bench: BENCH, metric: 'peak RSS (whole bench process)', value: round(rss, 0), unit: 'MB' });

    clock.advance(10 * 60_000);
    const second = await poll('second poll');
    const stats = await server.call<{ full: number; notModified: number }>('stats', undefined, TIMEOUT_MS);
    emit({
      bench: BENCH,
      metric: 'second poll (304s): duration',
      value: round(second.ms / 1000, 2),
      unit: 's',
    });
    emit({
      bench: BENCH,
      metric: 'second poll (304s): CPU',
      value: round(second.cpuMs / 1000, 2),
      unit: 's',
    });
    emit({
      bench: BENCH,
      metric: 'second poll: 304 answers',
      value: stats.notModified,
      unit: 'count',
      target: `${FEEDS}`,
      ok: stats.notModified === FEEDS,
    });
    emit({
      bench: BENCH,
      metric: 'no draft made twice',
      value: (await wireStore.listDrafts({ state: 'waiting', limit: 1 })).total,
      unit: 'drafts',
      target: `${drafts}`,
      ok: (await wireStore.listDrafts({ state: 'waiting', limit: 1 })).total === drafts,
    });
  } finally {
    await parser.close();
    await server.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

/**
 * Scale on PostgreSQL (issue 11, "Benchmarks"): 1,000,000 subscriptions (the time zones, topics and
 * chats of `bench/scale.ts`) and 200,000 items of about 1.5 kB on the PostgresStore.
 *
 * Starts its own PostgreSQL (`fakes/postgres.ts`: fsync and synchronous commit on, shared_buffers
 * 256 MB), seeds one database with `COPY` (`bench/lib/pg-seed.ts`; timed apart, not counted), and
 * gives each measurement its own copy of it (`CREATE DATABASE … TEMPLATE`), so none sees what
 * another delivered. The data set puts a due set of the size each measurement needs at its own
 * instant among the million (`bench/lib/pg-data.ts`). Measured, each in fresh processes run built
 * with `npm start`'s memory flags, as the Docker image runs the bot (`BENCH_PG_TSX=1`: through tsx):
 *
 * - the bot itself (`src/main.ts`, with `DATABASE_URL`, in console mode as `bench/scale.ts` starts
 *   it) from process start to its `ready` line, and its peak RSS (`VmHWM`) a few seconds later;
 * - the due query plus claim: `claimDue` pages until none is left, `finishDelivery` for each,
 *   on 200,000 due subscriptions;
 * - `/brief` and `/topic` through the newsroom, 10,000 calls each (and 1,000 of `/brief` for a
 *   whole past day);
 * - a full fan-out at L = 1,000 messages/s through the real app (engine, Telegram gate, the
 *   Telegram adapter's client) to the fake Bot API in its own process (L overall and 1/s per chat
 *   enforced, as in `bench/fanout-limited.ts`), on 60,000 due chats of one-message digests (a
 *   minute at L): the rate, the longest event-loop stall, peak RSS;
 * - the kill drill: a 20,000-chat fan-out of daily digests (several messages each) killed with
 *   `kill -9` a third of the way through: with leadership in the app, two processes and the
 *   leader killed; the seconds until the other leads and sends again, and the chats that got no
 *   digest (lost) or a part twice (duplicated) in the end.
 * - with `BENCH_PG_STEPS=explain` (or in a full run, last), the plans of the claim, an outcome
 *   batch, `/brief` and `/topic` (`auto_explain`), as note lines.
 *
 * Prints one JSON line per figure (see `bench/lib/report.ts`) and notes starting with `#`; 11–14
 * minutes in all on a busy 2-core machine, two of them seeding.
 *
 *     npm run bench -- postgres
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type PostgresServer, startPostgres } from '../fakes/postgres.js';
import { DEFAULT_CLAIM_LEASE_MS } from '../src/delivery/claims.js';
import { machineLine } from './lib/machine.js';
import type { ClaimResult, QueriesResult } from './lib/pg-child.js';
import {
  DRILL_AT,
  dueCounts,
  FANOUT_AT,
  groupChatIds,
  PG_ITEMS,
  PG_SUBSCRIPTIONS,
  pgItems,
  pgSubscriptions,
} from './lib/pg-data.js';
import { seedDatabase } from './lib/pg-seed.js';
import { emit as emitFigure, note, round } from './lib/report.js';
import { SCALE_QUERY_CALLS, SCALE_RATE } from './lib/scale-figures.js';
import type { FakeAddress, FakeStats } from './lib/telegram-contract.js';
import { Worker } from './lib/worker.js';

const BENCH = 'postgres';
/**
 * `BENCH_PG_SCALE=0.05` runs on that share of the data set (a quick look while working on the
 * bench); the figures in the README are from the whole one.
 */
const SCALE = Number(process.env.BENCH_PG_SCALE ?? 1);
const SUBSCRIPTIONS = Math.round(PG_SUBSCRIPTIONS * SCALE);
const ITEMS = Math.round(PG_ITEMS * SCALE);
/**
 * `BENCH_STALLS=1` passes on to the app processes (each stall of their event loop over 50 ms during
 * a run, on stderr); `BENCH_PG_APP_FLAGS` below gives them more node options.
 */
/** `BENCH_PG_STEPS=fanout,drill` runs only those measurements (start, claim, fanout, drill, explain). */
const STEPS = process.env.BENCH_PG_STEPS?.split(',');
const step = (name: string) => STEPS === undefined || STEPS.includes(name);
const CHILD = fileURLToPath(new URL('./lib/pg-child.ts', import.meta.url));
/** `pg-child.ts` and the bot's modules it loads, compiled by {@link buildAll} (`bench/tsconfig.build.json`). */
const BUILT_CHILD = fileURLToPath(new URL('../dist/bench/lib/pg-child.js', import.meta.url));
/**
 * `BENCH_PG_TSX=1` runs the measuring children through tsx, as `npm start` runs the bot, instead of
 * built (to compare; a production process runs built, see README "Operations").
 */
const TSX_CHILDREN = process.env.BENCH_PG_TSX === '1';
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const BUILT_MAIN = fileURLToPath(new URL('../dist/src/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const FAKE_WORKER = new URL('./lib/fake-telegram-worker.ts', import.meta.url);
/**
 * The bots' `DATABASE_FILE` folder: with `DATABASE_URL` only the wire's file is kept there; the
 * bots run from it too (no `.env`).
 */
const DATA_DIR = mkdtempSync(path.join(tmpdir(), 'briefcast-pg-bench-'));

/** The server's settings for a benchmark: durable writes (the default), a realistic buffer cache. */
const SERVER_SETTINGS = {
  shared_buffers: '256MB',
  // The seed writes about 2 GB of WAL: fewer forced checkpoints while it does.
  max_wal_size: '4GB',
} as const;
/** Targets (issue 11). */
const START_TARGET_MS = 3000;
const RSS_TARGET_MB = 200;
const CLAIM_TARGET_PER_SECOND = 20_000;
const FANOUT_TARGET_OF_L = 0.95;
const STALL_TARGET_MS = 100;
const QUERY_TARGET_MS = 10;
/** How long any child may take before it is given up on. */
const CHILD_TIMEOUT_MS = 5 * 60_000;
/** The bot runs this long after `ready` before its peak RSS is read (its first delivery tick). */
const AFTER_READY_MS = 3000;
/** The drill kills the leader once this share of its chats got their digest. */
const KILL_AT_SHARE = 1 / 3;
/** The drill ends when every chat has its digest, or when none came for this long. */
const DRILL_QUIET_MS = 30_000;
const POLL_MS = 50;
/** How long a bot gets to stop after SIGTERM before it is killed. */
const STOP_GRACE_MS = 20_000;

const emit = (metric: string, value: number, unit: string, target?: { text: string; ok: boolean }) =>
  emitFigure({
    bench: BENCH,
    metric,
    value: round(value, 2),
    unit,
    ...(target && { target: target.text, ok: target.ok }),
  });
const atMost = (value: number, limit: number, text: string) => ({ text, ok: value <= limit });
const atLeast = (value: number, limit: number, text: string) => ({ text, ok: value >= limit });
const failed = (metric: string) => emit(metric, 1, 'count', { text: '= 0', ok: false });

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/** `npm start`'s node options (`--max-old-space-size`, `--import tsx`…), as `bench/scale.ts` takes them. */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts?: { start?: string };
  };
  const words = (pkg.scripts?.start ?? '').split(/\s+/);
  const flags = words.slice(words.indexOf('node') + 1).filter((w) => w.startsWith('--') || w === 'tsx');
  return (flags.includes('tsx') ? flags : [...flags, '--import', 'tsx']).map((f) =>
    f === 'tsx' ? import.meta.resolve('tsx') : f,
  );
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** Peak resident set of a live process, in MB (Linux `VmHWM`); undefined elsewhere or once gone. */
function peakRssOf(pid: number | undefined): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** A fresh database copied from the seeded one (a file copy: seconds, not a second seed). */
async function copyOf(server: PostgresServer, admin: pg.Client, name: string): Promise<string> {
  await admin.query(`CREATE DATABASE ${name} TEMPLATE seed STRATEGY FILE_COPY`);
  return server.urlFor(name);
}

async function drop(admin: pg.Client, name: string): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** The node options a production process runs with: `npm start`'s memory flags, no tsx (the Dockerfile's). */
function builtFlags(): string[] {
  return startFlags().filter((f) => f.startsWith('--max') || f.startsWith('--initial'));
}

/**
 * `npm run build` (the bot, `dist/src/main.js`), then `pg-child.ts` with what it loads into the same
 * `dist/` (`bench/tsconfig.build.json`); whether both were made.
 */
function buildAll(): boolean {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const bot = spawnSync(npm, ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (bot.status !== 0 || !existsSync(BUILT_MAIN)) return false;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const child = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'bench', 'tsconfig.build.json')], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child.status === 0 && existsSync(BUILT_CHILD);
}

/** How a measuring child runs: built with the production flags, or (`BENCH_PG_TSX=1`) through tsx. */
function childCommand(): { flags: string[]; script: string } {
  return TSX_CHILDREN ? { flags: startFlags(), script: CHILD } : { flags: builtFlags(), script: BUILT_CHILD };
}

/**
 * Starts the bot (as `npm start` runs it, or built) with `DATABASE_URL` in console mode, from a
 * folder with no `.env`; returns the `startMs` of its `ready` line and its peak RSS
 * {@link AFTER_READY_MS} later (its first delivery tick has run by then), then stops it.
 */
async function startToReady(
  url: string,
  built: boolean,
): Promise<{ readyMs: number; rssMb?: number } | undefined> {
  const flags = built ? builtFlags() : startFlags();
  const child = spawn(process.execPath, [...flags, built ? BUILT_MAIN : MAIN], {
    cwd: DATA_DIR,
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: url,
      // The wire's file (and a lowdb file, were DATABASE_URL ignored) in a folder of its own.
      DATABASE_FILE: path.join(DATA_DIR, 'db.json'),
      LOG_LEVEL: 'info',
      NODE_ENV: 'production',
    },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let readyMs: number | undefined;
  let err = '';
  const ready = new Promise<void>((resolve) => {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err = (err + chunk).slice(-20_000);
      const line = err.split('\n').find((l) => l.includes('"msg":"ready"'));
      if (line && readyMs === undefined) {
        readyMs = (JSON.parse(line) as { startMs: number }).startMs;
        resolve();
      }
    });
    child.once('exit', () => resolve());
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  await ready;
  if (readyMs !== undefined) await new Promise((r) => setTimeout(r, AFTER_READY_MS));
  const rssMb = peakRssOf(child.pid);
  // The console's input ends and SIGTERM: either stops it; it is killed if it lingers.
  child.stdin?.end();
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited(child);
  clearTimeout(killer);
  clearTimeout(timer);
  if (readyMs === undefined) {
    process.stderr.write(`the bot did not log ready:\n${err.slice(-2000)}\n`);
    return undefined;
  }
  return { readyMs, ...(rssMb !== undefined && { rssMb }) };
}

/** Runs `pg-child.ts <mode> <url> [args…]` and returns the value of the JSON line it prints under `mode`. */
async function childResult<T>(mode: string, url: string, ...args: string[]): Promise<T | undefined> {
  const child = spawn(
    process.execPath,
    [...childCommand().flags, childCommand().script, mode, url, ...args],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  await exited(child);
  clearTimeout(timer);
  const line = out.split('\n').find((l) => l.startsWith(`{"${mode}"`));
  return line ? (JSON.parse(line) as Record<string, T>)[mode] : undefined;
}

/** An event line of `pg-child.ts app`. */
interface AppEvent {
  readonly event: 'ready' | 'leading' | 'run' | 'stopped';
  readonly ms?: number;
  readonly wall?: number;
  readonly run?: {
    readonly due: number;
    readonly sent: number;
    readonly startedAt: string;
    readonly finishedAt: string;
  };
  readonly loopDelayMaxMs?: number;
  readonly loopDelayP99Ms?: number;
  readonly peakRssMb?: number;
}

/** A running `pg-child.ts app`: its events as they come, and a way to wait for one. */
class AppChild {
  readonly events: { readonly at: number; readonly e: AppEvent }[] = [];
  /** Times its log said it lost the leader lock (`standing by`). */
  leaderLost = 0;
  readonly #child: ChildProcess;
  #output = '';

  constructor(
    readonly name: string,
    env: Readonly<Record<string, string>>,
  ) {
    const { flags, script } = childCommand();
    this.#child = spawn(process.execPath, [...flags, ...appFlags(), script, 'app'], {
      cwd: DATA_DIR,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.#output = (this.#output + chunk).slice(-4000);
      this.leaderLost += chunk.split('standing by').length - 1;
      for (const line of chunk.split('\n'))
        if (line.startsWith('stall ')) process.stderr.write(`${this.name}: ${line}\n`);
    });
    if (this.#child.stdout) {
      createInterface({ input: this.#child.stdout }).on('line', (line) => {
        if (!line.startsWith('{"event"')) {
          if (process.env.BENCH_PG_APP_FLAGS !== undefined) process.stderr.write(`${name}: ${line}\n`);
          return;
        }
        this.events.push({ at: performance.now(), e: JSON.parse(line) as AppEvent });
      });
    }
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get alive(): boolean {
    return this.#child.exitCode === null && this.#child.signalCode === null;
  }

  get output(): string {
    return this.#output;
  }

  find(event: AppEvent['event']) {
    return this.events.find((x) => x.e.event === event);
  }

  /** Waits (bounded) for `event`; undefined when it did not come or the process ended. */
  async waitFor(event: AppEvent['event'], timeoutMs: number) {
    const deadline = performance.now() + timeoutMs;
    // Each turn waits POLL_MS; bounded by the deadline.
    while (performance.now() < deadline) {
      const found = this.find(event);
      if (found) return found;
      if (!this.alive) return undefined;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    return undefined;
  }

  kill9(): void {
    this.#child.kill('SIGKILL');
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    this.#child.kill('SIGTERM');
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited(this.#child);
    clearTimeout(timer);
  }
}

/**
 * `BENCH_PG_APP_FLAGS`: more node options for the app processes, e.g. `--cpu-prof
 * --cpu-prof-dir=/tmp/prof --trace-gc`, to find what a stall reported with `BENCH_STALLS=1` was;
 * what they print besides their events goes to stderr, after the process's name.
 */
function appFlags(): string[] {
  return (process.env.BENCH_PG_APP_FLAGS ?? '').split(/\s+/).filter((f) => f !== '');
}

/** The environment of the bot in `pg-child.ts app`: PostgreSQL, Telegram on the fake at L, a running clock. */
function appEnv(url: string, fake: FakeAddress, at: Date, since: number): Record<string, string> {
  return {
    DATABASE_URL: url,
    DATABASE_FILE: path.join(DATA_DIR, 'db.json'),
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_MAX_PER_SECOND: String(SCALE_RATE),
    BRIEFING_TIMEZONE: 'Asia/Shanghai',
    LOG_LEVEL: 'warn',
    BENCH_CLOCK_AT: at.toISOString(),
    BENCH_CLOCK_SINCE: String(since),
    ...(process.env.BENCH_STALLS !== undefined && { BENCH_STALLS: process.env.BENCH_STALLS }),
  };
}

/**
 * A fresh fake Bot API in its own process, at L overall and 1/s per chat, watching `ids`;
 * `recording`, it keeps the texts (to tell a part sent twice from a digest's next part).
 */
async function startFake(
  ids: readonly number[],
  recording: boolean,
): Promise<{ fake: Worker; address: FakeAddress }> {
  const fake = Worker.start('fake Bot API', FAKE_WORKER);
  const address = await fake.call<FakeAddress>(
    recording ? 'startRecording' : 'start',
    { perSecond: SCALE_RATE, perChatPerSecond: 1 },
    30_000,
  );
  await fake.call('watch', ids, 30_000);
  return { fake, address };
}

async function measureStart(server: PostgresServer, admin: pg.Client): Promise<void> {
  const url = await copyOf(server, admin, 'bench_start');
  note(`start: load ${load()}`);
  const npm = await startToReady(url, false);
  if (npm) {
    emit('app.start_to_ready.npm_start', npm.readyMs, 'ms');
    if (npm.rssMb !== undefined) emit('app.peak_rss.npm_start', npm.rssMb, 'MB');
  } else failed('app.start_failed');
  if (existsSync(BUILT_MAIN)) {
    const built = await startToReady(url, true);
    if (built) {
      emit('app.start_to_ready', built.readyMs, 'ms', atMost(built.readyMs, START_TARGET_MS, '≤ 3 s'));
      if (built.rssMb !== undefined)
        emit('app.peak_rss', built.rssMb, 'MB', atMost(built.rssMb, RSS_TARGET_MB, '≤ 200 MB'));
    } else failed('app.start_failed');
  } else failed('app.build_failed');
  await drop(admin, 'bench_start');
}

async function measureClaimAndQueries(server: PostgresServer, admin: pg.Client, due: number): Promise<void> {
  const url = await copyOf(server, admin, 'bench_claim');
  note(`claim: ${due} due of ${SUBSCRIPTIONS}; load ${load()}`);
  const c = await childResult<ClaimResult>('claim', url);
  if (c) {
    emit('claim.finished', c.finished, 'count', { text: `= ${due}`, ok: c.finished === due });
    emit('claim.rate', c.perSecond, 'subs/s', atLeast(c.perSecond, CLAIM_TARGET_PER_SECOND, '≥ 20,000/s'));
    emit('claim.seconds', c.seconds, 's');
    emit('claim.page.p50', c.pageP50Ms, 'ms');
    emit('claim.page.p99', c.pageP99Ms, 'ms');
    emit('claim.finish.p50', c.finishP50Ms, 'ms');
    emit('claim.finish.p99', c.finishP99Ms, 'ms');
    emit('claim.peak_rss', c.peakRssMb, 'MB', atMost(c.peakRssMb, RSS_TARGET_MB, '≤ 200 MB'));
  } else failed('claim.failed');
  note(`queries: load ${load()}`);
  const q = await childResult<QueriesResult>('queries', url);
  if (q) {
    emit('brief.p50', q.briefP50Ms, 'ms');
    emit(
      'brief.p99',
      q.briefP99Ms,
      'ms',
      atMost(q.briefP99Ms, QUERY_TARGET_MS, `≤ 10 ms over ${SCALE_QUERY_CALLS}`),
    );
    emit('brief.past_day.p50', q.pastDayP50Ms, 'ms');
    emit('brief.past_day.p99', q.pastDayP99Ms, 'ms');
    emit('topic.p50', q.topicP50Ms, 'ms');
    emit(
      'topic.p99',
      q.topicP99Ms,
      'ms',
      atMost(q.topicP99Ms, QUERY_TARGET_MS, `≤ 10 ms over ${SCALE_QUERY_CALLS}`),
    );
    emit('queries.peak_rss', q.peakRssMb, 'MB', atMost(q.peakRssMb, RSS_TARGET_MB, '≤ 200 MB'));
  } else failed('queries.failed');
  await drop(admin, 'bench_claim');
}

async function measureFanout(server: PostgresServer, admin: pg.Client): Promise<void> {
  const ids = groupChatIds('fanout', SUBSCRIPTIONS);
  const url = await copyOf(server, admin, 'bench_fanout');
  // The drill's chats are due at the fan-out's instant too: delivered first, through the store.
  const before = await childResult<ClaimResult>('claim', url, DRILL_AT.toISOString());
  note(`fan-out: ${before?.finished ?? 0} earlier chats (the drill's) marked delivered first`);
  const { fake, address } = await startFake(ids, false);
  note(`fan-out: ${ids.length} due chats at L = ${SCALE_RATE}/s; load ${load()}`);
  const app = new AppChild('fanout', appEnv(url, address, FANOUT_AT, Date.now()));
  try {
    // Watched on the fake's side: the first message to the last, until every chat has its digest
    // (a run that was cut short, e.g. by a leadership change, is followed by the next tick's).
    const deadline = performance.now() + CHILD_TIMEOUT_MS;
    let stats = await fake.call<FakeStats>('watched', undefined, 30_000);
    let firstAt: number | undefined;
    let lastAt = performance.now();
    let last = 0;
    // Each turn waits POLL_MS; bounded by the deadline and the quiet time.
    while (performance.now() < deadline && app.alive && performance.now() - lastAt < DRILL_QUIET_MS) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      stats = await fake.call<FakeStats>('watched', undefined, 30_000);
      if (stats.accepted > last) {
        last = stats.accepted;
        lastAt = performance.now();
        firstAt ??= lastAt;
      }
      if (stats.missing === 0) break;
    }
    // The run's own end (its outcomes recorded), for its event-loop figures.
    await app.waitFor('run', 30_000);
    const rssMb = peakRssOf(app.pid);
    const runs = app.events.filter((x) => x.e.event === 'run' && (x.e.run?.due ?? 0) > 0);
    if (firstAt === undefined || runs.length === 0) {
      process.stderr.write(`fan-out: nothing was delivered:\n${app.output}\n`);
      failed('fanout.failed');
      return;
    }
    const seconds = (lastAt - firstAt) / 1000;
    const rate = stats.accepted / seconds;
    const sends = stats.accepted + stats.rejected429;
    const sent = runs.reduce((n, x) => n + (x.e.run?.sent ?? 0), 0);
    emit('fanout.chats', ids.length - stats.missing, 'count', {
      text: `= ${ids.length}`,
      ok: stats.missing === 0,
    });
    emit('fanout.digests_recorded_sent', sent, 'count');
    emit('fanout.runs', runs.length, 'count');
    emit('fanout.leader_lock_lost', app.leaderLost, 'count');
    emit('fanout.messages', stats.accepted, 'count');
    emit('fanout.seconds', seconds, 's');
    emit('fanout.rate', rate, 'msg/s', atLeast(rate, FANOUT_TARGET_OF_L * SCALE_RATE, '≥ 0.95 × 1,000'));
    emit('fanout.429_share', sends === 0 ? 0 : (stats.rejected429 / sends) * 100, '%');
    emit('fanout.messages_per_digest', stats.accepted / Math.max(1, ids.length - stats.missing), 'msg');
    const stall = Math.max(...runs.map((x) => x.e.loopDelayMaxMs ?? Number.NaN));
    emit('fanout.loop_delay.max', stall, 'ms', atMost(stall, STALL_TARGET_MS, '≤ 100 ms'));
    emit('fanout.loop_delay.p99', Math.max(...runs.map((x) => x.e.loopDelayP99Ms ?? Number.NaN)), 'ms');
    const peak = rssMb ?? Number.NaN;
    emit('fanout.peak_rss', peak, 'MB', atMost(peak, RSS_TARGET_MB, '≤ 200 MB'));
  } finally {
    await app.stop();
    await fake.close();
    await drop(admin, 'bench_fanout');
  }
}

/** Whether the leadership of issue 11 is wired into the app (a sibling branch builds it). */
function hasLeadership(): boolean {
  const leadership = path.join(ROOT, 'src', 'cluster', 'leadership.ts');
  return existsSync(leadership) && /leadership/i.test(readFileSync(path.join(ROOT, 'src', 'app.ts'), 'utf8'));
}

/**
 * The kill drill. With leadership: two processes on one database, the one that leads killed with
 * `kill -9` a third of the way through; the other takes over. Without: one process, killed the same
 * way, and a new one started at once (as `bench/scale.ts` does on lowdb), its clock a lease later
 * (the killed process's claims lapse after {@link DEFAULT_CLAIM_LEASE_MS}; waiting that long in
 * real time would be the whole benchmark).
 */
async function killDrill(server: PostgresServer, admin: pg.Client): Promise<void> {
  const ids = groupChatIds('drill', SUBSCRIPTIONS);
  const url = await copyOf(server, admin, 'bench_drill');
  const { fake, address } = await startFake(ids, true);
  const standby = hasLeadership();
  note(
    `kill drill: ${ids.length} due chats, ${standby ? 'two processes (leader and standby)' : 'one process killed and one restarted (no leadership in src/app.ts)'}; load ${load()}`,
  );
  const since = Date.now();
  const apps = [new AppChild('a', appEnv(url, address, DRILL_AT, since))];
  if (standby) apps.push(new AppChild('b', appEnv(url, address, DRILL_AT, since)));
  const watched = () => fake.call<FakeStats>('watched', undefined, 30_000);
  try {
    // Who leads: the first to report a run under way.
    const deadline = performance.now() + CHILD_TIMEOUT_MS;
    let leader: AppChild | undefined;
    // Each turn waits POLL_MS; bounded by the deadline.
    while (performance.now() < deadline && leader === undefined && apps.some((a) => a.alive)) {
      leader = apps.find((a) => a.find('leading'));
      if (!leader) await new Promise((r) => setTimeout(r, POLL_MS));
    }
    if (!leader) {
      process.stderr.write(
        `kill drill: no process started delivering:\n${apps.map((a) => a.output).join('\n')}\n`,
      );
      failed('kill9.failed');
      return;
    }
    let stats = await watched();
    // Each turn waits POLL_MS; bounded by the deadline.
    while (performance.now() < deadline && ids.length - stats.missing < ids.length * KILL_AT_SHARE) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      stats = await watched();
    }
    const reachedAtKill = ids.length - stats.missing;
    leader.kill9();
    const killedAt = performance.now();
    note(
      `kill drill: killed ${leader.name} (pid ${leader.pid}) with ${reachedAtKill} of ${ids.length} chats served`,
    );
    let next = apps.find((a) => a !== leader);
    if (!next) {
      // Started with its clock a lease past the killed process's, so the lapsed claims are due.
      next = new AppChild('restarted', appEnv(url, address, DRILL_AT, since - DEFAULT_CLAIM_LEASE_MS));
      apps.push(next);
    }
    // Messages the killed process had in flight still land for a moment; the resume is the first
    // new message once the count has stood still after the kill.
    await new Promise((r) => setTimeout(r, 500));
    const settled = (await watched()).accepted;
    let resumedAt: number | undefined;
    let lastProgress = performance.now();
    let last = settled;
    // Each turn waits POLL_MS; bounded by the deadline and the quiet time.
    while (performance.now() < deadline && performance.now() - lastProgress < DRILL_QUIET_MS) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      stats = await watched();
      if (stats.accepted > last) {
        last = stats.accepted;
        lastProgress = performance.now();
        resumedAt ??= performance.now();
      }
      if (stats.missing === 0) break;
    }
    const leading = next.find('leading');
    emit('kill9.served_at_kill', reachedAtKill, 'count');
    if (leading)
      emit(
        'kill9.takeover',
        (leading.at - killedAt) / 1000,
        's',
        atMost((leading.at - killedAt) / 1000, 15, '≤ 15 s'),
      );
    if (resumedAt !== undefined) emit('kill9.resumed_after', (resumedAt - killedAt) / 1000, 's');
    else failed('kill9.never_resumed');
    emit('kill9.lost', stats.missing, 'count', { text: '= 0', ok: stats.missing === 0 });
    emit('kill9.duplicated', stats.duplicates, 'count', {
      // At most the sends in flight at the kill: the Telegram lane's concurrency.
      text: `≤ in flight (${SCALE_RATE})`,
      ok: stats.duplicates <= SCALE_RATE,
    });
    const peak = peakRssOf(next.pid);
    if (peak !== undefined)
      emit('kill9.survivor_peak_rss', peak, 'MB', atMost(peak, RSS_TARGET_MB, '≤ 200 MB'));
  } finally {
    for (const a of apps) await a.stop();
    await fake.close();
    await drop(admin, 'bench_drill');
  }
}

/**
 * The server's log, where `auto_explain` writes the plans of the explain step: a folder the server
 * may write to (as root, the server runs as the `postgres` user).
 */
const LOG_DIR = mkdtempSync(path.join(tmpdir(), 'briefcast-pg-bench-log-'));
chmodSync(LOG_DIR, 0o777);
const LOG_FILE = 'postgresql.log';
/** The queries whose plans the explain step prints (a plan's first line names its statement). */
const EXPLAINED: readonly (readonly [string, RegExp])[] = [
  ['claimDue (second page)', /WITH cutoffs AS/],
  ['finishDelivery (one batch)', /UPDATE deliveries d SET\s+last_digest_date/],
  ['/brief of a past day', /SELECT id, data FROM items WHERE published_at >= /],
  ['/topic', /SELECT id, data FROM items WHERE topic = /],
  ['/topic count', /count\(\*\)::int AS n FROM items WHERE topic = /],
];

/**
 * The plans behind the figures: on a fresh copy, with `auto_explain` (every statement's plan with
 * its actual rows, times and buffers, in the server's log), two claim pages with their outcomes,
 * one `/brief` and one `/topic`; prints each plan as note lines.
 */
async function explainPlans(server: PostgresServer, admin: pg.Client): Promise<void> {
  await copyOf(server, admin, 'bench_explain');
  for (const [name, value] of [
    ['session_preload_libraries', 'auto_explain'],
    ['auto_explain.log_min_duration', '0'],
    ['auto_explain.log_analyze', 'on'],
    ['auto_explain.log_buffers', 'on'],
  ])
    await admin.query(`ALTER DATABASE bench_explain SET ${name} = '${value}'`);
  const logFile = path.join(LOG_DIR, LOG_FILE);
  const before = existsSync(logFile) ? readFileSync(logFile, 'utf8').length : 0;
  await childResult<unknown>('explain', server.urlFor('bench_explain'));
  const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').slice(before) : '';
  // Entries start with a timestamped line; a plan is one entry of many lines.
  const entries = log.split(/\n(?=\d{4}-\d\d-\d\d )/).filter((e) => e.includes('duration:'));
  for (const [title, pattern] of EXPLAINED) {
    const matching = entries.filter((e) => pattern.test(e));
    const entry = title.startsWith('claimDue') ? matching[1] : matching.at(-1);
    note(`plan of ${title}:`);
    for (const line of (entry ?? '(not logged)').split('\n')) if (line.trim() !== '') note(`  ${line}`);
  }
  await drop(admin, 'bench_explain');
}

async function main(): Promise<void> {
  note(machineLine());
  note(`${SUBSCRIPTIONS} subscriptions, ${ITEMS} items; load average ${load()} at the start`);
  // The bot and the measuring children, built before anything is seeded (as a production process runs).
  if (!buildAll()) {
    failed('app.build_failed');
    return;
  }
  note(
    `the measuring children run ${TSX_CHILDREN ? 'through tsx (BENCH_PG_TSX=1)' : `built, node ${builtFlags().join(' ')}`}`,
  );
  const server = await startPostgres({
    fast: false,
    settings: {
      ...SERVER_SETTINGS,
      logging_collector: 'on',
      log_directory: LOG_DIR,
      log_filename: LOG_FILE,
    },
  });
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  try {
    const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]
      ?.server_version;
    note(
      `PostgreSQL ${version}, ${Object.entries(SERVER_SETTINGS)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}, fsync and synchronous_commit on`,
    );
    await admin.query('CREATE DATABASE seed');
    const seedStart = performance.now();
    const times = await seedDatabase(
      server.urlFor('seed'),
      () => pgSubscriptions(SUBSCRIPTIONS),
      pgItems(ITEMS),
    );
    emit('seed.seconds', (performance.now() - seedStart) / 1000, 's');
    emit('seed.subscriptions', times.subscriptions, 's');
    emit('seed.items', times.items, 's');
    emit('seed.vacuum_analyze', times.vacuum, 's');
    const size = (await admin.query<{ n: string }>("SELECT pg_database_size('seed') AS n")).rows[0]?.n;
    emit('seed.database_size', Number(size) / 1024 / 1024, 'MB');
    const due = dueCounts(SUBSCRIPTIONS);
    const copyStart = performance.now();
    await copyOf(server, admin, 'bench_copy_probe');
    emit('seed.copy_database', (performance.now() - copyStart) / 1000, 's');
    await drop(admin, 'bench_copy_probe');

    if (step('start')) await measureStart(server, admin);
    if (step('claim')) await measureClaimAndQueries(server, admin, due.claim);
    if (step('fanout')) await measureFanout(server, admin);
    if (step('drill')) await killDrill(server, admin);
    if (step('explain')) await explainPlans(server, admin);
    note(`load average ${load()} at the end`);
  } finally {
    await admin.end();
    await server.stop();
    rmSync(DATA_DIR, { recursive: true, force: true });
    rmSync(LOG_DIR, { recursive: true, force: true });
  }
}

await main();

/**
 * Scale on the embedded store (issue 6, part 4): 100,000 subscriptions and 50,000 items of about
 * 1.5 kB (Chinese and English) on the lowdb store.
 *
 * Lays the data set out in the store's layout in a temporary folder (deterministic, seeded), then in
 * fresh child processes (`bench/lib/scale-child.ts`) measures: start to ready, `/brief` and `/topic`
 * p99 over 10,000 calls each, a full fan-out to all 100,000 at L = 1,000 messages/s through the real
 * delivery engine and Telegram gate (to an in-process counting sender), the longest event-loop stall
 * during it, peak RSS; and a kill -9 in the middle of a fan-out, after which the reopened store must
 * hold every outcome the killed process saw recorded.
 *
 * Prints one JSON line per figure on stdout and a table on stderr; exits 0 (a benchmark, not a test).
 * Takes about four minutes: the fan-out alone is 100 s at 1,000/s.
 *
 *     node --import tsx bench/scale.ts
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../src/log.js';
import { DEFAULT_SHARDS, StoreLayout } from '../src/store/layout.js';
import { LowdbStore } from '../src/store/lowdb.js';
import { writeLayout } from '../src/store/write-layout.js';
import {
  SCALE_ITEMS,
  SCALE_NOW,
  SCALE_SUBSCRIPTIONS,
  scaleItems,
  scaleRuns,
  scaleSubscriptions,
} from './lib/scale-data.js';
import { type JournalResult, SCALE_QUERY_CALLS, SCALE_RATE, type ScaleResult } from './lib/scale-figures.js';

const BENCH = 'scale';
const CHILD = fileURLToPath(new URL('./lib/scale-child.ts', import.meta.url));
/**
 * The drill kills the fan-out as soon as more than this many outcomes were reported recorded. Outcomes
 * come in bursts (the gate lets 1,000 a second through); the first one past a round number is the
 * start of a burst, so the kill lands while sends and records are under way.
 */
const KILL_AFTER_RECORDED = 20_000;
/** A recorded line is `telegram:<id>\t<date>\n`: at least this many bytes. */
const MIN_LINE_BYTES = 20;
/** How long any child may run before it is given up on. */
const CHILD_TIMEOUT_MS = 10 * 60 * 1000;
const POLL_MS = 5;
const MB = 1024 * 1024;

/** One figure, as every benchmark prints it. */
interface Figure {
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: string;
  readonly ok?: boolean;
}

const figures: Figure[] = [];

function emit(metric: string, value: number, unit: string, target?: { text: string; ok: boolean }): void {
  const figure: Figure = {
    metric,
    value: Math.round(value * 100) / 100,
    unit,
    ...(target && { target: target.text, ok: target.ok }),
  };
  figures.push(figure);
  process.stdout.write(`${JSON.stringify({ bench: BENCH, ...figure })}\n`);
}

const atMost = (value: number, limit: number, text: string) => ({ text, ok: value <= limit });
const atLeast = (value: number, limit: number, text: string) => ({ text, ok: value >= limit });

/** Bytes of the files in `dir` whose names contain `part`. */
function sizeOf(dir: string, part: string): number {
  return readdirSync(dir)
    .filter((f) => f.includes(part))
    .reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
}

/**
 * The node options `npm start` runs the bot with (`--max-old-space-size`, `--import tsx`), so the
 * children measure the process as operators run it.
 */
function startFlags(): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    scripts?: { start?: string };
  };
  const words = (pkg.scripts?.start ?? '').split(/\s+/);
  const flags = words.slice(words.indexOf('node') + 1).filter((w) => w.startsWith('--') || w === 'tsx');
  // The children are TypeScript: they need tsx even if the bot is started from a build.
  return flags.includes('tsx') ? flags : [...flags, ...process.execArgv];
}

function startChild(args: readonly string[], stdout: 'pipe' | 'ignore'): ChildProcess {
  return spawn(process.execPath, [...startFlags(), CHILD, ...args], {
    stdio: ['ignore', stdout, 'inherit'],
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** The bot's entry point as `npm start` runs it, and as `npm run build` makes it. */
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const BUILT_MAIN = fileURLToPath(new URL('../dist/src/main.js', import.meta.url));
/** How long the bot may take to log `ready` before the figure is given up on. */
const APP_READY_TIMEOUT_MS = 60_000;

/** `npm run build`: the production entry point, `dist/src/main.js`. Whether it built. */
function build(): boolean {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    stdio: 'ignore',
  });
  return result.status === 0 && existsSync(BUILT_MAIN);
}

/**
 * Starts the bot itself on the data set — as `npm start` runs it (TypeScript through tsx), or as
 * built for production (`node dist/src/main.js`), with `npm start`'s node options either way — in
 * its console mode (no platform token), from a folder with no `.env`, and returns the `startMs` of
 * its `ready` log line: process start to serving, module loading included. Then stops it (SIGTERM).
 */
async function appStartToReady(file: string, built: boolean): Promise<number | undefined> {
  const flags = built
    ? startFlags().filter((f) => f !== 'tsx' && f !== '--import')
    : startFlags().map((f) => (f === 'tsx' ? import.meta.resolve('tsx') : f));
  const child = spawn(process.execPath, [...flags, built ? BUILT_MAIN : MAIN], {
    cwd: path.dirname(file),
    env: { PATH: process.env.PATH, DATABASE_FILE: file, LOG_LEVEL: 'info', NODE_ENV: 'production' },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let readyMs: number | undefined;
  let err = '';
  const ready = new Promise<void>((resolve) => {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
      const line = err.split('\n').find((l) => l.includes('"msg":"ready"'));
      if (line && readyMs === undefined) {
        readyMs = (JSON.parse(line) as { startMs: number }).startMs;
        resolve();
      }
    });
    child.once('exit', () => resolve());
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), APP_READY_TIMEOUT_MS);
  await ready;
  child.kill('SIGTERM');
  await exited(child);
  clearTimeout(timer);
  if (readyMs === undefined) process.stderr.write(`the bot did not log ready:\n${err.slice(-2000)}\n`);
  return readyMs;
}

/** Runs a child with `args` and returns the value of the JSON line it prints under `key`. */
async function childResult<T>(args: string[], key: string): Promise<T | undefined> {
  const child = startChild(args, 'pipe');
  let out = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_TIMEOUT_MS);
  await exited(child);
  clearTimeout(timer);
  const line = out.split('\n').find((l) => l.startsWith(`{"${key}"`));
  return line ? (JSON.parse(line) as Record<string, T>)[key] : undefined;
}

const measureChild = (file: string) => childResult<ScaleResult>(['measure', file], 'scale');

function recordedLines(file: string): string[] {
  if (!existsSync(file)) return [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.pop(); // a line cut by the kill has no newline yet
  return lines;
}

/** Starts a fan-out, kills it with SIGKILL mid-run, reopens the store and counts recorded outcomes it lacks. */
async function killDrill(file: string, recordedFile: string) {
  const child = startChild(['fanout', file, recordedFile], 'ignore');
  const deadline = performance.now() + CHILD_TIMEOUT_MS;
  // Each turn waits POLL_MS; bounded by the deadline.
  while (performance.now() < deadline && child.exitCode === null) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    if (existsSync(recordedFile) && statSync(recordedFile).size > KILL_AFTER_RECORDED * MIN_LINE_BYTES) {
      if (recordedLines(recordedFile).length > KILL_AFTER_RECORDED) break;
    }
  }
  const killedMidRun = child.exitCode === null;
  child.kill('SIGKILL');
  await exited(child);
  const recorded = recordedLines(recordedFile).map((l) => l.split('\t') as [string, string]);
  const reopenStart = performance.now();
  const store = await LowdbStore.open(file, { logger: silentLogger });
  const reopenMs = performance.now() - reopenStart;
  let lost = 0;
  for (const [key, date] of recorded) {
    if ((await store.getSubscription(key))?.delivery.lastDigestDate !== date) lost++;
  }
  // A delivered subscription's cursor is the run's instant; the data set's cursors are all older.
  const runAt = SCALE_NOW.toISOString();
  const done = store.allSubscriptions().filter((s) => s.delivery.cursor === runAt).length;
  await store.close();
  return { recorded: recorded.length, lost, done, reopenMs, killedMidRun };
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'briefcast-scale-'));
  try {
    const measureDir = path.join(root, 'measure');
    mkdirSync(measureDir);
    const file = path.join(measureDir, 'db.json');
    const generateStart = performance.now();
    await writeLayout(new StoreLayout(file), {
      seq: 0,
      nextItemId: SCALE_ITEMS + 1,
      shards: DEFAULT_SHARDS,
      subscriptions: scaleSubscriptions(),
      items: scaleItems(),
      runs: scaleRuns(),
    });
    const drillDir = path.join(root, 'drill');
    cpSync(measureDir, drillDir, { recursive: true });
    const appDir = path.join(root, 'app');
    cpSync(measureDir, appDir, { recursive: true });
    const journalDirs = ['sync', 'nosync'].map((mode) => {
      const d = path.join(root, `journal-${mode}`);
      cpSync(measureDir, d, { recursive: true });
      return d;
    });
    emit('data.subscriptions', sizeOf(measureDir, '.subscriptions.') / MB, 'MB');
    emit('data.items', sizeOf(measureDir, '.items.') / MB, 'MB');
    emit('data.generate', (performance.now() - generateStart) / 1000, 's');

    // Each start runs a delivery tick on the data set (nothing goes out: no platform is connected).
    const npmStart = await appStartToReady(path.join(appDir, 'db.json'), false);
    if (npmStart !== undefined) emit('app.start_to_ready.npm_start', npmStart, 'ms');
    else emit('app.start_failed', 1, 'count', { text: '= 0', ok: false });
    if (build()) {
      const built = await appStartToReady(path.join(appDir, 'db.json'), true);
      if (built !== undefined) emit('app.start_to_ready', built, 'ms', atMost(built, 2000, '≤ 2 s'));
      else emit('app.start_failed', 1, 'count', { text: '= 0', ok: false });
    } else {
      emit('app.build_failed', 1, 'count', { text: '= 0', ok: false });
    }
    rmSync(appDir, { recursive: true, force: true });

    const r = await measureChild(file);
    if (r) {
      emit('store.start_to_ready', r.readyMs, 'ms', atMost(r.readyMs, 2000, '≤ 2 s'));
      emit('store.start_to_ready.process', r.processStartToReadyMs, 'ms');
      emit('open', r.openMs, 'ms');
      emit('brief.p50', r.briefP50Ms, 'ms');
      emit('brief.p99', r.briefP99Ms, 'ms', atMost(r.briefP99Ms, 5, `≤ 5 ms over ${SCALE_QUERY_CALLS}`));
      emit('topic.p50', r.topicP50Ms, 'ms');
      emit('topic.p99', r.topicP99Ms, 'ms', atMost(r.topicP99Ms, 5, `≤ 5 ms over ${SCALE_QUERY_CALLS}`));
      emit('fanout.sent', r.sent, 'count', {
        text: `= ${SCALE_SUBSCRIPTIONS}`,
        ok: r.sent === SCALE_SUBSCRIPTIONS,
      });
      emit('fanout.seconds', r.fanoutSeconds, 's');
      emit(
        'fanout.rate',
        r.fanoutRate,
        'msg/s',
        atLeast(r.fanoutRate, 0.9 * SCALE_RATE, `≥ 0.9 × ${SCALE_RATE}`),
      );
      emit('fanout.loop_delay.max', r.loopDelayMaxMs, 'ms', atMost(r.loopDelayMaxMs, 100, '≤ 100 ms'));
      emit('fanout.loop_delay.p99', r.loopDelayP99Ms, 'ms');
      emit('fanout.checkpoints', r.checkpoints, 'count');
      emit('fanout.journal_syncs', r.fanoutJournalSyncs, 'count');
      emit('close', r.closeMs, 'ms');
      emit('peak_rss', r.peakRssMb, 'MB', atMost(r.peakRssMb, 300, '≤ 300 MB'));
    } else {
      emit('measure.failed', 1, 'count', { text: '= 0', ok: false });
    }

    // The journal's cost: the same outcomes recorded with fdatasync (the default) and without.
    for (const [n, mode] of ['sync', 'nosync'].entries()) {
      const j = await childResult<JournalResult>(
        ['journal', path.join(journalDirs[n]!, 'db.json'), mode],
        'journal',
      );
      rmSync(journalDirs[n]!, { recursive: true, force: true });
      if (!j) {
        emit(`journal.${mode}.failed`, 1, 'count', { text: '= 0', ok: false });
        continue;
      }
      emit(`journal.${mode}.outcomes_per_second`, j.outcomesPerSecond, 'outcomes/s');
      emit(`journal.${mode}.finish.p50`, j.finishP50Ms, 'ms');
      emit(`journal.${mode}.finish.p99`, j.finishP99Ms, 'ms');
      emit(`journal.${mode}.syncs`, j.syncs, 'count');
      if (n === 0) emit('lock.take_and_release', j.lockUs, 'µs');
    }

    try {
      const drill = await killDrill(path.join(drillDir, 'db.json'), path.join(root, 'recorded.tsv'));
      emit('kill9.recorded', drill.recorded, 'count');
      emit('kill9.done_in_store', drill.done, 'count');
      emit('kill9.lost', drill.lost, 'count', { text: '= 0', ok: drill.lost === 0 && drill.killedMidRun });
      emit('kill9.reopen', drill.reopenMs, 'ms');
    } catch (e) {
      // The store refused to open after the kill: that is a failed drill, reported as a figure.
      process.stderr.write(`kill -9 drill: ${(e as Error).message}\n`);
      emit('kill9.reopen_failed', 1, 'count', { text: '= 0', ok: false });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  const rows = figures.map((f) => [
    f.metric,
    `${f.value} ${f.unit}`,
    f.target ?? '',
    f.ok === undefined ? '' : f.ok ? 'ok' : 'MISSED',
  ]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c]!.length)));
  process.stderr.write(
    `\nscale: ${SCALE_SUBSCRIPTIONS} subscriptions, ${SCALE_ITEMS} items, L = ${SCALE_RATE}/s; node ${startFlags().join(' ')} (Node ${process.version}, ${availableParallelism()} cores)\n`,
  );
  for (const row of rows)
    process.stderr.write(`  ${row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ')}\n`);
}

await main();

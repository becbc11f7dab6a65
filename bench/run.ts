/**
 * `npm run bench [-- name…]`: runs each benchmark in its own process, one after another (so they do
 * not compete for the 2 cores), relays every line it prints — one JSON figure per line, notes
 * starting with `#` — and ends with a table of all figures. Benchmarks are not tests: this exits 0
 * even when a target is missed (and 2 only for an unknown benchmark name).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { machineLine } from './lib/machine.js';
import { type Figure, parseFigure } from './lib/report.js';

/** The benchmarks, in the order they run; each is `bench/<name>.ts`. */
const BENCHMARKS = ['fanout-open', 'fanout-limited', 'fanout-discord', 'scale', 'wire', 'postgres'] as const;
/** A benchmark still running after this long is stopped (and reported as such). */
const BENCH_TIMEOUT_MS = 30 * 60_000;
/** How long a stopped benchmark gets to end before it is killed. */
const KILL_GRACE_MS = 5_000;

interface Outcome {
  readonly name: string;
  readonly status: string;
}

/** Runs one benchmark file; resolves to how it ended. Figures go to `figures` as they come. */
function runBenchmark(file: string, figures: Figure[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const figure = parseFigure(line);
      if (figure !== undefined) figures.push(figure);
      process.stdout.write(`${line}\n`);
    });
    let timedOut = false;
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    }, BENCH_TIMEOUT_MS);
    const stopOnSignal = () => child.kill('SIGTERM');
    process.once('SIGINT', stopOnSignal);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve(`could not start: ${e.message}`);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killer);
      process.off('SIGINT', stopOnSignal);
      if (timedOut) resolve(`stopped after ${BENCH_TIMEOUT_MS / 60_000} min`);
      else if (code === 0) resolve('done');
      else resolve(`failed (${signal ?? `exit ${code}`})`);
    });
  });
}

/** The summary: one row per figure, then one per benchmark that did not finish cleanly. */
function table(figures: readonly Figure[], outcomes: readonly Outcome[]): string {
  const rows = [
    ['bench', 'metric', 'value', 'unit', 'target', 'ok'],
    ...figures.map((f) => [
      f.bench,
      f.metric,
      String(f.value),
      f.unit,
      f.target ?? '',
      f.ok === undefined ? '' : f.ok ? 'yes' : 'NO',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const format = (r: readonly string[]) => r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ');
  const lines = [format(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(format)];
  for (const o of outcomes) if (o.status !== 'done') lines.push(`${o.name}: ${o.status}`);
  return lines.join('\n');
}

async function main(args: readonly string[]): Promise<number> {
  const unknown = args.filter((a) => !(BENCHMARKS as readonly string[]).includes(a));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}\n`);
    return 2;
  }
  const selected = args.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => args.includes(b));
  process.stdout.write(`# ${machineLine()}\n`);
  const figures: Figure[] = [];
  const outcomes: Outcome[] = [];
  for (const name of selected) {
    const file = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
    if (!existsSync(file)) {
      process.stdout.write(`# ${name}: skipped, bench/${name}.ts does not exist yet\n`);
      outcomes.push({ name, status: 'skipped (not written yet)' });
      continue;
    }
    process.stdout.write(`# ${name}: running\n`);
    const started = performance.now();
    const status = await runBenchmark(file, figures);
    process.stdout.write(`# ${name}: ${status} in ${Math.round((performance.now() - started) / 1000)} s\n`);
    outcomes.push({ name, status });
  }
  process.stdout.write(`\n${table(figures, outcomes)}\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));

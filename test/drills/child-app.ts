/**
 * Runs the real entry point (`src/main.ts`, what `npm start` runs) as a child process for the fault
 * drills, and collects what it logs. The child gets only the environment a drill gives it (plus
 * `PATH` and `HOME`) and runs in the drill's temporary folder, so no developer `.env` is read and
 * nothing can reach a real platform: every URL points at a fake on 127.0.0.1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const ENTRY = path.resolve(import.meta.dirname, '../../src/main.ts');
/** tsx's loader by absolute URL, so the child can run from a folder that has no `node_modules`. */
const TSX_LOADER = import.meta.resolve('tsx');
/** How often bounded waits re-check their condition. */
const POLL_MS = 10;
/** How long a child may take to exit after SIGTERM before it is killed. */
const EXIT_TIMEOUT_MS = 10_000;

/** One line of the child's JSON log (pino, on stderr). */
export interface LogLine {
  readonly level: number;
  readonly msg?: string;
  readonly [field: string]: unknown;
}

/** pino's numeric levels. */
export const LEVEL = { info: 30, warn: 40, error: 50, fatal: 60 } as const;

/** How a child ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running Briefcast process. */
export interface ChildApp {
  readonly process: ChildProcess;
  /** Every JSON line logged so far, in order. */
  readonly logs: LogLine[];
  /** stderr lines that were not JSON (crash traces). */
  readonly otherStderr: string[];
  /** Resolves when the process has exited. */
  readonly exited: Promise<Exit>;
  /** Whether the process is still running. */
  alive(): boolean;
  /**
   * The first log line matching `predicate` (already logged or future); rejects after `timeoutMs`, or
   * as soon as the process has exited without logging it.
   */
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs: number): Promise<LogLine>;
  /** SIGTERM, then waits (bounded) for the exit; SIGKILL if it does not come. */
  terminate(): Promise<Exit>;
  /** SIGKILL (no shutdown, no flush) and wait for the exit. */
  kill9(): Promise<Exit>;
  /** The last lines of output, for failure messages. */
  tail(lines?: number): string;
}

const running = new Set<ChildApp>();

/**
 * Starts `node --import tsx src/main.ts` with `env` in `cwd`. Call {@link killAll} in `afterEach`
 * (or a `finally`) so no child outlives its drill.
 */
export function startChild(env: Readonly<Record<string, string>>, cwd: string): ChildApp {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, ENTRY], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? cwd, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const otherStderr: string[] = [];
  let stdout = '';
  let partial = '';
  let exit: Exit | undefined;
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    const lines = (partial + d.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line === '') continue;
      try {
        logs.push(JSON.parse(line) as LogLine);
      } catch {
        otherStderr.push(line);
      }
    }
  });
  const exited = new Promise<Exit>((resolve) => {
    child.on('exit', (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });

  const app: ChildApp = {
    process: child,
    logs,
    otherStderr,
    exited,
    alive: () => exit === undefined,
    waitForLog: (predicate, timeoutMs) =>
      waitUntil(
        () => {
          const line = logs.find(predicate);
          if (line === undefined && exit !== undefined) {
            throw new Error(`the child exited (${JSON.stringify(exit)}) first; its output:\n${app.tail()}`);
          }
          return line;
        },
        timeoutMs,
        () => `no matching log line within ${timeoutMs} ms; output so far:\n${app.tail()}`,
      ),
    async terminate() {
      if (exit) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_TIMEOUT_MS);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    async kill9() {
      if (!exit) child.kill('SIGKILL');
      return await exited;
    },
    tail(lines = 30) {
      const all = [...logs.map((l) => JSON.stringify(l)), ...otherStderr, ...stdout.split('\n')];
      return all.slice(-lines).join('\n');
    },
  };
  running.add(app);
  void exited.then(() => running.delete(app));
  return app;
}

/** SIGKILLs every child still running and waits for them to be gone. */
export async function killAll(): Promise<void> {
  await Promise.all([...running].map((app) => app.kill9()));
}

/**
 * Resolves with the first truthy value of `check`, polled every {@link POLL_MS}; rejects with
 * `describe()` after `timeoutMs`. Never waits longer than that.
 */
export async function waitUntil<T>(
  check: () => T | undefined | null | false,
  timeoutMs: number,
  describe: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() >= deadline) throw new Error(describe());
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

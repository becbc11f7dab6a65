import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { StoreLayout } from '../../src/store/layout.js';
import { LowdbStore, StoreError } from '../../src/store/lowdb.js';
import { deadPid, simulateCrash } from '../helpers/crash.js';
import { sampleSub } from '../helpers/fixtures.js';

const HOLDER = path.resolve(import.meta.dirname, 'lock-holder.ts');
const TSX_LOADER = import.meta.resolve('tsx');

let dir: string;
let file: string;
let lock: string;
let child: ChildProcess | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefcast-lock-'));
  file = path.join(dir, 'db.json');
  lock = new StoreLayout(file).lock;
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
  }
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a process that opens the store and holds it; resolves once it has. */
async function holdInChild(): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', TSX_LOADER, HOLDER, file], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child = proc;
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('open')) resolve();
    });
    proc.once('exit', (code) =>
      reject(new Error(`the lock holder exited (${code}) before opening the store`)),
    );
  });
  return proc;
}

const logged = () => {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  return {
    lines,
    logger: pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) }),
  };
};

describe('the lowdb store lock', () => {
  it('refuses a folder another live process has open, naming the lock file and the pid', {
    timeout: 30_000,
  }, async () => {
    const holder = await holdInChild();
    const error = await LowdbStore.open(file, { logger: silentLogger }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain(lock);
    expect((error as Error).message).toContain(`process ${holder.pid}`);
    // Nothing was read or written by the refused open: the holder's lock is as it was.
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: holder.pid, host: hostname() });
    // Killed with SIGKILL, the holder leaves its lock behind; the next open takes it over.
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(existsSync(lock)).toBe(true);
    const { lines, logger } = logged();
    const store = await LowdbStore.open(file, { logger });
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'took over the store lock of a process that is no longer running',
        stalePid: holder.pid,
        file: lock,
      }),
    );
    expect(JSON.parse(readFileSync(lock, 'utf8'))).toMatchObject({ pid: process.pid });
    await store.close();
    expect(existsSync(lock)).toBe(false);
  });

  it('lets the next process open the folder once the holder closed it', { timeout: 30_000 }, async () => {
    const holder = await holdInChild();
    holder.stdin?.end();
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(existsSync(lock)).toBe(false);
    const { lines, logger } = logged();
    const store = await LowdbStore.open(file, { logger });
    expect(lines.filter((l) => l.level >= 40)).toEqual([]);
    await store.close();
  });

  it('refuses a second open in the same process', async () => {
    const store = await LowdbStore.open(file, { logger: silentLogger });
    await expect(LowdbStore.open(file, { logger: silentLogger })).rejects.toThrow(
      `process ${process.pid} (this one: the store is already open)`,
    );
    await store.close();
    const again = await LowdbStore.open(file, { logger: silentLogger });
    await again.close();
  });

  it('takes over a lock this pid left in an earlier life (a container restarted as the same pid)', async () => {
    const earlier = {
      pid: process.pid,
      host: hostname(),
      token: 'earlier-life',
      since: '2026-01-01T00:00:00.000Z',
    };
    writeFileSync(lock, JSON.stringify(earlier));
    const { lines, logger } = logged();
    const store = await LowdbStore.open(file, { logger });
    expect(lines).toContainEqual(expect.objectContaining({ stalePid: process.pid, level: 40 }));
    await store.close();
  });

  it('takes over an unreadable lock file, and refuses one from another host', async () => {
    writeFileSync(lock, 'garbage');
    const { lines, logger } = logged();
    const store = await LowdbStore.open(file, { logger });
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'took over an unreadable store lock file' }));
    await store.close();
    const elsewhere = { pid: 4242, host: 'another-host', token: 't', since: '2026-01-01T00:00:00.000Z' };
    writeFileSync(lock, JSON.stringify(elsewhere));
    const error = await LowdbStore.open(file, { logger: silentLogger }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('held by process 4242 on host another-host');
    expect((error as Error).message).toContain(`delete ${lock}`);
    expect(readFileSync(lock, 'utf8')).toBe(JSON.stringify(elsewhere));
  });

  it('is not deleted by a store whose lock was taken over', async () => {
    const crashed = await LowdbStore.open(file, { logger: silentLogger, writeDelayMs: 60_000 });
    simulateCrash(file);
    const store = await LowdbStore.open(file, { logger: silentLogger });
    const mine = readFileSync(lock, 'utf8');
    await crashed.close();
    expect(readFileSync(lock, 'utf8')).toBe(mine);
    await store.close();
    expect(existsSync(lock)).toBe(false);
  });

  it('is released when the open fails', async () => {
    writeFileSync(file, '{"schema":99}');
    await expect(LowdbStore.open(file, { logger: silentLogger })).rejects.toThrow(StoreError);
    expect(existsSync(lock)).toBe(false);
    expect(deadPid()).toBeGreaterThan(0);
  });
});

describe('the lowdb journal on disk', () => {
  it('syncs a burst of changes in a few batches, each call resolving once its change is on disk', async () => {
    const store = await LowdbStore.open(file, { logger: silentLogger, writeDelayMs: 60_000 });
    await store.saveSubscription(sampleSub('telegram:0'));
    expect(store.journalSyncs).toBe(1);
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.saveSubscription(sampleSub(`telegram:${i + 1}`))),
    );
    // 200 changes made in one turn share at most two syncs: the one they start and none after.
    expect(store.journalSyncs).toBeLessThanOrEqual(3);
    await store.close();
  });

  it('does not sync when told not to (to measure what syncing costs)', async () => {
    const store = await LowdbStore.open(file, { logger: silentLogger, sync: false });
    for (let i = 0; i < 20; i++) await store.saveSubscription(sampleSub(`telegram:${i}`));
    expect(store.journalSyncs).toBe(0);
    await store.close();
    const again = await LowdbStore.open(file, { logger: silentLogger });
    expect(again.allSubscriptions()).toHaveLength(20);
    await again.close();
  });
});

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { StoreLayout } from '../../src/store/layout.js';

/** The pid of a process that has exited (a `node -e ''` run to its end). */
export function deadPid(): number {
  const { pid } = spawnSync(process.execPath, ['-e', '']);
  if (pid === undefined) throw new Error('could not start a process');
  return pid;
}

/**
 * Leaves the lowdb store at `file` as a process killed with `kill -9` would: its lock file names a
 * process that no longer runs. The store object of the "dead" process may stay open in the test
 * (nothing flushed, nothing closed); the next open takes the lock over.
 */
export function simulateCrash(file: string): void {
  const lock = new StoreLayout(file).lock;
  const content = { pid: deadPid(), host: hostname(), token: 'killed', since: new Date().toISOString() };
  writeFileSync(lock, `${JSON.stringify(content)}\n`);
}

import { randomUUID } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import type { Logger } from '../log.js';
import { StoreError } from './json-file.js';
import type { StoreLayout } from './layout.js';

/** What a lock file holds: who has the store open. */
interface LockContent {
  readonly pid: number;
  readonly host: string;
  /** Tells this open apart from another one by the same pid (a container restarted as pid 1). */
  readonly token: string;
  readonly since: string;
}

/** The locks this process holds: lock file → token. A second open of one store in this process is refused. */
const held = new Map<string, string>();

/** The stop-the-start error for a data folder that is missing or cannot be read. */
export function folderError(layout: StoreLayout, e: unknown): StoreError {
  return new StoreError(
    `The folder ${layout.dir} of ${layout.manifest} cannot be read (${(e as Error).message}). Create it or point DATABASE_FILE elsewhere.`,
  );
}

function parseLock(text: string): LockContent | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockContent>;
    return Number.isSafeInteger(v.pid) && typeof v.host === 'string' && typeof v.token === 'string'
      ? (v as LockContent)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether process `pid` on this machine is alive (`EPERM`: it is, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The lock on a lowdb store's folder: `db.json.lock`, created exclusively (`wx`) when the store
 * opens and holding the process id, host and a token of this open; deleted when it closes. A second
 * process (or a second open in this one) is refused with the file and the pid that holds it, since
 * two writers would corrupt the store. A lock left by a process that is gone (`kill -9`, a power
 * cut) is taken over, with a log line: a pid that no longer runs on this host, or this process's own
 * pid when this process never took it (a container restarted as the same pid). A lock from another
 * host cannot be checked, so it is refused; the message says to delete the file if that process is
 * gone.
 */
export class StoreLock {
  private constructor(
    readonly file: string,
    readonly content: LockContent,
  ) {}

  /**
   * Takes the lock, or explains why not. A folder that refuses new files (read-only) cannot be
   * locked: that is logged and `undefined` returned, and the store opens read-only in effect, as it
   * did before locks (its writes fail and are retried).
   * @throws StoreError when another live process holds the lock, or the folder is missing
   */
  static acquire(layout: StoreLayout, logger: Logger): StoreLock | undefined {
    const file = layout.lock;
    const content: LockContent = {
      pid: process.pid,
      host: hostname(),
      token: randomUUID(),
      since: new Date().toISOString(),
    };
    // Twice at most: once, and once more after taking over a stale lock.
    for (let attempt = 0; attempt < 2; attempt++) {
      let fd: number;
      try {
        fd = openSync(file, 'wx', 0o644);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') throw folderError(layout, e);
        if (code !== 'EEXIST') {
          logger.warn(
            { err: e, file },
            'could not create the store lock file; nothing stops a second process from opening this folder',
          );
          return undefined;
        }
        StoreLock.#takeOver(file, logger);
        continue;
      }
      try {
        writeSync(fd, `${JSON.stringify(content)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      held.set(file, content.token);
      return new StoreLock(file, content);
    }
    throw new StoreError(`Data folder lock ${file} was taken by another process while this one opened it.`);
  }

  /** Removes a stale lock (moving it aside first, so two processes cannot both take it), or throws. */
  static #takeOver(file: string, logger: Logger): void {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new StoreError(`Data folder lock ${file} cannot be read (${(e as Error).message}).`);
    }
    const holder = parseLock(text);
    if (holder) {
      const here = holder.host === hostname();
      const ours = holder.pid === process.pid;
      if (!here) {
        throw new StoreError(
          `Data folder lock ${file} is held by process ${holder.pid} on host ${holder.host} (since ${holder.since}). Two processes on one store would corrupt it; if that process is gone, delete ${file}.`,
        );
      }
      if ((ours && held.has(file)) || (!ours && alive(holder.pid))) {
        throw new StoreError(
          `Data folder lock ${file} is held by process ${holder.pid}${ours ? ' (this one: the store is already open)' : ''}, running since ${holder.since}. Two processes on one store would corrupt it: stop that one, or point DATABASE_FILE elsewhere.`,
        );
      }
    }
    const aside = `${file}.stale-${randomUUID()}`;
    try {
      renameSync(file, aside);
    } catch (e) {
      // Another process took it over first; the next attempt meets its lock.
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new StoreError(`Data folder lock ${file} cannot be taken over (${(e as Error).message}).`);
    }
    if (readFileSync(aside, 'utf8') !== text) {
      // What was moved aside is not the stale lock read above but a live process's, taken
      // meanwhile: it goes back (unless yet another lock is there), and this open gives up.
      try {
        linkSync(aside, file);
      } finally {
        unlinkSync(aside);
      }
      throw new StoreError(`Data folder lock ${file} was taken by another process while this one opened it.`);
    }
    unlinkSync(aside);
    logger.warn(
      { file, stalePid: holder?.pid, since: holder?.since },
      holder
        ? 'took over the store lock of a process that is no longer running'
        : 'took over an unreadable store lock file',
    );
  }

  /** Deletes the lock file, if it is still this open's. */
  release(logger: Logger): void {
    if (held.get(this.file) !== this.content.token) return;
    held.delete(this.file);
    try {
      if (parseLock(readFileSync(this.file, 'utf8'))?.token !== this.content.token) return;
      unlinkSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
        logger.warn({ err: e, file: this.file }, 'could not delete the store lock file');
      }
    }
  }
}

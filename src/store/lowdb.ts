import { closeSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import type { Logger } from '../log.js';
import { type Change, emptyData, MemoryStore, type StoreData } from './memory.js';

/** The data file's format version; a file with another one is refused, not guessed at. */
export const SCHEMA_VERSION = 1;
/** A burst of changes within this many milliseconds becomes one write of the data file. */
export const DEFAULT_WRITE_DELAY_MS = 1000;
/** After a failed write (disk full, read-only folder), wait this long before trying again. */
const RETRY_WRITE_DELAY_MS = 5000;

/** The data file as stored: the data plus the format version and the last journalled change folded in. */
interface DataFileContent extends StoreData {
  schema: number;
  seq: number;
}

/** The data file could not be used; the message names the file and what to do. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** Options for {@link LowdbStore.open}. */
export interface LowdbStoreOptions {
  readonly logger: Logger;
  /** @defaultValue {@link DEFAULT_WRITE_DELAY_MS} */
  readonly writeDelayMs?: number;
}

function isDataFile(value: unknown): value is DataFileContent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.nextItemId === 'number' &&
    typeof v.seq === 'number' &&
    Array.isArray(v.items) &&
    Array.isArray(v.subscriptions) &&
    Array.isArray(v.runs)
  );
}

/**
 * The embedded store: a {@link MemoryStore} persisted to one JSON file with lowdb.
 *
 * Every change is first appended to a journal beside the file (`<file>.journal`, one JSON line per
 * change, written before the call returns), so a crash or `kill -9` loses no recorded change. The
 * data file itself is rewritten in batches — one write per burst of changes, atomically (lowdb
 * writes a temporary file and renames it) — after which the journal is emptied. Opening replays
 * the journal over the file. A file that cannot be read or parsed stops the open and is left as it is.
 *
 * One process per file: lowdb has no cross-process locking.
 */
export class LowdbStore extends MemoryStore {
  readonly #db: Low<DataFileContent>;
  readonly #journalFile: string;
  readonly #log: Logger;
  readonly #delayMs: number;
  #journalFd: number | undefined;
  #seq: number;
  /** Journal lines not yet folded into the data file, with their sequence numbers. */
  #pending: { seq: number; line: string }[] = [];
  #dirty = false;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #closed = false;
  #writes = 0;

  private constructor(db: Low<DataFileContent>, journalFile: string, options: LowdbStoreOptions) {
    super(db.data);
    this.#db = db;
    this.#journalFile = journalFile;
    this.#log = options.logger;
    this.#delayMs = options.writeDelayMs ?? DEFAULT_WRITE_DELAY_MS;
    this.#seq = db.data.seq;
  }

  /**
   * Opens (or, when missing, starts) the data file at `file`.
   * @throws StoreError when the file or its journal cannot be read or is not Briefcast data
   */
  static async open(file: string, options: LowdbStoreOptions): Promise<LowdbStore> {
    const db = new Low<DataFileContent>(
      new DataFile(file, { parse: JSON.parse, stringify: JSON.stringify }),
      {
        ...emptyData(),
        schema: SCHEMA_VERSION,
        seq: 0,
      },
    );
    try {
      await db.read();
    } catch (e) {
      const why =
        e instanceof SyntaxError
          ? `is not valid JSON (${e.message})`
          : `cannot be read (${(e as Error).message})`;
      throw new StoreError(
        `Data file ${file} ${why}. It was left untouched: repair it, restore a backup, or point DATABASE_FILE elsewhere.`,
      );
    }
    if (!isDataFile(db.data)) {
      throw new StoreError(`Data file ${file} is not a Briefcast data file. It was left untouched.`);
    }
    if (db.data.schema !== SCHEMA_VERSION) {
      throw new StoreError(
        `Data file ${file} has schema version ${db.data.schema}; this Briefcast reads version ${SCHEMA_VERSION}. It was left untouched.`,
      );
    }
    const journalFile = `${file}.journal`;
    const store = new LowdbStore(db, journalFile, options);
    store.#replayJournal();
    const released = store.releaseAllClaims();
    if (released > 0) {
      options.logger.warn(
        { released },
        'released delivery claims left by a previous run; those digests are retried',
      );
      store.#markDirty();
    }
    return store;
  }

  #replayJournal(): void {
    let text: string;
    try {
      text = readFileSync(this.#journalFile, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new StoreError(`Journal ${this.#journalFile} cannot be read (${(e as Error).message}).`);
    }
    // Every whole line ends in a newline; a crash mid-append leaves a partial last one, which is dropped.
    const complete = text.split('\n').slice(0, -1);
    let replayed = 0;
    for (const [n, line] of complete.entries()) {
      if (line === '') continue;
      let entry: { seq: number; change: Change };
      try {
        entry = JSON.parse(line) as { seq: number; change: Change };
      } catch {
        throw new StoreError(`Journal ${this.#journalFile} line ${n + 1} is corrupt. It was left untouched.`);
      }
      if (entry.seq <= this.#seq) continue;
      this.apply(entry.change);
      this.#seq = entry.seq;
      this.#pending.push({ seq: entry.seq, line: `${line}\n` });
      replayed++;
    }
    if (replayed > 0) {
      this.#log.info({ replayed }, 'replayed journal changes not yet in the data file');
      this.#markDirty();
    }
  }

  protected override changed(change: Change | undefined): void {
    if (this.#closed) throw new StoreError('the store is closed');
    if (change) {
      this.#seq += 1;
      const line = `${JSON.stringify({ seq: this.#seq, change })}\n`;
      this.#pending.push({ seq: this.#seq, line });
      this.#appendJournal(line);
    }
    this.#markDirty();
  }

  #appendJournal(line: string): void {
    try {
      this.#journalFd ??= openSync(this.#journalFile, 'a');
      writeSync(this.#journalFd, line);
    } catch (e) {
      // The change stays in memory and reaches the data file with the next successful write.
      this.#log.error({ err: e }, 'could not append to the journal');
      this.#closeJournal();
    }
  }

  #closeJournal(): void {
    if (this.#journalFd === undefined) return;
    try {
      closeSync(this.#journalFd);
    } catch {
      // Already unusable; nothing more to do.
    }
    this.#journalFd = undefined;
  }

  #markDirty(delayMs = this.#delayMs): void {
    this.#dirty = true;
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#write().catch(() => undefined);
    }, delayMs);
    this.#timer.unref();
  }

  /** Writes the data file once (waiting for a write under way first). */
  async #write(): Promise<void> {
    while (this.#writing) await this.#writing;
    if (!this.#dirty) return;
    this.#dirty = false;
    const seq = this.#seq;
    this.#db.data = { ...this.snapshot(), schema: SCHEMA_VERSION, seq };
    this.#writing = this.#db.write().then(
      () => {
        this.#writes++;
        this.#trimJournal(seq);
      },
      (e: unknown) => {
        this.#dirty = true;
        this.#log.error({ err: e }, 'could not write the data file; will retry');
        throw e;
      },
    );
    try {
      await this.#writing;
    } catch (e) {
      if (!this.#closed) this.#markDirty(RETRY_WRITE_DELAY_MS);
      throw e;
    } finally {
      this.#writing = undefined;
    }
  }

  /** Drops from the journal what the data file now holds (everything up to `seq`). */
  #trimJournal(seq: number): void {
    this.#pending = this.#pending.filter((p) => p.seq > seq);
    const rest = this.#pending.map((p) => p.line).join('');
    try {
      if (rest === '') {
        this.#closeJournal();
        writeFileSync(this.#journalFile, '');
      } else {
        const temp = path.join(path.dirname(this.#journalFile), `.${path.basename(this.#journalFile)}.tmp`);
        writeFileSync(temp, rest);
        this.#closeJournal();
        renameSync(temp, this.#journalFile);
      }
    } catch (e) {
      // The journal keeps lines the data file already has; replaying them again is harmless.
      this.#log.warn({ err: e }, 'could not trim the journal');
    }
  }

  /** How many times the data file has been written since opening (batching makes this small). */
  get writes(): number {
    return this.#writes;
  }

  override async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    await this.#write();
  }

  override async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      this.#closeJournal();
    }
  }
}

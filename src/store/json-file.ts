import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { type Adapter, Low } from 'lowdb';
import { TextFile } from 'lowdb/node';

/** A file of the store could not be used; the message names the file and what to do. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** The end of every "refused" message: the file is never repaired behind the operator's back. */
export const LEFT_UNTOUCHED =
  'It was left untouched: repair it, restore a backup, or point DATABASE_FILE elsewhere.';

/**
 * lowdb's `DataFile` for compact JSON, reading the file as bytes and decoding it once: lowdb's own
 * read decodes it in 64 kB pieces joined into one long string, which made reading 48 MB of
 * subscription shards take 0.9 s instead of 0.6 s. Writes are lowdb's (`TextFile`: a temporary file
 * renamed over the old one).
 */
class CompactJsonFile<T> implements Adapter<T> {
  readonly #text: TextFile;

  constructor(readonly path: string) {
    this.#text = new TextFile(path);
  }

  async read(): Promise<T | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return JSON.parse(bytes.toString('utf8')) as T;
  }

  write(data: T): Promise<void> {
    return this.#text.write(JSON.stringify(data));
  }
}

/**
 * One compact JSON file of the store, read and written through lowdb (`new Low(adapter)`): a write
 * goes to a temporary file renamed over the old one, so the file is always whole. The data is handed
 * to lowdb only for the length of a write, so the file object holds no memory in between.
 */
export class JsonFile<T extends object> {
  readonly #db: Low<T | null>;

  constructor(readonly path: string) {
    this.#db = new Low<T | null>(new CompactJsonFile<T | null>(path), null);
  }

  /**
   * Reads and checks the file; `undefined` when it does not exist.
   * @throws StoreError naming the file when it cannot be read, is not JSON or fails `check`
   */
  async read(check: (value: unknown) => value is T, what = 'Data file'): Promise<T | undefined> {
    try {
      await this.#db.read();
    } catch (e) {
      const why =
        e instanceof SyntaxError
          ? `is not valid JSON (${e.message})`
          : `cannot be read (${(e as Error).message})`;
      throw new StoreError(`${what} ${this.path} ${why}. ${LEFT_UNTOUCHED}`);
    }
    const data: unknown = this.#db.data;
    this.#db.data = null;
    if (data === null) {
      // lowdb reads a missing file as no data, and so does a file holding `null`.
      if (!existsSync(this.path)) return undefined;
    }
    if (!check(data)) {
      throw new StoreError(`${what} ${this.path} is not a Briefcast data file. ${LEFT_UNTOUCHED}`);
    }
    return data;
  }

  /** Replaces the file with `data`, atomically. */
  async write(data: T): Promise<void> {
    this.#db.data = data;
    try {
      await this.#db.write();
    } finally {
      this.#db.data = null;
    }
  }
}

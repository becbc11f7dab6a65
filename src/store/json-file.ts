import { existsSync } from 'node:fs';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';

/** A file of the store could not be used; the message names the file and what to do. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** The end of every "refused" message: the file is never repaired behind the operator's back. */
export const LEFT_UNTOUCHED =
  'It was left untouched: repair it, restore a backup, or point DATABASE_FILE elsewhere.';

/**
 * One compact JSON file of the store, read and written through lowdb (`new Low(new DataFile(…))`):
 * a write goes to a temporary file renamed over the old one, so the file is always whole. The data
 * is handed to lowdb only for the length of a write, so the file object holds no memory in between.
 */
export class JsonFile<T extends object> {
  readonly #db: Low<T | null>;

  constructor(readonly path: string) {
    this.#db = new Low<T | null>(new DataFile(path, { parse: JSON.parse, stringify: JSON.stringify }), null);
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

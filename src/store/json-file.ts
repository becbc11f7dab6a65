import { isAscii } from 'node:buffer';
import { existsSync } from 'node:fs';
import { open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { type Adapter, Low } from 'lowdb';
import { TextFile } from 'lowdb/node';

/** A file of the store could not be used; the message names the file and what to do. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** The end of every "refused" message: the file is never repaired behind the operator's back. */
export const LEFT_UNTOUCHED =
  'It was left untouched: repair it, restore a backup, or point DATABASE_FILE elsewhere.';

/** `json` with every character outside ASCII written as a `\uXXXX` escape (still the same JSON). */
function asciiJson(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * lowdb's `DataFile` for compact JSON, reading the file as bytes and decoding it once: lowdb's own
 * read decodes it in 64 kB pieces joined into one long string, which made reading 48 MB of
 * subscription shards take 0.9 s instead of 0.6 s. A file that is all ASCII is decoded as such
 * (three times faster than UTF-8 here), and becomes a one-byte string, which `JSON.parse` reads
 * faster than the two-byte string a single Chinese character makes of a whole file. Writes are
 * lowdb's (`TextFile`: a temporary file renamed over the old one) or, with `sync`, the same with the
 * temporary file's data on disk (`fdatasync`) before the rename, so a power cut leaves the old file
 * or the new one, never an empty one.
 */
class CompactJsonFile<T> implements Adapter<T> {
  readonly #text: TextFile;
  readonly #ascii: boolean;
  readonly #sync: boolean;

  constructor(
    readonly path: string,
    ascii: boolean,
    sync: boolean,
  ) {
    this.#text = new TextFile(path);
    this.#ascii = ascii;
    this.#sync = sync;
  }

  async read(): Promise<T | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    return JSON.parse(isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8')) as T;
  }

  async write(data: T): Promise<void> {
    const json = JSON.stringify(data);
    const text = this.#ascii ? asciiJson(json) : json;
    if (!this.#sync) return this.#text.write(text);
    // The temporary file lowdb's writer uses, so that a half-done write looks the same either way.
    const temp = path.join(path.dirname(this.path), `.${path.basename(this.path)}.tmp`);
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.datasync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.path);
  }
}

/**
 * One compact JSON file of the store, read and written through lowdb (`new Low(adapter)`): a write
 * goes to a temporary file renamed over the old one, so the file is always whole. The data is handed
 * to lowdb only for the length of a write, so the file object holds no memory in between.
 */
export class JsonFile<T extends object> {
  readonly #db: Low<T | null>;

  /**
   * @param options.ascii write every character outside ASCII escaped, so the file reads back as a
   *   one-byte string: for files mostly in ASCII and read at every start (the subscription shards:
   *   100,000 subscriptions, a few Chinese chat titles in each shard, read in 0.2 s instead of 0.35 s)
   * @param options.sync put a write's data on disk before it replaces the file (see {@link syncFolder}
   *   for the rename itself)
   */
  constructor(
    readonly path: string,
    options: { readonly ascii?: boolean; readonly sync?: boolean } = {},
  ) {
    this.#db = new Low<T | null>(
      new CompactJsonFile<T | null>(path, options.ascii ?? false, options.sync ?? false),
      null,
    );
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

/** Puts the folder's entries (files created, renamed or deleted in it) on disk: `fsync` on the folder. */
export async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

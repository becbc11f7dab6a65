import type { Item } from '../core/items.js';
import type { Indexed } from './item-index.js';
import { JsonFile, StoreError } from './json-file.js';
import { isMonthFile, type MonthFile, monthOf, SCHEMA_VERSION, type StoreLayout } from './layout.js';

/** How often {@link MonthArchive.modify} reads a month that is let go before it could change it. */
const MAX_READ_ATTEMPTS = 3;

/** Options for {@link MonthArchive}. */
export interface MonthArchiveOptions {
  /** The newest months, kept in memory all the time (`/brief` and `/topic` read them). */
  readonly hotMonths: number;
  /** Older months kept in memory after a read, least recently used first out. */
  readonly cachedMonths: number;
  /** Put each write on disk before it replaces the file ({@link JsonFile}'s `sync`). */
  readonly sync?: boolean;
}

/**
 * The item bodies, one file per month of publication (UTC), read on demand. The newest
 * `hotMonths` months stay in memory; an older month is read when a query reaches it and kept among
 * the `cachedMonths` most recently used. A month with changes not yet written stays in memory until
 * its file is written.
 */
export class MonthArchive {
  readonly #layout: StoreLayout;
  readonly #options: MonthArchiveOptions;
  readonly #files = new Map<string, JsonFile<MonthFile>>();
  /** Months that have a file. */
  readonly #onDisk: Set<string>;
  readonly #loaded = new Map<string, Map<number, Item>>();
  readonly #loading = new Map<string, Promise<Map<number, Item>>>();
  readonly #dirty = new Set<string>();
  /** Loaded months, least recently used first. */
  #recent: string[] = [];
  #hot = new Set<string>();
  #reads = 0;

  constructor(layout: StoreLayout, onDisk: Iterable<string>, options: MonthArchiveOptions) {
    this.#layout = layout;
    this.#onDisk = new Set(onDisk);
    this.#options = options;
    this.#updateHot();
  }

  /** The months that have a file, for the manifest. */
  get onDisk(): readonly string[] {
    return [...this.#onDisk].sort();
  }

  /** The months in memory (hot ones included). */
  get loaded(): readonly string[] {
    return [...this.#loaded.keys()].sort();
  }

  /** How many month files have been read so far. */
  get reads(): number {
    return this.#reads;
  }

  /** The hot months, read into memory. */
  async warm(): Promise<void> {
    for (const month of this.#hot) await this.load(month);
  }

  /**
   * The items of `month` by id, read from its file when not in memory (an empty month when it has no
   * file yet).
   * @throws StoreError naming the file when it cannot be read or is not a month file
   */
  load(month: string): Promise<Map<number, Item>> {
    const loaded = this.#loaded.get(month);
    if (loaded) {
      this.#touch(month);
      return Promise.resolve(loaded);
    }
    let loading = this.#loading.get(month);
    if (!loading) {
      loading = this.#read(month).finally(() => this.#loading.delete(month));
      this.#loading.set(month, loading);
    }
    return loading;
  }

  /** The items behind index entries, in their order; months not in memory are read first. */
  async fetch(entries: readonly Indexed[]): Promise<Item[]> {
    const items: Item[] = [];
    for (const entry of entries) {
      const month = monthOf(entry.publishedAt);
      const inMonth = this.#loaded.get(month) ?? (await this.load(month));
      const item = inMonth.get(entry.id);
      if (!item) {
        throw new StoreError(
          `Item #${entry.id} is in the index but not in ${this.#layout.month(month)}; restore the data files from a backup.`,
        );
      }
      items.push(item);
    }
    for (const month of new Set(entries.map((e) => monthOf(e.publishedAt)))) this.#touch(month);
    this.evict();
    return items;
  }

  /**
   * Changes `month`'s items: reads the month when it is not in memory, then calls `change` with its
   * items (synchronously, so nothing else runs in between) and marks it to be written.
   */
  async modify(month: string, change: (items: Map<number, Item>) => void): Promise<void> {
    // A month read for this change may be let go before this continuation runs; it is then read again.
    for (let attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++) {
      const items = await this.load(month);
      if (this.#loaded.get(month) !== items) continue;
      change(items);
      this.#dirty.add(month);
      if (!this.#hot.has(month)) this.#updateHot();
      return;
    }
    throw new Error(`month ${month} kept being let go while it was changed`);
  }

  /** Whether any month has changes not yet written. */
  get dirty(): boolean {
    return this.#dirty.size > 0;
  }

  /** The months with changes not yet written, now considered clean (see {@link markDirty}). */
  takeDirty(): string[] {
    const months = [...this.#dirty];
    this.#dirty.clear();
    return months;
  }

  /** A month whose write failed: written again next time. */
  markDirty(month: string): void {
    this.#dirty.add(month);
  }

  /** Writes one month's file (its items by id). */
  async write(month: string): Promise<void> {
    const items = [...this.#loadedOrThrow(month).values()].sort((a, b) => a.id - b.id);
    await this.#file(month).write({ schema: SCHEMA_VERSION, month, items });
    this.#onDisk.add(month);
  }

  /**
   * Lets go of cold months beyond the cache size (never one with changes not yet written). Called
   * after a query and after a checkpoint, never while a month is being read.
   */
  evict(): void {
    const cold = this.#recent.filter((m) => !this.#hot.has(m));
    let excess = cold.length - this.#options.cachedMonths;
    for (const month of cold) {
      if (excess <= 0) break;
      if (this.#dirty.has(month)) continue;
      this.#loaded.delete(month);
      excess--;
    }
    this.#recent = this.#recent.filter((m) => this.#loaded.has(m));
  }

  async #read(month: string): Promise<Map<number, Item>> {
    const items = new Map<number, Item>();
    if (this.#onDisk.has(month)) {
      this.#reads++;
      const file = await this.#file(month).read((v): v is MonthFile => isMonthFile(v, month));
      if (!file) {
        throw new StoreError(
          `Data file ${this.#layout.month(month)}, listed in ${this.#layout.manifest}, is missing; restore it from a backup.`,
        );
      }
      for (const item of file.items) items.set(item.id, item);
    }
    // Another caller may have created the month meanwhile (an item posted while it was being read).
    const existing = this.#loaded.get(month);
    if (existing) return existing;
    this.#loaded.set(month, items);
    this.#touch(month);
    this.#updateHot();
    return items;
  }

  #loadedOrThrow(month: string): Map<number, Item> {
    const items = this.#loaded.get(month);
    if (!items) throw new Error(`month ${month} is not in memory`);
    return items;
  }

  #touch(month: string): void {
    const at = this.#recent.indexOf(month);
    if (at === this.#recent.length - 1 && at >= 0) return;
    if (at >= 0) this.#recent.splice(at, 1);
    this.#recent.push(month);
  }

  /** The hot months: the newest ones with a file or in memory. */
  #updateHot(): void {
    const months = new Set([...this.#onDisk, ...this.#loaded.keys()]);
    this.#hot = new Set([...months].sort().reverse().slice(0, this.#options.hotMonths));
  }

  #file(month: string): JsonFile<MonthFile> {
    let file = this.#files.get(month);
    if (!file) {
      file = new JsonFile<MonthFile>(this.#layout.month(month), { sync: this.#options.sync ?? false });
      this.#files.set(month, file);
    }
    return file;
  }
}

import { existsSync } from 'node:fs';
import type { Item } from '../core/items.js';
import type { ChatPrefs, DeliveryRun, ItemPage, ItemQuery, Store, TopicStats } from '../core/store.js';
import type { SubscriptionRecord } from '../core/subscription.js';
import type { Logger } from '../log.js';
import { JsonWireStore, wireFileFor } from '../wire/json-store.js';
import { MemoryWireStore } from '../wire/memory-store.js';
import type { WireStore } from '../wire/store.js';
import { type Indexed, ItemIndex } from './item-index.js';
import { Journal } from './journal.js';
import { JsonFile, LEFT_UNTOUCHED, StoreError, syncFolder } from './json-file.js';
import {
  type ChatsFile,
  DEFAULT_SHARDS,
  type IndexFile,
  isChatsFile,
  isIndexFile,
  isManifest,
  isShardFile,
  type Manifest,
  monthOf,
  SCHEMA_VERSION,
  type ShardFile,
  StoreLayout,
  schemaOf,
  shardFile,
} from './layout.js';
import { StoreLock } from './lock.js';
import { type Change, keepRun, TableSubscriptions } from './memory.js';
import { MonthArchive } from './month-archive.js';
import { type ColumnPositions, columnPositions, RowDecoder } from './subscription-rows.js';
import { StringPool, type SubscriptionChange, SubscriptionTable } from './subscription-table.js';

export { StoreError } from './json-file.js';
export { SCHEMA_VERSION } from './layout.js';

/** A checkpoint follows a burst of changes once the store has been quiet this long. */
export const DEFAULT_WRITE_DELAY_MS = 1000;
/** While changes keep coming, a checkpoint comes at the latest this long after the first of them… */
const MAX_CHECKPOINT_DELAY_MS = 60_000;
/**
 * …or once the journal holds this many bytes not yet in the files (about 55,000 delivery outcomes,
 * 55 s of a fan-out at 1,000/s, under two seconds to replay after a crash). At 8 MB a fan-out to
 * 100,000 ran seven checkpoints, each rewriting every subscription shard while messages waited.
 */
const JOURNAL_CHECKPOINT_BYTES = 32 * 1024 * 1024;
/** After a failed checkpoint (disk full, read-only folder), wait this long before trying again. */
export const DEFAULT_RETRY_DELAY_MS = 5000;
/**
 * Checkpoints may take at most this share of the time: after one that took `t` ms the next waits at
 * least `t / share`. During a fan-out every shard changes every second; rewriting all of them each
 * second would cost a third of a core, while the journal already makes each outcome durable.
 */
const CHECKPOINT_TIME_SHARE = 0.1;
/**
 * The newest months of items kept in memory from the start: today's `/brief`, `/topic` and the
 * day's digests read the current month. Early in a month they also reach the previous one, which is
 * then read once (about 20 ms for 2,000 items) and kept among the cached months.
 */
export const DEFAULT_HOT_MONTHS = 1;
/** Older months kept in memory after a read, the most recently used. */
export const DEFAULT_CACHED_MONTHS = 2;

/** Options for {@link LowdbStore.open}. */
export interface LowdbStoreOptions {
  readonly logger: Logger;
  /** @defaultValue {@link DEFAULT_WRITE_DELAY_MS} */
  readonly writeDelayMs?: number;
  /** After a failed checkpoint, try again this much later. @defaultValue {@link DEFAULT_RETRY_DELAY_MS} */
  readonly retryDelayMs?: number;
  /** Subscription shards of a new (or converted) store. @defaultValue {@link DEFAULT_SHARDS} */
  readonly shards?: number;
  /** @defaultValue {@link DEFAULT_HOT_MONTHS} */
  readonly hotMonths?: number;
  /** @defaultValue {@link DEFAULT_CACHED_MONTHS} */
  readonly cachedMonths?: number;
  /**
   * Whether a change is on disk (`fdatasync`, one per batch of appends) before the call that made
   * it resolves, so it survives a power cut; `false` only to measure what that costs.
   * @defaultValue true
   */
  readonly sync?: boolean;
}

const isObject = (v: unknown): v is object => typeof v === 'object' && v !== null;

/**
 * The embedded store, on lowdb, laid out to stay fast at 100,000 subscriptions and 50,000 items
 * (see `layout.ts` for the files):
 *
 * - **Subscriptions** are all in memory, and on disk in shards by key hash, so writing out a change
 *   rewrites only its shard (about 450 kB at 100,000 subscriptions, a few ms to serialise).
 * - **Items** are indexed in memory by id, topic and time; their bodies are in one file per month,
 *   the newest months in memory and older ones read when a query reaches them.
 * - **Every change** is appended to the journal before the call returns ({@link Journal}); a
 *   checkpoint later writes the changed shards, months and index, then the manifest, then deletes
 *   the journal segments it folded in. Checkpoints follow a burst of changes after `writeDelayMs`
 *   and never take more than a tenth of the time.
 *
 * Opening reads the manifest, the shards, the index, the chat preferences and the hot months, and
 * replays the journal. Delivery claims are never written (not to the journal, not to a file): they
 * die with the process that took them, so a restart finds none. A file that cannot be read or
 * parsed stops the open with an error naming it, and is left as it is.
 *
 * One process per store: the folder is locked while the store is open ({@link StoreLock}).
 */
export class LowdbStore extends TableSubscriptions implements Store {
  /**
   * The wire's data, in `db.wire.json` beside the manifest (written through lowdb on its own, a
   * moment after each change; see `JsonWireStore`), under this store's lock.
   */
  wire: WireStore = new MemoryWireStore();
  readonly #layout: StoreLayout;
  readonly #log: Logger;
  readonly #delayMs: number;
  readonly #retryDelayMs: number;
  readonly #sync: boolean;
  readonly #manifestFile: JsonFile<Manifest>;
  readonly #shardFiles: JsonFile<ShardFile>[];
  readonly #indexFile: JsonFile<IndexFile>;
  readonly #chatsFile: JsonFile<ChatsFile>;
  readonly #shardsOnDisk: Set<number>;
  readonly #archive: MonthArchive;
  #index = new ItemIndex<Indexed>();
  #indexOnDisk: boolean;
  #chatsOnDisk: boolean;
  #journal: Journal | undefined;
  #lock: StoreLock | undefined;
  #seq: number;
  #nextItemId: number;
  #runs: DeliveryRun[];
  readonly #dirtyShards = new Set<number>();
  #indexDirty = false;
  #chatsDirty = false;
  #manifestDirty = false;
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> | undefined;
  #closed = false;
  #writes = 0;
  #lastCheckpointMs = 0;
  #lastCheckpointEnd = 0;
  /** When the first change not yet in a checkpoint was made (`performance.now()`), if any. */
  #firstPendingAt: number | undefined;
  #lastChangeAt = 0;
  /** Journal bytes written since the last checkpoint began. */
  #pendingBytes = 0;

  private constructor(layout: StoreLayout, manifest: Manifest, options: LowdbStoreOptions) {
    super(new SubscriptionTable(manifest.shards));
    this.table.onChange = (change) => this.#changed(change);
    this.#layout = layout;
    this.#log = options.logger;
    this.#delayMs = options.writeDelayMs ?? DEFAULT_WRITE_DELAY_MS;
    this.#retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
    const sync = options.sync ?? true;
    this.#sync = sync;
    this.#manifestFile = new JsonFile<Manifest>(layout.manifest, { sync });
    this.#shardFiles = Array.from(
      { length: manifest.shards },
      (_, n) => new JsonFile(layout.shard(n), { ascii: true, sync }),
    );
    this.#shardsOnDisk = new Set(manifest.shardFiles);
    this.#indexFile = new JsonFile<IndexFile>(layout.index, { sync });
    this.#indexOnDisk = manifest.indexFile;
    this.#chatsFile = new JsonFile<ChatsFile>(layout.chats, { sync });
    this.#chatsOnDisk = manifest.chatsFile;
    this.#archive = new MonthArchive(layout, manifest.months, {
      hotMonths: options.hotMonths ?? DEFAULT_HOT_MONTHS,
      cachedMonths: options.cachedMonths ?? DEFAULT_CACHED_MONTHS,
      sync,
    });
    this.#seq = manifest.seq;
    this.#nextItemId = manifest.nextItemId;
    this.#runs = [...manifest.runs];
    this.desk.load(manifest.desk);
    // The desk's links and sessions are few; they live in the manifest, written each checkpoint.
    this.desk.onChange = (change) => this.#record({ op: 'desk', change });
  }

  /**
   * Opens (or, when missing, starts) the store whose manifest is `file` (`DATABASE_FILE`).
   * @throws StoreError when one of its files cannot be read or is not Briefcast data
   */
  static async open(file: string, options: LowdbStoreOptions): Promise<LowdbStore> {
    const layout = new StoreLayout(file);
    // First of all: a folder another process has open is not even read.
    const lock = StoreLock.acquire(layout, options.logger);
    try {
      const manifest = await readManifest(layout, options);
      const store = new LowdbStore(layout, manifest, options);
      store.#lock = lock;
      await store.#load();
      const { journal, lastSeq, replayed } = await Journal.open(
        layout,
        manifest.seq,
        (entry) => store.#apply(entry.change),
        options.logger,
        { sync: options.sync ?? true },
      );
      store.#journal = journal;
      store.#seq = lastSeq;
      store.wire = await JsonWireStore.open(wireFileFor(file));
      if (replayed > 0) {
        options.logger.info({ replayed }, 'replayed journal changes not yet in the data files');
        store.#schedule();
      }
      return store;
    } catch (e) {
      lock?.release(options.logger);
      throw e;
    }
  }

  /** Reads the shards, the index, the chat preferences and the hot months the manifest lists. */
  async #load(): Promise<void> {
    const pool = new StringPool();
    for (const n of this.#shardsOnDisk) {
      const shard = await this.#shardFiles[n]!.read((v): v is ShardFile => isShardFile(v, n));
      if (!shard) throw this.#missing(this.#layout.shard(n));
      const decoder = new RowDecoder(columnPositions(shard.columns) as ColumnPositions, pool);
      for (const row of shard.rows) {
        const record = decoder.decode(row);
        if (!record) {
          throw new StoreError(
            `Data file ${this.#layout.shard(n)} is not a Briefcast data file (a row is not a subscription). ${LEFT_UNTOUCHED}`,
          );
        }
        this.table.load(record);
      }
    }
    if (this.#chatsOnDisk) {
      const chats = await this.#chatsFile.read(isChatsFile);
      if (!chats) throw this.#missing(this.#layout.chats);
      for (const [key, prefs] of Object.entries(chats.chats))
        this.table.apply({ op: 'chatPrefs', key, prefs });
    }
    if (this.#indexOnDisk) {
      const index = await this.#indexFile.read(isIndexFile);
      if (!index) throw this.#missing(this.#layout.index);
      this.#index = new ItemIndex(
        index.items.map(([id, topic, publishedAt]) => ({ id, topic, publishedAt })),
      );
    }
    // Older months are read on demand; that each one is there is checked now.
    for (const month of this.#archive.onDisk) {
      if (!existsSync(this.#layout.month(month))) throw this.#missing(this.#layout.month(month));
    }
    await this.#archive.warm();
  }

  #missing(file: string): StoreError {
    return new StoreError(
      `Data file ${file}, listed in ${this.#layout.manifest}, is missing. Restore it from a backup; the other files were left untouched.`,
    );
  }

  /** Applies a change read back from the journal. */
  async #apply(change: Change): Promise<void> {
    switch (change.op) {
      case 'item':
        await this.#putItem(change.item);
        break;
      case 'itemDeleted':
        await this.#removeItem(change.id);
        break;
      case 'run':
        this.#runs = keepRun(this.#runs, change.run);
        break;
      case 'desk':
        this.desk.apply(change.change);
        break;
      default:
        this.table.apply(change);
        this.#markDirty(change);
    }
    this.#manifestDirty = true;
  }

  /** Marks the file a subscription or chat change belongs in as changed. */
  #markDirty(change: SubscriptionChange): void {
    if (change.op === 'chatPrefs') this.#chatsDirty = true;
    else {
      const key =
        change.op === 'subscription'
          ? change.sub.key
          : change.op === 'record'
            ? change.record.settings.key
            : change.key;
      this.#dirtyShards.add(this.table.shardOf(key));
    }
  }

  /** A change the subscription table made: its file is dirty, and it is journalled. */
  #changed(change: SubscriptionChange): void {
    this.#markDirty(change);
    this.#record(change);
  }

  /**
   * Puts an item in its month (read first when not in memory) and the index, and journals `change`
   * when given — all in one synchronous step once the month is in memory.
   */
  async #putItem(item: Item, change?: Change): Promise<void> {
    const month = monthOf(item.publishedAt);
    const previous = this.#index.get(item.id);
    if (previous && monthOf(previous.publishedAt) !== month) await this.#removeItem(item.id);
    await this.#archive.modify(month, (items) => {
      items.set(item.id, item);
      this.#index.put({ id: item.id, topic: item.topic, publishedAt: item.publishedAt });
      this.#nextItemId = Math.max(this.#nextItemId, item.id + 1);
      this.#indexDirty = true;
      if (change) this.#record(change);
    });
  }

  /** Removes an item from its month and the index, journalling `change` when given; the item removed. */
  async #removeItem(id: number, change?: Change): Promise<Item | undefined> {
    const entry = this.#index.get(id);
    if (!entry) return undefined;
    const month = monthOf(entry.publishedAt);
    let removed: Item | undefined;
    await this.#archive.modify(month, (items) => {
      // Checked again: another call may have removed or moved it while the month was read.
      const current = this.#index.get(id);
      if (!current || monthOf(current.publishedAt) !== month) return;
      removed = items.get(id);
      items.delete(id);
      this.#index.remove(id);
      this.#indexDirty = true;
      if (change) this.#record(change);
    });
    return removed;
  }

  /** Journals a change made in memory and schedules the checkpoint that writes it out. */
  #record(change: Change): void {
    this.#seq += 1;
    this.#pendingBytes += this.#journal!.append(this.#seq, change);
    this.#manifestDirty = true;
    this.#lastChangeAt = performance.now();
    this.#firstPendingAt ??= this.#lastChangeAt;
    this.#schedule();
  }

  protected override check(): void {
    this.#assertOpen();
  }

  protected override settle(): Promise<void> | undefined {
    return this.#journal?.durable();
  }

  #assertOpen(): void {
    if (this.#closed) throw new StoreError('the store is closed');
  }

  async addItem(fields: Omit<Item, 'id'>): Promise<Item> {
    this.#assertOpen();
    // The id is taken before any wait, so two posts at once never share one.
    const item: Item = { ...fields, id: this.#nextItemId++ };
    await this.#putItem(item, { op: 'item', item });
    await this.settle();
    return item;
  }

  async replaceItem(item: Item): Promise<boolean> {
    this.#assertOpen();
    if (!this.#index.get(item.id)) return false;
    await this.#putItem(item, { op: 'item', item });
    await this.settle();
    return true;
  }

  async deleteItem(id: number): Promise<Item | undefined> {
    this.#assertOpen();
    const removed = await this.#removeItem(id, { op: 'itemDeleted', id });
    await this.settle();
    return removed;
  }

  async importItems(items: readonly Item[]): Promise<void> {
    this.#assertOpen();
    // Each goes to its month like a replaced item (`#putItem` also raises the next id above it).
    for (const item of items) await this.#putItem(item, { op: 'item', item });
    await this.settle();
  }

  async getItem(id: number): Promise<Item | undefined> {
    const entry = this.#index.get(id);
    if (!entry) return undefined;
    const [item] = await this.#archive.fetch([entry]);
    return item;
  }

  async queryItems(query: ItemQuery): Promise<ItemPage> {
    const page = this.#index.query(query);
    return { items: await this.#archive.fetch(page.entries), total: page.total };
  }

  async topicStats(): Promise<TopicStats> {
    return this.#index.stats();
  }

  async addRun(run: DeliveryRun): Promise<void> {
    this.#assertOpen();
    this.#runs = keepRun(this.#runs, run);
    this.#record({ op: 'run', run });
    await this.settle();
  }

  async recentRuns(limit: number): Promise<readonly DeliveryRun[]> {
    return this.#runs.slice(-limit);
  }

  /**
   * Every subscription, settings and delivery record: for moving this store's data to another one
   * (`importSubscriptions`) and for tests. Not part of the port — delivery and commands never list.
   */
  allSubscriptions(): SubscriptionRecord[] {
    return [...this.table.all()];
  }

  /** Every chat's preferences, by chat key (for moving the data, like {@link allSubscriptions}). */
  allChatPrefs(): ReadonlyMap<string, ChatPrefs> {
    return this.table.allPrefs();
  }

  /** How many journal syncs (`fdatasync` batches) have run since opening, for diagnostics. */
  get journalSyncs(): number {
    return this.#journal?.syncs ?? 0;
  }

  /** How many checkpoints have written the files since opening (batching keeps this small). */
  get writes(): number {
    return this.#writes;
  }

  /** The months of items in memory (`YYYY-MM`), for diagnostics. */
  get monthsInMemory(): readonly string[] {
    return this.#archive.loaded;
  }

  /** How many month files have been read since opening (hot months included), for diagnostics. */
  get monthsRead(): number {
    return this.#archive.reads;
  }

  get #dirty(): boolean {
    return (
      this.#manifestDirty ||
      this.#indexDirty ||
      this.#chatsDirty ||
      this.#dirtyShards.size > 0 ||
      this.#archive.dirty
    );
  }

  /**
   * Arms the checkpoint timer (once). When it fires, a checkpoint runs if the store has been quiet for
   * the write delay, or changes have been pending for {@link MAX_CHECKPOINT_DELAY_MS}, or the journal
   * has grown past {@link JOURNAL_CHECKPOINT_BYTES} — and the last checkpoint is long enough ago that
   * checkpoints stay within {@link CHECKPOINT_TIME_SHARE} of the time. Otherwise it re-arms.
   */
  #schedule(delayMs = this.#delayMs): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const wait = this.#checkpointWait(performance.now());
      if (wait > 0) this.#schedule(wait);
      else void this.#checkpoint().catch(() => undefined);
    }, delayMs);
    this.#timer.unref();
  }

  /** How long to wait before a checkpoint is due (0: now). */
  #checkpointWait(now: number): number {
    const quietFor = now - this.#lastChangeAt;
    const pendingFor = now - (this.#firstPendingAt ?? now);
    const due =
      quietFor >= this.#delayMs ||
      pendingFor >= MAX_CHECKPOINT_DELAY_MS ||
      this.#pendingBytes >= JOURNAL_CHECKPOINT_BYTES;
    const earliest = this.#lastCheckpointEnd + this.#lastCheckpointMs / CHECKPOINT_TIME_SHARE;
    if (!due) return Math.max(1, Math.min(this.#delayMs - quietFor, MAX_CHECKPOINT_DELAY_MS - pendingFor));
    return Math.max(0, earliest - now);
  }

  /** Writes out everything changed so far (waiting for a checkpoint under way first). */
  async #checkpoint(): Promise<void> {
    while (this.#writing) await this.#writing;
    if (!this.#dirty) return;
    this.#writing = this.#writeChanged();
    try {
      await this.#writing;
    } catch (e) {
      this.#log.error(
        { err: e },
        'could not write the data files; the journal keeps every change; will retry',
      );
      if (!this.#closed) this.#schedule(this.#retryDelayMs);
      throw e;
    } finally {
      this.#writing = undefined;
    }
    if (this.#dirty) this.#schedule();
  }

  /**
   * One checkpoint: a new journal segment, then each changed shard, month and the index, then the
   * manifest (the commit point), then the journal segments the files now hold are deleted. Changes
   * made meanwhile go to the new segment and the next checkpoint. On a failure what was not written
   * stays to be written and no journal segment is deleted.
   */
  async #writeChanged(): Promise<void> {
    const started = performance.now();
    const seq = this.#seq;
    this.#journal?.rotate();
    this.#firstPendingAt = undefined;
    this.#pendingBytes = 0;
    const shards = [...this.#dirtyShards];
    this.#dirtyShards.clear();
    const months = this.#archive.takeDirty();
    let index = this.#indexDirty;
    this.#indexDirty = false;
    let chats = this.#chatsDirty;
    this.#chatsDirty = false;
    this.#manifestDirty = false;
    try {
      // Each write awaits its file, so the event loop runs between shards.
      while (shards.length > 0) {
        const n = shards[0]!;
        await this.#shardFiles[n]!.write(shardFile(n, this.table.shard(n)));
        this.#shardsOnDisk.add(n);
        shards.shift();
      }
      while (months.length > 0) {
        await this.#archive.write(months[0]!);
        months.shift();
      }
      if (index) {
        const items = this.#index.inTimeOrder().map((e) => [e.id, e.topic, e.publishedAt] as const);
        await this.#indexFile.write({ schema: SCHEMA_VERSION, items });
        this.#indexOnDisk = true;
        index = false;
      }
      if (chats) {
        await this.#chatsFile.write({
          schema: SCHEMA_VERSION,
          chats: Object.fromEntries(this.table.allPrefs()),
        });
        this.#chatsOnDisk = true;
        chats = false;
      }
      // The renames above are on disk before the manifest names their files, and the manifest before
      // the journal segments it folds in are deleted: a power cut at any point leaves files the
      // journal can be replayed over.
      if (this.#sync) await syncFolder(this.#layout.dir);
      await this.#manifestFile.write(this.#manifest(seq));
      if (this.#sync) await syncFolder(this.#layout.dir);
    } catch (e) {
      for (const n of shards) this.#dirtyShards.add(n);
      for (const month of months) this.#archive.markDirty(month);
      this.#indexDirty ||= index;
      this.#chatsDirty ||= chats;
      this.#manifestDirty = true;
      throw e;
    }
    this.#writes++;
    this.#journal?.drop(seq);
    this.#archive.evict();
    this.#lastCheckpointEnd = performance.now();
    this.#lastCheckpointMs = this.#lastCheckpointEnd - started;
  }

  #manifest(seq: number): Manifest {
    return {
      schema: SCHEMA_VERSION,
      seq,
      nextItemId: this.#nextItemId,
      shards: this.table.shards,
      shardFiles: [...this.#shardsOnDisk].sort((a, b) => a - b),
      months: this.#archive.onDisk,
      indexFile: this.#indexOnDisk,
      chatsFile: this.#chatsOnDisk,
      runs: this.#runs,
      desk: this.desk.snapshot(),
    };
  }

  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    await this.#checkpoint();
    await this.wire.flush();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      if (this.#timer) clearTimeout(this.#timer);
      await this.#journal?.close();
      await this.wire.close();
      this.#lock?.release(this.#log);
    }
  }
}

/**
 * Reads the manifest, or a new store's when there is none.
 * @throws StoreError when it is not valid JSON, not Briefcast data or of another schema version
 */
async function readManifest(layout: StoreLayout, options: LowdbStoreOptions): Promise<Manifest> {
  const file = new JsonFile<object>(layout.manifest);
  const raw: object | undefined = await file.read(isObject);
  if (raw === undefined) {
    return {
      schema: SCHEMA_VERSION,
      seq: 0,
      nextItemId: 1,
      shards: options.shards ?? DEFAULT_SHARDS,
      shardFiles: [],
      months: [],
      indexFile: false,
      chatsFile: false,
      runs: [],
    };
  }
  const schema = schemaOf(raw);
  if (schema !== undefined && schema !== SCHEMA_VERSION) {
    throw new StoreError(
      `Data file ${layout.manifest} has schema version ${schema}; this Briefcast reads version ${SCHEMA_VERSION} only. ${LEFT_UNTOUCHED}`,
    );
  }
  if (!isManifest(raw)) {
    throw new StoreError(`Data file ${layout.manifest} is not a Briefcast data file. ${LEFT_UNTOUCHED}`);
  }
  return raw;
}

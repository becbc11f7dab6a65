import path from 'node:path';
import type { Item } from '../core/items.js';
import type { ChatPrefs, DeliveryRun } from '../core/store.js';
import type { SubscriptionRecord } from '../core/subscription.js';
import { type DeskSnapshot, isDeskSnapshot } from './desk-table.js';
import {
  columnPositions,
  hasRequiredColumns,
  type RowDecoder,
  SUBSCRIPTION_COLUMNS,
  type SubscriptionRow,
  toRow,
} from './subscription-rows.js';

/**
 * The files of the lowdb store, all beside `DATABASE_FILE` (here `data/db.json`):
 *
 * | file | holds | written |
 * | --- | --- | --- |
 * | `db.json` | the manifest: schema, journal position, next item id, which files belong, the last runs, the desk's links and sessions | last in every checkpoint — its commit point |
 * | `db.subscriptions.NN.json` | the subscriptions whose key hashes to shard NN, one row each | when one of them changed |
 * | `db.items.YYYY-MM.json` | the items published in that month (UTC) | when one of them changed |
 * | `db.items.index.json` | id, topic and publication instant of every item, in time order | when an item changed |
 * | `db.chats.json` | each chat's preferences (its language) | when one changed |
 * | `db.journal.N.jsonl` | every change since the files were last written, one JSON line each | before each call returns |
 * | `db.json.lock` | the process id of the process that has the store open | at open; deleted at close |
 */

/**
 * The format version of the manifest and every file it lists. Version 4 keeps each subscription as a
 * row of its settings and delivery record, journals them apart, and has the chat-preferences file.
 * No earlier version was ever released (1: one file holding everything; 2: shards of objects; 3:
 * shards of rows with the delivery state inside the subscription), so none is read: a folder of
 * another version is refused, left as it is.
 */
export const SCHEMA_VERSION = 4;
/** Subscription shards of a new store: 100,000 subscriptions make shards of about 450 kB. */
export const DEFAULT_SHARDS = 64;

/** An item's month, `YYYY-MM` (UTC), which names its file. */
export function monthOf(publishedAt: string): string {
  return publishedAt.slice(0, 7);
}

/** The manifest: the file at `DATABASE_FILE`. */
export interface Manifest {
  readonly schema: typeof SCHEMA_VERSION;
  /** The last journalled change the listed files are known to hold; replay starts after it. */
  readonly seq: number;
  readonly nextItemId: number;
  /** How many subscription shards (fixed when the store is made). */
  readonly shards: number;
  /** The shards that have a file. */
  readonly shardFiles: readonly number[];
  /** The months that have a file (`YYYY-MM`). */
  readonly months: readonly string[];
  /** Whether the item index file exists. */
  readonly indexFile: boolean;
  /** Whether the chat-preferences file exists. */
  readonly chatsFile: boolean;
  readonly runs: readonly DeliveryRun[];
  /** The desk's sign-in links (hashed) and sessions; absent before the desk was first used. */
  readonly desk?: DeskSnapshot;
}

/** A subscription shard file: a row per subscription, its columns named. */
export interface ShardFile {
  readonly schema: typeof SCHEMA_VERSION;
  readonly shard: number;
  readonly columns: readonly string[];
  readonly rows: readonly SubscriptionRow[];
}

/** Shard `n`'s file holding `subscriptions` (their claims left out). */
export function shardFile(n: number, subscriptions: Iterable<SubscriptionRecord>): ShardFile {
  return {
    schema: SCHEMA_VERSION,
    shard: n,
    columns: SUBSCRIPTION_COLUMNS,
    rows: Array.from(subscriptions, toRow),
  };
}

/** A month file. */
export interface MonthFile {
  readonly schema: number;
  readonly month: string;
  readonly items: readonly Item[];
}

/** One entry of the item index: `[id, topic, publishedAt]`. */
export type IndexRow = readonly [number, string, string];

/** The item index file. */
export interface IndexFile {
  readonly schema: number;
  /** In time order. */
  readonly items: readonly IndexRow[];
}

/** The chat-preferences file. */
export interface ChatsFile {
  readonly schema: number;
  /** By chat key. */
  readonly chats: Readonly<Record<string, ChatPrefs>>;
}

/** Where each file of a store whose manifest is `file` lives. */
export class StoreLayout {
  /** The manifest (`DATABASE_FILE`). */
  readonly manifest: string;
  readonly dir: string;
  /** `DATABASE_FILE` without `.json`: the other files' common prefix. */
  readonly #base: string;

  constructor(file: string) {
    this.manifest = file;
    this.dir = path.dirname(file);
    this.#base = file.endsWith('.json') ? file.slice(0, -'.json'.length) : file;
  }

  shard(n: number): string {
    return `${this.#base}.subscriptions.${String(n).padStart(2, '0')}.json`;
  }

  month(month: string): string {
    return `${this.#base}.items.${month}.json`;
  }

  get index(): string {
    return `${this.#base}.items.index.json`;
  }

  /** Journal segment `n` (numbered from 1, one or more per run of the process). */
  journal(n: number): string {
    return `${this.#base}.journal.${n}.jsonl`;
  }

  get chats(): string {
    return `${this.#base}.chats.json`;
  }

  /** The lock file of the process that has the store open. */
  get lock(): string {
    return `${this.manifest}.lock`;
  }

  /** The journal segment number in a file name of this store's folder, or `undefined`. */
  journalNumber(name: string): number | undefined {
    const prefix = `${path.basename(this.#base)}.journal.`;
    if (!name.startsWith(prefix) || !name.endsWith('.jsonl')) return undefined;
    const n = Number(name.slice(prefix.length, -'.jsonl'.length));
    return Number.isSafeInteger(n) && n > 0 ? n : undefined;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The schema version of parsed JSON, when it looks like one of our files. */
export function schemaOf(value: unknown): number | undefined {
  return isObject(value) && typeof value.schema === 'number' ? value.schema : undefined;
}

const isSchema = (v: Record<string, unknown>) => v.schema === SCHEMA_VERSION;

/** Whether parsed JSON is a manifest (of a version this one reads). */
export function isManifest(v: unknown): v is Manifest {
  return (
    isObject(v) &&
    isSchema(v) &&
    isCount(v.seq) &&
    isCount(v.nextItemId) &&
    isCount(v.shards) &&
    (v.shards as number) > 0 &&
    Array.isArray(v.shardFiles) &&
    v.shardFiles.every((n) => isCount(n) && n < (v.shards as number)) &&
    Array.isArray(v.months) &&
    v.months.every((m) => typeof m === 'string' && /^\d{4}-\d{2}$/.test(m)) &&
    typeof v.indexFile === 'boolean' &&
    typeof v.chatsFile === 'boolean' &&
    Array.isArray(v.runs) &&
    (v.desk === undefined || isDeskSnapshot(v.desk))
  );
}

/**
 * Whether parsed JSON is shard `n`'s file. A file naming a column this version does not know is
 * refused (it was written by a newer Briefcast, and reading it would drop that column). Each row is
 * checked as it is decoded ({@link RowDecoder}).
 */
export function isShardFile(v: unknown, n: number): v is ShardFile {
  if (!isObject(v) || v.shard !== n) return false;
  if (v.schema !== SCHEMA_VERSION || !Array.isArray(v.columns) || !Array.isArray(v.rows)) return false;
  if (!v.columns.every((c) => typeof c === 'string')) return false;
  const at = columnPositions(v.columns as string[]);
  return !('unknown' in at) && hasRequiredColumns(at);
}

/** Whether parsed JSON is `month`'s file. */
export function isMonthFile(v: unknown, month: string): v is MonthFile {
  return (
    isObject(v) &&
    isSchema(v) &&
    v.month === month &&
    Array.isArray(v.items) &&
    v.items.every(
      (i) =>
        isObject(i) &&
        typeof i.id === 'number' &&
        typeof i.publishedAt === 'string' &&
        monthOf(i.publishedAt) === month,
    )
  );
}

/** Whether parsed JSON is the item index file. */
export function isIndexFile(v: unknown): v is IndexFile {
  return (
    isObject(v) &&
    isSchema(v) &&
    Array.isArray(v.items) &&
    v.items.every(
      (r) =>
        Array.isArray(r) &&
        r.length === 3 &&
        typeof r[0] === 'number' &&
        typeof r[1] === 'string' &&
        typeof r[2] === 'string',
    )
  );
}

/** Whether parsed JSON is the chat-preferences file. */
export function isChatsFile(v: unknown): v is ChatsFile {
  return isObject(v) && isSchema(v) && isObject(v.chats) && Object.values(v.chats).every(isObject);
}

import { copyFile } from 'node:fs/promises';
import type { Item } from '../core/items.js';
import type { DeliveryRun } from '../core/store.js';
import type { Subscription } from '../core/subscription.js';
import { byTime } from './item-index.js';
import { JsonFile } from './json-file.js';
import {
  type IndexFile,
  type Manifest,
  type MonthFile,
  monthOf,
  SCHEMA_VERSION,
  type ShardFile,
  type StoreLayout,
  shardFile,
} from './layout.js';
import type { StoreData } from './memory.js';
import { shardOf, withoutClaim } from './subscription-table.js';

/** A schema-1 data file: everything in one file. */
export interface V1File extends StoreData {
  readonly schema: 1;
  /** The last journalled change the file holds. */
  readonly seq: number;
}

/** Whether parsed JSON is a schema-1 data file. */
export function isV1File(value: unknown): value is V1File {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v.schema === 1 &&
    typeof v.nextItemId === 'number' &&
    typeof v.seq === 'number' &&
    Array.isArray(v.items) &&
    Array.isArray(v.subscriptions) &&
    Array.isArray(v.runs)
  );
}

/** A whole data set to write out in the current layout. */
export interface LayoutData {
  readonly seq: number;
  readonly nextItemId: number;
  readonly shards: number;
  readonly subscriptions: Iterable<Subscription>;
  readonly items: Iterable<Item>;
  readonly runs: readonly DeliveryRun[];
}

/**
 * Writes a whole data set in the current layout — every shard, every month, the index, and the
 * manifest last (its commit point). Used to convert a schema-1 file; benchmarks use it to lay out
 * their data the way the store does.
 */
export async function writeLayout(layout: StoreLayout, data: LayoutData): Promise<void> {
  const shards = Array.from({ length: data.shards }, () => [] as Subscription[]);
  for (const sub of data.subscriptions) shards[shardOf(sub.key, data.shards)]!.push(withoutClaim(sub));
  const shardFiles: number[] = [];
  for (const [n, subscriptions] of shards.entries()) {
    if (subscriptions.length === 0) continue;
    await new JsonFile<ShardFile>(layout.shard(n), { ascii: true }).write(shardFile(n, subscriptions));
    shardFiles.push(n);
  }
  const months = new Map<string, Item[]>();
  for (const item of data.items) {
    const month = monthOf(item.publishedAt);
    const list = months.get(month);
    if (list) list.push(item);
    else months.set(month, [item]);
  }
  const index: Item[] = [];
  for (const [month, items] of months) {
    items.sort((a, b) => a.id - b.id);
    await new JsonFile<MonthFile>(layout.month(month)).write({ schema: SCHEMA_VERSION, month, items });
    index.push(...items);
  }
  if (index.length > 0) {
    index.sort(byTime);
    await new JsonFile<IndexFile>(layout.index).write({
      schema: SCHEMA_VERSION,
      items: index.map((i) => [i.id, i.topic, i.publishedAt] as const),
    });
  }
  const manifest: Manifest = {
    schema: SCHEMA_VERSION,
    seq: data.seq,
    nextItemId: data.nextItemId,
    shards: data.shards,
    shardFiles,
    months: [...months.keys()].sort(),
    indexFile: index.length > 0,
    runs: data.runs,
  };
  await new JsonFile<Manifest>(layout.manifest).write(manifest);
}

/**
 * Converts a schema-1 data file to the current layout. The old file is first copied to
 * `<DATABASE_FILE>.v1`; the manifest then replaces it, last, so a crash during the conversion leaves
 * the schema-1 file in place and the next start converts again. The schema-1 journal stays where it
 * is: the store replays it like any journal segment and deletes it at its first checkpoint.
 */
export async function convertV1(layout: StoreLayout, v1: V1File, shards: number): Promise<void> {
  await copyFile(layout.manifest, layout.legacyBackup);
  await writeLayout(layout, {
    seq: v1.seq,
    nextItemId: v1.nextItemId,
    shards,
    subscriptions: v1.subscriptions,
    items: v1.items,
    runs: v1.runs,
  });
}

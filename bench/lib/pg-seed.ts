/**
 * Seeds the PostgreSQL benchmark's database fast: `COPY … FROM STDIN` through `psql` (PostgreSQL's
 * own client, beside the server binaries), one stream per table, in the PostgresStore's tables
 * (`src/store/postgres/migrations/`, applied first by the store's own migrations). The rows are
 * made by the store's own row functions (`src/store/postgres/rows.ts`), so they are what the store
 * itself would write; only the items' row is spelled here (as `PostgresItems.addItem` writes it).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { Writable } from 'node:stream';
import pg from 'pg';
import { postgresBinDir } from '../../fakes/postgres.js';
import type { Item } from '../../src/core/items.js';
import { searchText } from '../../src/core/search.js';
import type { SubscriptionRecord } from '../../src/core/subscription.js';
import { silentLogger } from '../../src/log.js';
import { migrate } from '../../src/store/postgres/migrate.js';
import { deliveryRow, settingsRow } from '../../src/store/postgres/rows.js';

/** A value as COPY's text format writes it: `\N` for null, backslash escapes, objects as JSON. */
function copyValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/[\\\n\r\t]/g, (c) =>
    c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t',
  );
}

/** One COPY stream into `table`: write rows (objects with the columns as keys), then `end()`. */
class CopyStream {
  readonly #stdin: Writable;
  readonly #done: Promise<void>;
  #columns: string[] | undefined;
  #buffer: string[] = [];
  #bytes = 0;
  rows = 0;

  private constructor(
    readonly table: string,
    private readonly url: string,
    columns: readonly string[],
  ) {
    this.#columns = [...columns];
    const psql = spawn(
      path.join(postgresBinDir(), 'psql'),
      [
        this.url,
        '--quiet',
        '--no-psqlrc',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        `COPY ${table} (${columns.join(', ')}) FROM STDIN`,
      ],
      { stdio: ['pipe', 'ignore', 'pipe'] },
    );
    let err = '';
    psql.stderr.setEncoding('utf8').on('data', (c: string) => {
      err = (err + c).slice(-2000);
    });
    this.#stdin = psql.stdin;
    this.#done = once(psql, 'exit').then(([code]) => {
      if (code !== 0) throw new Error(`COPY ${table} failed (psql exit ${code}): ${err.trim()}`);
    });
    // Surfaced by end(); without a handler an early exit would be an unhandled rejection.
    this.#done.catch(() => {});
  }

  static open(url: string, table: string, columns: readonly string[]): CopyStream {
    return new CopyStream(table, url, columns);
  }

  /** Queues one row; resolves when the pipe has room again (backpressure). */
  async write(row: Readonly<Record<string, unknown>>): Promise<void> {
    const columns = this.#columns ?? [];
    const line = `${columns.map((c) => copyValue(row[c])).join('\t')}\n`;
    this.#buffer.push(line);
    this.#bytes += line.length;
    this.rows++;
    if (this.#bytes >= 1 << 20) await this.#flush();
  }

  async #flush(): Promise<void> {
    if (this.#buffer.length === 0) return;
    const chunk = this.#buffer.join('');
    this.#buffer = [];
    this.#bytes = 0;
    if (!this.#stdin.write(chunk)) await once(this.#stdin, 'drain');
  }

  /** Ends the stream; resolves when the server has committed the COPY. */
  async end(): Promise<void> {
    await this.#flush();
    this.#stdin.end();
    await this.#done;
  }
}

/** How long each part of seeding took, in seconds. */
export interface SeedTimes {
  readonly subscriptions: number;
  readonly items: number;
  readonly vacuum: number;
}

/**
 * Creates the schema in the database at `url` (the store's migrations), then copies the
 * subscriptions (settings, then delivery records) and the items in; sets the items' id sequence
 * past the last id and runs `VACUUM ANALYZE` (statistics for the planner, the visibility map for
 * index-only scans), as autovacuum would after a bulk load.
 */
export async function seedDatabase(
  url: string,
  subscriptions: () => Iterable<SubscriptionRecord>,
  items: Iterable<Item>,
): Promise<SeedTimes> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(client, silentLogger);
    let started = performance.now();
    // Settings first (deliveries reference them); the items go in beside them, on the other core.
    const itemsDone = copyItems(url, items);
    await copySubscriptions(url, subscriptions);
    const subscriptionsSeconds = (performance.now() - started) / 1000;
    const itemsSeconds = await itemsDone;
    await client.query(
      "SELECT setval(pg_get_serial_sequence('items', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM items), false)",
    );
    started = performance.now();
    await client.query('VACUUM (ANALYZE)');
    await client.query('CHECKPOINT');
    return {
      subscriptions: subscriptionsSeconds,
      items: itemsSeconds,
      vacuum: (performance.now() - started) / 1000,
    };
  } finally {
    await client.end();
  }
}

/**
 * The settings rows, then the delivery rows, each in its own COPY and each from its own pass over
 * the (deterministic) generator, so a million records are never held in memory.
 */
async function copySubscriptions(url: string, records: () => Iterable<SubscriptionRecord>): Promise<void> {
  for (const [table, rowOf] of [
    ['subscriptions', (r: SubscriptionRecord) => settingsRow(r.settings)],
    ['deliveries', deliveryRow],
  ] as const) {
    let stream: CopyStream | undefined;
    for (const record of records()) {
      const row = rowOf(record) as unknown as Readonly<Record<string, unknown>>;
      stream ??= CopyStream.open(url, table, Object.keys(row));
      await stream.write(row);
    }
    await stream?.end();
  }
}

/**
 * The items table's row of an item, as `PostgresItems.addItem` writes it
 * (`src/store/postgres/items.ts`): id, topic, instant and folded search text as columns, the rest
 * as jsonb.
 */
function itemRow(item: Item): Record<string, unknown> {
  const { id, ...data } = item;
  return { id, topic: item.topic, published_at: item.publishedAt, search_text: searchText(item), data };
}

async function copyItems(url: string, items: Iterable<Item>): Promise<number> {
  const started = performance.now();
  const stream = CopyStream.open(url, 'items', ['id', 'topic', 'published_at', 'search_text', 'data']);
  for (const item of items) await stream.write(itemRow(item));
  await stream.end();
  return (performance.now() - started) / 1000;
}

import { randomUUID } from 'node:crypto';
import type { Item } from '../../core/items.js';
import { searchText } from '../../core/search.js';
import type { ItemPage, ItemQuery, ItemStore, TopicStats } from '../../core/store.js';
import { StoreError } from '../json-file.js';
import type { Counted, Once, Query } from './query.js';

/** Items per statement when importing. */
const IMPORT_CHUNK = 1_000;

/**
 * The items half of the PostgreSQL store (table `items`): each item whole as `jsonb`, beside the
 * columns its questions read — publication time and topic (indexed for `/brief` and `/topic`) and
 * the folded text the desk's search matches.
 */
export class PostgresItems implements ItemStore {
  constructor(
    private readonly query: Query,
    private readonly once: Once,
  ) {}

  /**
   * Stores the item with the call's key (`add_key`, made once before the first attempt). A retry
   * after a commit whose answer was lost meets the unique index (after the first attempt's
   * transaction ends, if the server still runs it), stores nothing, and reads the id already given.
   */
  async addItem(fields: Omit<Item, 'id'>): Promise<Item> {
    const key = randomUUID();
    const { rows } = await this.query<{ id: string }>(
      'addItem',
      `INSERT INTO items (topic, published_at, search_text, data, add_key) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (add_key) WHERE add_key IS NOT NULL DO NOTHING RETURNING id`,
      [fields.topic, fields.publishedAt, searchText(fields), JSON.stringify(fields), key],
    );
    const id =
      rows[0]?.id ??
      (await this.query<{ id: string }>('addItem', 'SELECT id FROM items WHERE add_key = $1', [key])).rows[0]
        ?.id;
    // Only when the item stored by a lost first attempt was deleted before its retry read its id.
    if (id === undefined) throw new StoreError('the item was stored, then deleted before its id was read');
    return { ...fields, id: Number(id) };
  }

  /** Idempotent as it is: a retry writes the same columns again and finds the row again. */
  async replaceItem(item: Item): Promise<boolean> {
    const { id, ...fields } = item;
    if (!Number.isSafeInteger(id)) return false;
    const { rowCount } = await this.query(
      'replaceItem',
      'UPDATE items SET topic = $2, published_at = $3, search_text = $4, data = $5 WHERE id = $1',
      [id, item.topic, item.publishedAt, searchText(item), JSON.stringify(fields)],
    );
    return (rowCount ?? 0) > 0;
  }

  async deleteItem(id: number): Promise<Item | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    // Once: a retry after a lost commit would find nothing to delete and call the item unknown.
    return this.once('deleteItem', async (client) => {
      const { rows } = await client.query<ItemRow>('DELETE FROM items WHERE id = $1 RETURNING id, data', [
        id,
      ]);
      return rows[0] && itemOf(rows[0]);
    });
  }

  async getItem(id: number): Promise<Item | undefined> {
    if (!Number.isSafeInteger(id)) return undefined;
    const { rows } = await this.query<ItemRow>('getItem', 'SELECT id, data FROM items WHERE id = $1', [id]);
    return rows[0] && itemOf(rows[0]);
  }

  async queryItems(query: ItemQuery): Promise<ItemPage> {
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (query.topics && query.topics.length > 0)
      where.push(`topic = ANY(${param([...new Set(query.topics)])}::text[])`);
    if (query.from !== undefined) where.push(`published_at >= ${param(query.from)}`);
    if (query.after !== undefined) where.push(`published_at > ${param(query.after)}`);
    if (query.upTo !== undefined) where.push(`published_at <= ${param(query.upTo)}`);
    if (query.before !== undefined) where.push(`published_at < ${param(query.before)}`);
    const filter = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
    const limit = query.limit === undefined ? '' : `LIMIT ${Math.max(0, Math.floor(query.limit))}`;
    const [page, count] = await Promise.all([
      this.query<ItemRow>(
        'queryItems',
        `SELECT id, data FROM items ${filter} ORDER BY published_at DESC, id DESC ${limit}`,
        values,
      ),
      this.#count(query, filter, values),
    ]);
    return { items: page.rows.map(itemOf), total: count.rows[0]?.n ?? 0 };
  }

  /**
   * How many items match. A query bounded at most by `upTo` (/topic, the latest day) reads the
   * topics' counts (`item_counts`, kept by triggers) less the few items published after `upTo`,
   * instead of counting every item of a topic; a query with a lower bound counts its window.
   */
  #count(query: ItemQuery, filter: string, values: unknown[]) {
    if (query.from !== undefined || query.after !== undefined || query.before !== undefined)
      return this.query<Counted>('queryItems', `SELECT count(*)::int AS n FROM items ${filter}`, values);
    const topics = query.topics && query.topics.length > 0 ? [...new Set(query.topics)] : undefined;
    const counted: unknown[] = [];
    const param = (value: unknown) => {
      counted.push(value);
      return `$${counted.length}`;
    };
    const ofTopics = topics === undefined ? '' : `topic = ANY(${param(topics)}::text[])`;
    const later = [ofTopics, query.upTo === undefined ? 'false' : `published_at > ${param(query.upTo)}`]
      .filter((c) => c !== '')
      .join(' AND ');
    return this.query<Counted>(
      'queryItems',
      `SELECT ((SELECT coalesce(sum(n), 0) FROM item_counts ${ofTopics === '' ? '' : `WHERE ${ofTopics}`})
         - (SELECT count(*) FROM items WHERE ${later}))::int AS n`,
      counted,
    );
  }

  async searchItems(terms: readonly string[], limit: number): Promise<ItemPage> {
    if (terms.length === 0) return { items: [], total: 0 };
    // Substring matches, one LIKE per term, scanned in SQL: no index helps a two-character Chinese
    // term (pg_trgm ignores characters outside the locale's alphabet), and no item leaves the server
    // unless it is on the page.
    const values = terms.map((t) => `%${t.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    const filter = `WHERE ${values.map((_, i) => `search_text LIKE $${i + 1}`).join(' AND ')}`;
    const [page, count] = await Promise.all([
      this.query<ItemRow>(
        'searchItems',
        `SELECT id, data FROM items ${filter} ORDER BY published_at DESC, id DESC LIMIT ${Math.max(0, Math.floor(limit))}`,
        values,
      ),
      this.query<Counted>('searchItems', `SELECT count(*)::int AS n FROM items ${filter}`, values),
    ]);
    return { items: page.rows.map(itemOf), total: count.rows[0]?.n ?? 0 };
  }

  /**
   * Writes items as given, ids kept, replacing any with the same id; later {@link addItem} ids go
   * above the largest (and never below one already handed out). For moving data between stores.
   */
  async importItems(items: readonly Item[]): Promise<void> {
    // Idempotent as it is: upserts by id, and a sequence raised to at least the largest.
    for (let i = 0; i < items.length; i += IMPORT_CHUNK) {
      const rows = items.slice(i, i + IMPORT_CHUNK).map(({ id, ...fields }) => ({
        id,
        topic: fields.topic,
        published_at: fields.publishedAt,
        search_text: searchText(fields),
        data: fields,
      }));
      await this.query(
        'importItems',
        `INSERT INTO items (id, topic, published_at, search_text, data)
         SELECT id, topic, published_at, search_text, data
         FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, topic text, published_at timestamptz, search_text text, data jsonb)
         ON CONFLICT (id) DO UPDATE SET topic = EXCLUDED.topic, published_at = EXCLUDED.published_at,
           search_text = EXCLUDED.search_text, data = EXCLUDED.data`,
        [JSON.stringify(rows)],
      );
    }
    if (items.length === 0) return;
    await this.query(
      'importItems',
      `SELECT setval(pg_get_serial_sequence('items', 'id'),
         GREATEST((SELECT max(id) FROM items),
           (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM items_id_seq)))`,
    );
  }

  async topicStats(): Promise<TopicStats> {
    const { rows } = await this.query<{ topic: string; n: number; latest: Date }>(
      'topicStats',
      // The counts kept by triggers; each topic's latest from the end of its index.
      `SELECT c.topic, c.n::int AS n,
         (SELECT max(i.published_at) FROM items i WHERE i.topic = c.topic) AS latest
       FROM item_counts c WHERE c.n > 0`,
    );
    return Object.fromEntries(rows.map((r) => [r.topic, { count: r.n, latest: r.latest.toISOString() }]));
  }
}

interface ItemRow {
  readonly id: string;
  readonly data: Omit<Item, 'id'>;
}

function itemOf(row: ItemRow): Item {
  return { ...row.data, id: Number(row.id) };
}

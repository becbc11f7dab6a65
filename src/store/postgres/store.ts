import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type ChatId, chatKey } from '../../core/chat.js';
import type { DeskSession, SignInToken, TokenUse } from '../../core/desk.js';
import type { Item } from '../../core/items.js';
import type {
  ChatPrefs,
  ClaimedDelivery,
  DeliveryOutcome,
  DeliveryRun,
  DueQuery,
  ItemPage,
  ItemQuery,
  MovedSubscription,
  Store,
  SubscriptionCounts,
  SubscriptionPageQuery,
  TopicStats,
} from '../../core/store.js';
import type { DeliveryProgress, Subscription, SubscriptionRecord } from '../../core/subscription.js';
import type { Logger } from '../../log.js';
import type { WireStore } from '../../wire/store.js';
import { StoreError } from '../json-file.js';
import { KEPT_RUNS } from '../memory.js';
import { PostgresDesk } from './desk.js';
import { PostgresItems } from './items.js';
import { migrate } from './migrate.js';
import { OutcomeBatcher, type OutcomeBatchOptions, type PendingOutcome } from './outcome-batch.js';
import type { Counted, Once, Query } from './query.js';
import { RetriedPool } from './retried-pool.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import {
  chatIdKey,
  DELIVERY_RECORDSET,
  deliveryOf,
  deliveryRow,
  RECORD_COLUMNS,
  type RecordRow,
  recordOf,
  SETTINGS_RECORDSET,
  scheduleRow,
  settingsRow,
} from './rows.js';
import { oneLine, serverOf } from './server.js';

/** Connections in the pool when `DATABASE_POOL_SIZE` is not set. */
export const DEFAULT_POOL_SIZE = 10;
/** How long opening a connection may take before it counts as a failure. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Outcomes recorded within this many ms of each other share one `UPDATE`. */
const OUTCOME_WINDOW_MS = 5;
/** At most this many outcomes in one `UPDATE`. */
const OUTCOME_BATCH_MAX = 500;
/** Records per statement when importing. */
const IMPORT_CHUNK = 1_000;

/**
 * The claim's and its retry's first CTE: one row per zone cutoff and platform of a {@link DueQuery},
 * from parameters $1–$4 ({@link dueCutoffParams}).
 */
const DUE_CUTOFFS = `WITH cutoffs AS (
         SELECT c.*, p.platform
         FROM unnest($1::text[], $2::date[], $3::text[]) AS c(timezone, date, cutoff_time)
         CROSS JOIN unnest($4::text[]) AS p(platform)
       )`;

/** Parameters $1–$4 of {@link DUE_CUTOFFS}. */
function dueCutoffParams(query: DueQuery): [string[], string[], string[], string[]] {
  return [
    query.cutoffs.map((c) => c.timezone),
    query.cutoffs.map((c) => c.date),
    query.cutoffs.map((c) => c.time),
    [...new Set(query.platforms)],
  ];
}

/** Options for {@link PostgresStore.open}. */
export interface PostgresStoreOptions {
  readonly logger: Logger;
  /** Connections in the pool (`DATABASE_POOL_SIZE`). @defaultValue {@link DEFAULT_POOL_SIZE} */
  readonly poolSize?: number;
  /**
   * The wire's store: one given, or one made on this store's pool (it is then flushed and closed
   * with the store, before the pool ends).
   */
  readonly wire: WireStore | ((pool: pg.Pool) => WireStore);
  /** How queries are retried when the connection is lost. @defaultValue {@link DEFAULT_RETRY} */
  readonly retry?: RetryPolicy;
  /** How outcomes are batched. @defaultValue 5 ms, 500 */
  readonly outcomeBatch?: Partial<OutcomeBatchOptions>;
}

/**
 * The {@link Store} on PostgreSQL, for operators who outgrow one machine: any number of Briefcast
 * processes may share one database. The schema is in `migrations/` (applied at open).
 *
 * - **Claims** are taken by one statement per page (`FOR UPDATE SKIP LOCKED` under the port's claim
 *   rule), so processes claiming at once never get the same delivery; progress, outcomes and pauses
 *   check the owner in their `WHERE`.
 * - **Outcomes** are written in batches ({@link OutcomeBatcher}): one `UPDATE … FROM` for the
 *   outcomes recorded within a few ms, each caller told whether its claim was held.
 * - **Nothing is held in memory** but the pool: every question is a query on an index, pages and
 *   counts included.
 * - **A lost connection** is retried with backoff ({@link RetryPolicy}), each query on its own, so
 *   the bot keeps answering what it can. Every write retried is idempotent: one retried after a
 *   commit whose answer was lost answers what the first attempt would have (006_idempotent_writes.sql).
 *   An item carries its call's key, a claim its page's token and an outcome its batch's token, so a
 *   retry finds the item, returns the page and counts the outcome recorded; a delete, a pause, a
 *   chat move and a sign-in link's use store their answer under their call's token ({@link Once});
 *   the upserts and the writes of absolute values (settings, preferences, runs, progress) are
 *   idempotent as they are.
 */
export class PostgresStore implements Store {
  readonly wire: WireStore;
  readonly #pool: pg.Pool;
  readonly #db: RetriedPool;
  readonly #log: Logger;
  readonly #outcomes: OutcomeBatcher;
  readonly #items: PostgresItems;
  readonly #desk: PostgresDesk;
  #closed = false;

  private constructor(pool: pg.Pool, options: PostgresStoreOptions) {
    this.#pool = pool;
    this.#log = options.logger;
    this.#db = new RetriedPool(pool, options.retry ?? DEFAULT_RETRY, options.logger);
    this.wire = typeof options.wire === 'function' ? options.wire(pool) : options.wire;
    const query: Query = (what, text, values) => this.#query(what, text, values);
    const once: Once = (what, work) => this.#once(what, work);
    this.#items = new PostgresItems(query, once);
    this.#desk = new PostgresDesk(query, once);
    this.#outcomes = new OutcomeBatcher((batch) => this.#writeOutcomes(batch), {
      windowMs: options.outcomeBatch?.windowMs ?? OUTCOME_WINDOW_MS,
      maxBatch: options.outcomeBatch?.maxBatch ?? OUTCOME_BATCH_MAX,
    });
  }

  /**
   * Connects to `url` (`DATABASE_URL`) and applies the migrations not yet applied.
   * @throws StoreError in one line naming host and port (never the password) when the database
   *   cannot be reached or its schema cannot be applied
   */
  static async open(url: string, options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? DEFAULT_POOL_SIZE,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      application_name: 'briefcast',
      // Dates come back as text (`claim_date::text`): ISO whatever the server's default DateStyle.
      options: '-c DateStyle=ISO,YMD',
    });
    // An idle connection that dies (server restart, pg_terminate_backend) is dropped by the pool; the
    // next query opens another. Without a listener the error would end the process.
    pool.on('error', (e) =>
      options.logger.warn({ err: { message: e.message } }, 'idle database connection lost'),
    );
    const server = serverOf(url);
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw new StoreError(`PostgreSQL at ${server} cannot be reached: ${oneLine(e, url)}`);
    }
    const onError = (e: Error) =>
      options.logger.warn({ err: { message: e.message } }, 'database connection lost');
    client.on('error', onError);
    try {
      await migrate(client, options.logger);
    } catch (e) {
      client.off('error', onError);
      client.release(true);
      await pool.end().catch(() => undefined);
      throw new StoreError(`PostgreSQL at ${server}: the schema could not be applied: ${oneLine(e, url)}`);
    }
    client.off('error', onError);
    client.release();
    options.logger.info(
      { server, poolSize: options.poolSize ?? DEFAULT_POOL_SIZE },
      'PostgreSQL store opened',
    );
    return new PostgresStore(pool, options);
  }

  #check(): void {
    if (this.#closed) throw new StoreError('the store is closed');
  }

  /** One statement, retried while the connection is lost. */
  async #query<R extends pg.QueryResultRow>(
    what: string,
    text: string,
    values?: unknown[],
    options: { readonly prepared?: boolean } = {},
  ): Promise<pg.QueryResult<R>> {
    this.#check();
    return this.#db.query<R>(what, text, values, options);
  }

  /** `work` in one transaction on one connection, all of it retried while the connection is lost. */
  async #transaction<T>(what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    this.#check();
    return this.#db.transaction(what, work);
  }

  /** `work` in one transaction whose answer a retry after a lost commit reads back ({@link Once}). */
  async #once<T>(what: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    this.#check();
    return this.#db.once(what, work);
  }

  // --- Items (PostgresItems) -------------------------------------------------------------

  addItem(fields: Omit<Item, 'id'>): Promise<Item> {
    return this.#items.addItem(fields);
  }

  replaceItem(item: Item): Promise<boolean> {
    return this.#items.replaceItem(item);
  }

  deleteItem(id: number): Promise<Item | undefined> {
    return this.#items.deleteItem(id);
  }

  getItem(id: number): Promise<Item | undefined> {
    return this.#items.getItem(id);
  }

  queryItems(query: ItemQuery): Promise<ItemPage> {
    return this.#items.queryItems(query);
  }

  searchItems(terms: readonly string[], limit: number): Promise<ItemPage> {
    return this.#items.searchItems(terms, limit);
  }

  topicStats(): Promise<TopicStats> {
    return this.#items.topicStats();
  }

  importItems(items: readonly Item[]): Promise<void> {
    return this.#items.importItems(items);
  }

  // --- Subscriptions ----------------------------------------------------------------------

  async #records(what: string, where: string, values: unknown[]): Promise<SubscriptionRecord[]> {
    const { rows } = await this.#query<RecordRow>(
      what,
      `SELECT ${RECORD_COLUMNS} FROM subscriptions s JOIN deliveries d USING (key) WHERE ${where} ORDER BY s.key`,
      values,
    );
    return rows.map(recordOf);
  }

  async getSubscription(key: string): Promise<SubscriptionRecord | undefined> {
    const [record] = await this.#records('getSubscription', 's.key = $1', [key]);
    return record;
  }

  async chatSubscriptions(chat: ChatId): Promise<readonly SubscriptionRecord[]> {
    return this.#records('chatSubscriptions', 's.chat_key = $1', [chatIdKey(chat)]);
  }

  async guildSubscriptions(guild: string): Promise<readonly SubscriptionRecord[]> {
    return this.#records('guildSubscriptions', 's.guild = $1', [guild]);
  }

  async subscriptionCounts(): Promise<SubscriptionCounts> {
    const { rows } = await this.#query<{ platform: string; status: 'active' | 'paused'; n: number }>(
      'subscriptionCounts',
      'SELECT platform, status, count(*)::int AS n FROM subscriptions GROUP BY platform, status',
    );
    const counts: Record<string, { active: number; paused: number }> = {};
    for (const row of rows) {
      counts[row.platform] ??= { active: 0, paused: 0 };
      counts[row.platform]![row.status] = row.n;
    }
    return counts;
  }

  async subscriptionPage(
    query: SubscriptionPageQuery,
  ): Promise<{ readonly records: readonly SubscriptionRecord[]; readonly total: number }> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (query.platform !== undefined) {
      values.push(query.platform);
      where.push(`s.platform = $${values.length}`);
    }
    if (query.status !== undefined) {
      values.push(query.status);
      where.push(`s.status = $${values.length}`);
    }
    const filter = where.length > 0 ? where.join(' AND ') : 'true';
    const pageWhere = query.after === undefined ? filter : `${filter} AND s.key > $${values.length + 1}`;
    const pageValues = query.after === undefined ? values : [...values, query.after];
    const [page, count] = await Promise.all([
      this.#query<RecordRow>(
        'subscriptionPage',
        `SELECT ${RECORD_COLUMNS} FROM subscriptions s JOIN deliveries d USING (key)
         WHERE ${pageWhere} ORDER BY s.key LIMIT ${Math.max(0, Math.floor(query.limit))}`,
        pageValues,
      ),
      this.#query<Counted>(
        'subscriptionPage',
        `SELECT count(*)::int AS n FROM subscriptions s WHERE ${filter}`,
        values,
      ),
    ]);
    return { records: page.rows.map(recordOf), total: count.rows[0]?.n ?? 0 };
  }

  /** Idempotent as it is: an upsert of the settings and of the schedule's copy. */
  async saveSubscription(settings: Subscription): Promise<void> {
    const s = settingsRow(settings);
    const d = scheduleRow(settings);
    // One statement: the settings row, and a delivery row made empty or with its schedule copy
    // brought up to date — its delivery record (claim included) left as it is.
    await this.#query(
      'saveSubscription',
      `WITH s AS (
         INSERT INTO subscriptions (key, platform, chat_key, guild, status, settings)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (key) DO UPDATE SET platform = EXCLUDED.platform, chat_key = EXCLUDED.chat_key,
           guild = EXCLUDED.guild, status = EXCLUDED.status, settings = EXCLUDED.settings
         RETURNING key
       )
       INSERT INTO deliveries (key, platform, timezone, delivery_time, active, start_date)
       SELECT key, $2, $7, $8, $9, $10 FROM s
       ON CONFLICT (key) DO UPDATE SET platform = EXCLUDED.platform, timezone = EXCLUDED.timezone,
         delivery_time = EXCLUDED.delivery_time, active = EXCLUDED.active, start_date = EXCLUDED.start_date`,
      [
        s.key,
        s.platform,
        s.chat_key,
        s.guild,
        s.status,
        JSON.stringify(settings),
        d.timezone,
        d.delivery_time,
        d.active,
        d.start_date,
      ],
    );
  }

  async deleteSubscription(key: string): Promise<boolean> {
    // Once: a retry after a lost commit would find nothing to delete and answer "none".
    return this.#once('deleteSubscription', async (client) => {
      const { rowCount } = await client.query('DELETE FROM subscriptions WHERE key = $1', [key]);
      return (rowCount ?? 0) > 0;
    });
  }

  async pauseSubscription(key: string, reason: string, at: string, owner?: string): Promise<boolean> {
    const paused = `status = 'paused', settings = s.settings || jsonb_build_object('status', 'paused', 'pausedReason', $2::text, 'updatedAt', $3::text)`;
    // Once: a retry after a lost commit would find the subscription paused (or its claim gone) and
    // answer that it did not pause.
    return this.#once('pauseSubscription', async (client) => {
      const { rowCount } =
        owner === undefined
          ? await client.query(
              `WITH p AS (UPDATE subscriptions s SET ${paused} WHERE s.key = $1 AND s.status = 'active' RETURNING s.key)
               UPDATE deliveries d SET last_error = $2, active = false FROM p WHERE d.key = p.key`,
              [key, reason, at],
            )
          : await client.query(
              `WITH p AS (
                 UPDATE deliveries d SET last_error = $2, active = false,
                   claim_owner = NULL, claim_date = NULL, claim_expires_at = NULL
                 WHERE d.key = $1 AND d.claim_owner = $4 RETURNING d.key
               )
               UPDATE subscriptions s SET ${paused} FROM p WHERE s.key = p.key`,
              [key, reason, at, owner],
            );
      return (rowCount ?? 0) > 0;
    });
  }

  async moveChat(from: ChatId, to: ChatId, at: string): Promise<readonly MovedSubscription[]> {
    const fromKey = chatIdKey(from);
    const toKey = chatIdKey(to);
    // Once: a retry after a lost commit would find the old chat empty and answer that it had none.
    return this.#once('moveChat', async (client) => {
      const { rows } = await client.query<{ settings: Subscription }>(
        'SELECT settings FROM subscriptions WHERE chat_key = $1 ORDER BY key FOR UPDATE',
        [fromKey],
      );
      const moved: MovedSubscription[] = [];
      for (const { settings } of rows) {
        const chat = { ...settings.chat, platform: to.platform, id: to.id };
        const key = chatKey(chat);
        if (fromKey === toKey) {
          moved.push({ from: key, to: key, kind: 'moved' });
          continue;
        }
        await movePrefs(client, settings.key, key);
        const there = await client.query('SELECT 1 FROM subscriptions WHERE key = $1 FOR UPDATE', [key]);
        if ((there.rowCount ?? 0) > 0) {
          await client.query('DELETE FROM subscriptions WHERE key = $1', [settings.key]);
          moved.push({ from: settings.key, to: key, kind: 'merged' });
          continue;
        }
        const next = settingsRow({ ...settings, key, chat, updatedAt: at });
        // The delivery row follows its key (ON UPDATE CASCADE), claim included.
        await client.query(
          `UPDATE subscriptions SET key = $2, platform = $3, chat_key = $4, guild = $5, settings = $6 WHERE key = $1`,
          [settings.key, key, next.platform, next.chat_key, next.guild, JSON.stringify(next.settings)],
        );
        await client.query('UPDATE deliveries SET platform = $2 WHERE key = $1', [key, next.platform]);
        moved.push({ from: settings.key, to: key, kind: 'moved' });
      }
      if (fromKey !== toKey) await movePrefs(client, fromKey, toKey);
      return moved;
    });
  }

  /** Idempotent as it is: upserts of whole records. */
  async importSubscriptions(records: readonly SubscriptionRecord[]): Promise<void> {
    // The last record of a key wins, as writing them one by one would have it.
    const byKey = new Map(records.map((r) => [r.settings.key, r]));
    const all = [...byKey.values()];
    for (let i = 0; i < all.length; i += IMPORT_CHUNK) {
      const chunk = all.slice(i, i + IMPORT_CHUNK);
      const settings = JSON.stringify(chunk.map((r) => settingsRow(r.settings)));
      const deliveries = JSON.stringify(chunk.map(deliveryRow));
      await this.#transaction('importSubscriptions', async (client) => {
        await client.query(
          `INSERT INTO subscriptions (key, platform, chat_key, guild, status, settings)
           SELECT key, platform, chat_key, guild, status, settings FROM jsonb_to_recordset($1::jsonb) AS x(${SETTINGS_RECORDSET})
           ON CONFLICT (key) DO UPDATE SET platform = EXCLUDED.platform, chat_key = EXCLUDED.chat_key,
             guild = EXCLUDED.guild, status = EXCLUDED.status, settings = EXCLUDED.settings`,
          [settings],
        );
        await client.query(
          `INSERT INTO deliveries (key, platform, timezone, delivery_time, active, start_date, cursor,
             last_digest_date, last_sent_at, sent, failed, last_error, retry_at, progress)
           SELECT key, platform, timezone, delivery_time, active, start_date, cursor, last_digest_date,
             last_sent_at, sent, failed, last_error, retry_at, progress
           FROM jsonb_to_recordset($1::jsonb) AS x(${DELIVERY_RECORDSET})
           ON CONFLICT (key) DO UPDATE SET platform = EXCLUDED.platform, timezone = EXCLUDED.timezone,
             delivery_time = EXCLUDED.delivery_time, active = EXCLUDED.active, start_date = EXCLUDED.start_date,
             cursor = EXCLUDED.cursor, last_digest_date = EXCLUDED.last_digest_date,
             last_sent_at = EXCLUDED.last_sent_at, sent = EXCLUDED.sent, failed = EXCLUDED.failed,
             last_error = EXCLUDED.last_error, retry_at = EXCLUDED.retry_at, progress = EXCLUDED.progress,
             claim_owner = NULL, claim_date = NULL, claim_expires_at = NULL`,
          [deliveries],
        );
      });
    }
  }

  async activeTimezones(): Promise<readonly string[]> {
    // A loose index scan: one probe of the due index per zone, not one row per subscription.
    const { rows } = await this.#query<{ timezone: string }>(
      'activeTimezones',
      `WITH RECURSIVE zones(timezone) AS (
         (SELECT timezone FROM deliveries WHERE active ORDER BY timezone LIMIT 1)
         UNION ALL
         SELECT (SELECT d.timezone FROM deliveries d WHERE d.active AND d.timezone > zones.timezone
                 ORDER BY d.timezone LIMIT 1)
         FROM zones WHERE zones.timezone IS NOT NULL
       )
       SELECT timezone FROM zones WHERE timezone IS NOT NULL`,
    );
    return rows.map((r) => r.timezone);
  }

  /**
   * One page of claims under a token made once for the call: a retry after a commit whose answer
   * was lost first returns the rows that commit claimed with it ({@link #claimedWith}); only when
   * there are none (the lost attempt did not commit) does it claim again. The claim statement takes
   * no row lock it would wait for (SKIP LOCKED), so by the retry's first wait it has ended.
   */
  async claimDue(query: DueQuery): Promise<readonly ClaimedDelivery[]> {
    this.#check();
    if (query.limit <= 0 || query.cutoffs.length === 0 || query.platforms.length === 0) return [];
    const token = randomUUID();
    let tried = false;
    const rows = await this.#db.run('claimDue', async () => {
      if (tried) {
        const claimed = await this.#claimedWith(query, token);
        if (claimed.length > 0) return claimed;
      }
      tried = true;
      return this.#claimPage(query, token);
    });
    return rows.map((row) => ({
      settings: row.settings,
      delivery: deliveryOf(row),
      date: row.due_date,
      language: row.language ?? undefined,
    }));
  }

  /** The claim statement of {@link claimDue}, one attempt, writing `token` with each claim. */
  async #claimPage(query: DueQuery, token: string): Promise<ClaimRow[]> {
    // One statement per page. The claim rule of the port is the WHERE clause; SKIP LOCKED passes over
    // rows another claimer has locked this instant, and a row changed since the scan began is
    // checked again against the WHERE before it is taken, so no two claimers get one delivery. Each
    // zone and platform is its own walk of the due index (LATERAL, in the index's order so the walk
    // stops as soon as the page is full), bounded by the row comparison: it ends at the cutoff rather
    // than reading on through the subscriptions due later that day (see 003_claim_path.sql). The
    // rows are updated by the ctid the walk locked them at (no second probe of the key's index): a
    // row locked by this statement cannot be moved by anyone else before its UPDATE. Not a prepared
    // statement: its generic plan, which knows neither the page size nor the zones, joins the page
    // to a hash of every row of deliveries by ctid (0.3–0.4 s a page instead of 20 ms, measured).
    const { rows } = await this.#pool.query<ClaimRow>(
      `${DUE_CUTOFFS}, due AS (
         SELECT d.ctid, d.key, c.date
         FROM cutoffs c
         CROSS JOIN LATERAL (
           SELECT d.ctid, d.key FROM deliveries d
           WHERE d.active AND d.timezone = c.timezone AND d.platform = c.platform
             AND (d.due_from, d.delivery_time) <= (c.date, c.cutoff_time)
             AND d.delivery_time <= c.cutoff_time
             AND (d.retry_at IS NULL OR d.retry_at <= $5::timestamptz)
             AND (d.claim_expires_at IS NULL OR d.claim_expires_at <= $5::timestamptz)
           ORDER BY d.due_from, d.delivery_time
           LIMIT $6
           FOR UPDATE SKIP LOCKED
         ) d
         LIMIT $6
       )
       UPDATE deliveries d SET claim_owner = $7, claim_date = due.date, claim_expires_at = $8::timestamptz,
         claim_token = $9::uuid
       FROM due
         JOIN subscriptions s ON s.key = due.key
         LEFT JOIN chat_prefs own ON own.chat_key = s.key
         LEFT JOIN chat_prefs chat ON chat.chat_key = s.chat_key
       WHERE d.ctid = due.ctid
       RETURNING ${RECORD_COLUMNS}, due.date::text AS due_date,
         coalesce(own.prefs->>'language', chat.prefs->>'language') AS language`,
      [...dueCutoffParams(query), query.now, query.limit, query.owner, query.expiresAt, token],
    );
    return rows;
  }

  /**
   * The rows claimed by `query.owner` under `token`: what a lost attempt of {@link claimDue}
   * committed. They are found by the same walks of the due index as the claim (a claim moves no
   * row out of its range), so a retry reads the zones' due rows, never the whole table.
   */
  async #claimedWith(query: DueQuery, token: string): Promise<ClaimRow[]> {
    const { rows } = await this.#pool.query<ClaimRow>(
      `${DUE_CUTOFFS}
       SELECT ${RECORD_COLUMNS}, d.claim_date::text AS due_date,
         coalesce(own.prefs->>'language', chat.prefs->>'language') AS language
       FROM cutoffs c
       CROSS JOIN LATERAL (
         SELECT d.* FROM deliveries d
         WHERE d.active AND d.timezone = c.timezone AND d.platform = c.platform
           AND (d.due_from, d.delivery_time) <= (c.date, c.cutoff_time)
           AND d.delivery_time <= c.cutoff_time
           AND d.claim_token = $5::uuid AND d.claim_owner = $6
       ) d
       JOIN subscriptions s ON s.key = d.key
       LEFT JOIN chat_prefs own ON own.chat_key = s.key
       LEFT JOIN chat_prefs chat ON chat.chat_key = s.chat_key`,
      [...dueCutoffParams(query), token, query.owner],
    );
    if (rows.length > 0)
      this.#log.info({ claimed: rows.length }, 'claims found already committed; returned to their owner');
    return rows;
  }

  /** Idempotent as it is: the progress is written whole and the claim kept, so a retry finds it held. */
  async recordProgress(key: string, owner: string, progress: DeliveryProgress): Promise<boolean> {
    const { rowCount } = await this.#query(
      'recordProgress',
      'UPDATE deliveries SET progress = $3 WHERE key = $1 AND claim_owner = $2',
      [key, owner, JSON.stringify(progress)],
      { prepared: true },
    );
    return (rowCount ?? 0) > 0;
  }

  async finishDelivery(key: string, owner: string, outcome: DeliveryOutcome): Promise<boolean> {
    this.#check();
    return this.#outcomes.add({ key, owner, outcome });
  }

  /**
   * Writes a batch of outcomes in one statement; returns the keys whose claim was held. Each row
   * written carries the batch's token (`outcome_token`), made once before the first attempt: a
   * retry after a commit whose answer was lost matches a row carrying it as well as a row whose
   * claim is still held, changes nothing in the first (every column keeps its value) and counts it
   * recorded. Were the first attempt still running on the server, the retry waits for its row locks
   * and then sees its rows with the token, so an outcome is never counted twice.
   */
  async #writeOutcomes(batch: readonly PendingOutcome[]): Promise<ReadonlySet<string>> {
    const sorted = [...batch].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    // One array per column (unnest), not a jsonb document: nothing for the server to parse but the
    // values themselves. Sorted by key, so two batches never lock rows in opposite orders.
    const keys: string[] = [];
    const owners: string[] = [];
    const kinds: string[] = [];
    const dates: (string | null)[] = [];
    const upTos: (string | null)[] = [];
    const ats: (string | null)[] = [];
    const reasons: (string | null)[] = [];
    const retryAts: (string | null)[] = [];
    for (const { key, owner, outcome } of sorted) {
      const done = outcome.kind === 'sent' || outcome.kind === 'empty';
      keys.push(key);
      owners.push(owner);
      kinds.push(outcome.kind);
      dates.push(done ? outcome.date : null);
      upTos.push(done ? outcome.upTo : null);
      ats.push(outcome.kind === 'sent' ? outcome.at : null);
      reasons.push(outcome.kind === 'failed' ? outcome.reason : null);
      retryAts.push(outcome.kind === 'failed' ? outcome.retryAt : null);
    }
    const done = `o.kind IN ('sent', 'empty')`;
    const token = randomUUID();
    /** `column = value`, unless the row already carries this batch's token (a retry): then as it is. */
    const set = (column: string, value: string) =>
      `${column} = CASE WHEN d.outcome_token = $9::uuid THEN d.${column} ELSE ${value} END`;
    const { rows: recorded } = await this.#db.query<{ key: string }>(
      'finishDelivery',
      `UPDATE deliveries d SET
         ${set('last_digest_date', `CASE WHEN ${done} THEN o.date ELSE d.last_digest_date END`)},
         ${set('cursor', `CASE WHEN ${done} THEN o.up_to ELSE d.cursor END`)},
         ${set('sent', `d.sent + CASE WHEN o.kind = 'sent' THEN 1 ELSE 0 END`)},
         ${set('last_sent_at', `CASE WHEN o.kind = 'sent' THEN o.at ELSE d.last_sent_at END`)},
         ${set('failed', `d.failed + CASE WHEN o.kind = 'failed' THEN 1 ELSE 0 END`)},
         ${set('last_error', `CASE WHEN o.kind = 'failed' THEN o.reason ELSE d.last_error END`)},
         ${set('retry_at', `CASE WHEN o.kind = 'failed' THEN o.retry_at WHEN o.kind = 'released' THEN d.retry_at END`)},
         ${set('progress', `CASE WHEN ${done} THEN NULL ELSE d.progress END`)},
         ${set('claim_owner', 'NULL')}, ${set('claim_date', 'NULL')}, ${set('claim_expires_at', 'NULL')},
         outcome_token = $9::uuid
       FROM unnest($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::text[], $7::text[],
         $8::timestamptz[]) AS o(key, owner, kind, date, up_to, at, reason, retry_at)
       WHERE d.key = o.key AND (d.claim_owner = o.owner OR d.outcome_token = $9::uuid)
       RETURNING d.key`,
      [keys, owners, kinds, dates, upTos, ats, reasons, retryAts, token],
      { prepared: true },
    );
    this.#log.debug({ outcomes: batch.length, recorded: recorded.length }, 'delivery outcomes written');
    return new Set(recorded.map((r) => r.key));
  }

  // --- Chat preferences -------------------------------------------------------------------

  async getChatPrefs(key: string): Promise<ChatPrefs | undefined> {
    const { rows } = await this.#query<{ prefs: ChatPrefs }>(
      'getChatPrefs',
      'SELECT prefs FROM chat_prefs WHERE chat_key = $1',
      [key],
    );
    return rows[0]?.prefs;
  }

  /** Idempotent as it is: an upsert. */
  async saveChatPrefs(key: string, prefs: ChatPrefs): Promise<void> {
    await this.#query(
      'saveChatPrefs',
      'INSERT INTO chat_prefs (chat_key, prefs) VALUES ($1, $2) ON CONFLICT (chat_key) DO UPDATE SET prefs = EXCLUDED.prefs',
      [key, JSON.stringify(prefs)],
    );
  }

  // --- Delivery runs ----------------------------------------------------------------------

  /** Idempotent as it is: a run is inserted once by its id, and the trim keeps the newest. */
  async addRun(run: DeliveryRun): Promise<void> {
    await this.#transaction('addRun', async (client) => {
      await client.query('INSERT INTO delivery_runs (id, run) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
        run.id,
        JSON.stringify(run),
      ]);
      await client.query(
        `DELETE FROM delivery_runs WHERE seq < (SELECT seq FROM delivery_runs ORDER BY seq DESC OFFSET $1 LIMIT 1)`,
        [KEPT_RUNS - 1],
      );
    });
  }

  async recentRuns(limit: number): Promise<readonly DeliveryRun[]> {
    const { rows } = await this.#query<{ run: DeliveryRun }>(
      'recentRuns',
      'SELECT run FROM (SELECT seq, run FROM delivery_runs ORDER BY seq DESC LIMIT $1) r ORDER BY seq',
      [Math.max(0, Math.floor(limit))],
    );
    return rows.map((r) => r.run);
  }

  // --- The desk (PostgresDesk) -----------------------------------------------------------

  addSignInToken(token: SignInToken): Promise<void> {
    return this.#desk.addSignInToken(token);
  }

  findSignInToken(hash: string): Promise<SignInToken | undefined> {
    return this.#desk.findSignInToken(hash);
  }

  useSignInToken(hash: string, now: string): Promise<TokenUse> {
    return this.#desk.useSignInToken(hash, now);
  }

  addSession(session: DeskSession): Promise<void> {
    return this.#desk.addSession(session);
  }

  getSession(hash: string): Promise<DeskSession | undefined> {
    return this.#desk.getSession(hash);
  }

  deleteSession(hash: string): Promise<boolean> {
    return this.#desk.deleteSession(hash);
  }

  purgeDesk(now: string): Promise<number> {
    return this.#desk.purgeDesk(now);
  }

  deskSigningKey(proposed: string): Promise<string> {
    return this.#desk.deskSigningKey(proposed);
  }

  // --- Lifecycle --------------------------------------------------------------------------

  /** Writes the outcomes still waiting for their batch, and the wire's changes. */
  async flush(): Promise<void> {
    await this.#outcomes.flush();
    await this.wire.flush();
  }

  /** Flushes, closes the wire's store and ends the pool. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    await this.wire.close();
    await this.#pool.end();
  }
}

/** A row of {@link PostgresStore.claimDue}: the record, the date it is claimed for, the chat's language. */
type ClaimRow = RecordRow & { due_date: string; language: string | null };

/** The preferences under `from` go to `to` unless it has its own; `from`'s are then gone. */
async function movePrefs(client: pg.PoolClient, from: string, to: string): Promise<void> {
  await client.query(
    `WITH old AS (DELETE FROM chat_prefs WHERE chat_key = $1 RETURNING prefs)
     INSERT INTO chat_prefs (chat_key, prefs) SELECT $2, prefs FROM old ON CONFLICT (chat_key) DO NOTHING`,
    [from, to],
  );
}

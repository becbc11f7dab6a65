import type pg from 'pg';
import { type Logger, silentLogger } from '../../log.js';
import { MAX_DECIDED_DRAFTS, MAX_WAITING_DRAFTS } from '../../wire/memory-store.js';
import type { Draft, DraftDecision, Feed, NewDraft } from '../../wire/model.js';
import {
  type DecideResult,
  type DraftPage,
  type DraftQuery,
  type FeedChanges,
  MAX_SEEN_KEYS_PER_FEED,
  type WireBatch,
  type WireStore,
} from '../../wire/store.js';
import { StoreError } from '../json-file.js';
import { RetriedPool } from './retried-pool.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';

/** A row of `wire_drafts` as selected (`id` is a bigint, which pg hands over as a string). */
interface DraftRow {
  readonly id: string;
  readonly state: Draft['state'];
  readonly doc: Omit<Draft, 'id' | 'state'>;
}

interface FeedRow {
  readonly id: string;
  readonly doc: Omit<Feed, 'id'>;
}

const toDraft = (row: DraftRow): Draft => ({ ...row.doc, id: Number(row.id), state: row.state });
const toFeed = (row: FeedRow): Feed => ({ ...row.doc, id: Number(row.id) });

/** A feed's or draft's stored JSON: everything but the columns of its own. */
function feedDoc(feed: Feed | Omit<Feed, 'id'>): string {
  const { id: _id, ...doc } = feed as Feed;
  return JSON.stringify(doc);
}
function draftDoc(draft: Draft | NewDraft): string {
  const { id: _id, state: _state, ...doc } = draft as Draft;
  return JSON.stringify(doc);
}

/** `changes` as a JSON object to merge and the keys to remove (those given as `undefined`). */
function splitChanges(changes: FeedChanges): { set: string; clear: string[] } {
  const clear = Object.entries(changes)
    .filter(([, value]) => value === undefined)
    .map(([key]) => key);
  return { set: JSON.stringify(changes), clear };
}

/** The wire's sequences, named in SQL as literals (a sequence name cannot be a parameter of `FROM`). */
const SEQUENCES = { feed: 'wire_feed_id', draft: 'wire_draft_id' } as const;

const DRAFT_COLUMNS = 'id, state, doc';

/**
 * The wire's store on PostgreSQL (schema: `migrations/002_wire.sql`), on a pool it is given and does
 * not own: the store that made the pool ends it. Every operation is one statement or one
 * transaction, so it is durable when its promise resolves ({@link flush} has nothing to write) and
 * safe with any number of processes on the same database:
 * - {@link recordPoll} locks the feed's row, so two polls of one feed run one after the other, and
 *   marks keys seen, stores drafts and updates the feed in one transaction;
 * - {@link decideDraft} is `UPDATE … WHERE state = 'waiting' RETURNING`: of two editors tapping at
 *   once on two processes, one row update wins and the other finds the draft decided;
 * - ids come from sequences, so they are never reused (a rolled-back poll may leave a gap);
 * - a lost connection is retried as the store's queries are ({@link RetryPolicy}), and every write
 *   retried is idempotent: a poll, a new feed, a feed's deletion and a decision store their answer
 *   under their call's token (`writeOnce`, 006_idempotent_writes.sql), so a retry after a commit
 *   whose answer was lost answers the same (the editor who tapped Publish gets the draft, not
 *   "taken"); the other writes set whole values (a feed's changes merged again, a draft's item, a
 *   cursor raised to at least) or undo only a decision still in place (`reopenDraft`).
 */
export class PostgresWireStore implements WireStore {
  readonly #pool: pg.Pool;
  readonly #db: RetriedPool;
  readonly #pending = new Set<Promise<unknown>>();
  #closed = false;

  /**
   * @param pool a pool on a database migrated by `migrate()` (`src/store/postgres/migrate.ts`)
   * @param options where retries are logged and how they wait (@defaultValue silent, {@link DEFAULT_RETRY})
   */
  constructor(pool: pg.Pool, options: { readonly logger?: Logger; readonly retry?: RetryPolicy } = {}) {
    this.#pool = pool;
    this.#db = new RetriedPool(pool, options.retry ?? DEFAULT_RETRY, options.logger ?? silentLogger, 'wire.');
  }

  /** Runs `work` as pending work that {@link close} waits for; refuses once closed. */
  #track<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new StoreError('The wire store is closed.'));
    const running = work();
    const settled = running.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
    return running;
  }

  addFeed(feed: Omit<Feed, 'id'>): Promise<Feed> {
    // Once: a retry after a lost commit would add the feed a second time.
    return this.#track(() =>
      this.#db.once('addFeed', async (client) => {
        const { rows } = await client.query<FeedRow>(
          'INSERT INTO wire_feeds (doc) VALUES ($1::jsonb) RETURNING id, doc',
          [feedDoc(feed)],
        );
        return toFeed(rows[0] as FeedRow);
      }),
    );
  }

  getFeed(id: number): Promise<Feed | undefined> {
    return this.#track(async () => {
      const { rows } = await this.#db.query<FeedRow>(
        'getFeed',
        'SELECT id, doc FROM wire_feeds WHERE id = $1',
        [id],
      );
      return rows[0] && toFeed(rows[0]);
    });
  }

  listFeeds(): Promise<readonly Feed[]> {
    // Feeds are the few an editor added by hand; the wire polls each, so it reads them all.
    return this.#track(async () => {
      const { rows } = await this.#db.query<FeedRow>(
        'listFeeds',
        'SELECT id, doc FROM wire_feeds ORDER BY id',
      );
      return rows.map(toFeed);
    });
  }

  /** Idempotent as it is: merging the same changes again leaves the same feed. */
  updateFeed(id: number, changes: FeedChanges): Promise<Feed | undefined> {
    return this.#track(async () => {
      const { set, clear } = splitChanges(changes);
      const { rows } = await this.#db.query<FeedRow>(
        'updateFeed',
        'UPDATE wire_feeds SET doc = (doc || $2::jsonb) - $3::text[] WHERE id = $1 RETURNING id, doc',
        [id, set, clear],
      );
      return rows[0] && toFeed(rows[0]);
    });
  }

  deleteFeed(id: number): Promise<boolean> {
    return this.#track(() =>
      // Once: a retry after a lost commit would find no feed and answer false.
      this.#db.once('deleteFeed', async (client) => {
        const { rowCount } = await client.query('DELETE FROM wire_feeds WHERE id = $1', [id]);
        if (!rowCount) return false;
        await client.query('DELETE FROM wire_seen WHERE feed_id = $1', [id]);
        await client.query("DELETE FROM wire_drafts WHERE feed_id = $1 AND state = 'waiting'", [id]);
        return true;
      }),
    );
  }

  unseenKeys(feedId: number, keys: readonly string[]): Promise<string[]> {
    return this.#track(async () => {
      const seen = await this.#db.run('unseenKeys', () => this.#seenAmong(this.#pool, feedId, keys));
      return [...new Set(keys)].filter((key) => !seen.has(key));
    });
  }

  async #seenAmong(
    db: pg.Pool | pg.PoolClient,
    feedId: number,
    keys: readonly string[],
  ): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const { rows } = await db.query<{ key: string }>(
      'SELECT key FROM wire_seen WHERE feed_id = $1 AND key = ANY($2::text[])',
      [feedId, keys],
    );
    return new Set(rows.map((r) => r.key));
  }

  /** Marks `keys` seen in their order (a key seen before keeps its place), then forgets the oldest. */
  async #markSeen(client: pg.PoolClient, feedId: number, keys: readonly string[]): Promise<void> {
    if (keys.length > 0)
      await client.query(
        `INSERT INTO wire_seen (feed_id, key)
         SELECT $1, k FROM unnest($2::text[]) WITH ORDINALITY AS t(k, n) ORDER BY n
         ON CONFLICT DO NOTHING`,
        [feedId, keys],
      );
    await client.query(
      `DELETE FROM wire_seen WHERE feed_id = $1 AND seen_order <= (
         SELECT seen_order FROM wire_seen WHERE feed_id = $1
         ORDER BY seen_order DESC OFFSET $2 LIMIT 1)`,
      [feedId, MAX_SEEN_KEYS_PER_FEED],
    );
  }

  recordPoll(
    feedId: number,
    keys: readonly string[],
    drafts: readonly NewDraft[],
    changes: FeedChanges,
  ): Promise<Draft[]> {
    // Once: a retry after a lost commit would find every key seen and return no drafts, so the
    // drafts stored would be neither announced as new nor published by an `auto` feed.
    return this.#track(() =>
      this.#db.once('recordPoll', async (client) => {
        // The feed's row lock puts two polls of one feed (two processes, say) one after the other.
        const feed = await client.query('SELECT 1 FROM wire_feeds WHERE id = $1 FOR UPDATE', [feedId]);
        if (feed.rowCount === 0) return [];
        const seen = await this.#seenAmong(
          client,
          feedId,
          drafts.map((d) => d.key),
        );
        const fresh: NewDraft[] = [];
        for (const draft of drafts) {
          if (seen.has(draft.key)) continue;
          seen.add(draft.key);
          fresh.push(draft);
        }
        await this.#markSeen(client, feedId, [...fresh.map((d) => d.key), ...keys]);
        let stored: Draft[] = [];
        if (fresh.length > 0) {
          const { rows } = await client.query<DraftRow>(
            `INSERT INTO wire_drafts (id, state, doc)
             SELECT nextval('wire_draft_id'), 'waiting', d
             FROM (SELECT d, n FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS t(d, n) ORDER BY n) AS o
             RETURNING ${DRAFT_COLUMNS}`,
            [`[${fresh.map(draftDoc).join(',')}]`],
          );
          stored = rows.map(toDraft).sort((a, b) => a.id - b.id);
        }
        const { set, clear } = splitChanges(changes);
        await client.query('UPDATE wire_feeds SET doc = (doc || $2::jsonb) - $3::text[] WHERE id = $1', [
          feedId,
          set,
          clear,
        ]);
        await this.#prune(client);
        return stored;
      }),
    );
  }

  /** Keeps the newest {@link MAX_WAITING_DRAFTS} waiting and {@link MAX_DECIDED_DRAFTS} decided drafts. */
  async #prune(client: pg.PoolClient): Promise<void> {
    await client.query(
      `DELETE FROM wire_drafts WHERE state = 'waiting' AND id <= (
         SELECT id FROM wire_drafts WHERE state = 'waiting' ORDER BY id DESC OFFSET $1 LIMIT 1)`,
      [MAX_WAITING_DRAFTS],
    );
    await client.query(
      `DELETE FROM wire_drafts WHERE state <> 'waiting' AND id <= (
         SELECT id FROM wire_drafts WHERE state <> 'waiting' ORDER BY id DESC OFFSET $1 LIMIT 1)`,
      [MAX_DECIDED_DRAFTS],
    );
  }

  getDraft(id: number): Promise<Draft | undefined> {
    return this.#track(async () => {
      const { rows } = await this.#db.query<DraftRow>(
        'getDraft',
        `SELECT ${DRAFT_COLUMNS} FROM wire_drafts WHERE id = $1`,
        [id],
      );
      return rows[0] && toDraft(rows[0]);
    });
  }

  listDrafts(query: DraftQuery): Promise<DraftPage> {
    return this.#track(async () => {
      // Ids are positive; 0 and no upper bound stand for "no cursor" (the index serves either way).
      const after = query.afterId ?? 0;
      const before = query.beforeId ?? null;
      const { rows } = await this.#db.query<DraftRow & { total: string }>(
        'listDrafts',
        `WITH matching AS (
           SELECT ${DRAFT_COLUMNS} FROM wire_drafts
           WHERE state = $1 AND id > $2 AND ($3::bigint IS NULL OR id < $3::bigint))
         SELECT m.*, (SELECT count(*) FROM matching) AS total
         FROM (SELECT 1) AS one
         LEFT JOIN LATERAL (SELECT * FROM matching ORDER BY id DESC LIMIT $4) AS m ON true`,
        [query.state, after, before, query.limit],
      );
      const total = Number(rows[0]?.total ?? 0);
      return { drafts: rows.filter((r) => r.id !== null).map(toDraft), total };
    });
  }

  decideDraft(id: number, decision: DraftDecision): Promise<DecideResult> {
    const fields = {
      decidedBy: decision.by,
      decidedAt: decision.at,
      ...(decision.auto && { auto: true }),
      ...(decision.topic !== undefined && { topic: decision.topic }),
    };
    // Once: a retry after a lost commit would find the draft decided and answer "taken", and the
    // editor's Publish would then store no item.
    return this.#track(() =>
      this.#db.once('decideDraft', async (client): Promise<DecideResult> => {
        const { rows } = await client.query<DraftRow>(
          `UPDATE wire_drafts SET state = $2, doc = doc || $3::jsonb
           WHERE id = $1 AND state = 'waiting' RETURNING ${DRAFT_COLUMNS}`,
          [id, decision.state, JSON.stringify(fields)],
        );
        if (rows[0]) return { ok: true, draft: toDraft(rows[0]) };
        const { rows: found } = await client.query<DraftRow>(
          `SELECT ${DRAFT_COLUMNS} FROM wire_drafts WHERE id = $1`,
          [id],
        );
        return found[0] ? { ok: false, draft: toDraft(found[0]) } : { ok: false };
      }),
    );
  }

  /** Idempotent as it is: sets the item's id. */
  setDraftItem(id: number, itemId: number): Promise<void> {
    return this.#track(async () => {
      await this.#db.query(
        'setDraftItem',
        "UPDATE wire_drafts SET doc = doc || jsonb_build_object('itemId', $2::bigint) WHERE id = $1",
        [id, itemId],
      );
    });
  }

  /** Idempotent as it is: undoes only the decision still in place, so a second run finds none. */
  reopenDraft(id: number, decision: DraftDecision): Promise<void> {
    return this.#track(async () => {
      await this.#db.query(
        'reopenDraft',
        `UPDATE wire_drafts SET state = 'waiting', doc = doc - 'decidedBy' - 'decidedAt' - 'auto'
         WHERE id = $1 AND state = $2 AND doc ->> 'decidedAt' = $3`,
        [id, decision.state, decision.at],
      );
    });
  }

  notifiedUpTo(editor: string): Promise<number> {
    return this.#track(async () => {
      const { rows } = await this.#db.query<{ draft_id: string }>(
        'notifiedUpTo',
        'SELECT draft_id FROM wire_editor_cursors WHERE editor = $1',
        [editor],
      );
      return Number(rows[0]?.draft_id ?? 0);
    });
  }

  /** Idempotent as it is: the cursor is raised to at least `draftId`. */
  setNotifiedUpTo(editor: string, draftId: number): Promise<void> {
    return this.#track(async () => {
      await this.#db.query(
        'setNotifiedUpTo',
        `INSERT INTO wire_editor_cursors (editor, draft_id) VALUES ($1, $2)
         ON CONFLICT (editor) DO UPDATE SET draft_id = greatest(wire_editor_cursors.draft_id, EXCLUDED.draft_id)`,
        [editor, draftId],
      );
    });
  }

  async *exportWire(pageSize: number): AsyncIterable<WireBatch> {
    const next = await this.#track(async () => {
      const { rows } = await this.#db.query<{ feed: string | null; draft: string | null }>(
        'exportWire',
        `SELECT pg_sequence_last_value('${SEQUENCES.feed}') AS feed, pg_sequence_last_value('${SEQUENCES.draft}') AS draft`,
      );
      return { feed: Number(rows[0]?.feed ?? 0) + 1, draft: Number(rows[0]?.draft ?? 0) + 1 };
    });
    yield { kind: 'ids', nextFeedId: next.feed, nextDraftId: next.draft };
    // Keyset pages: each query starts after the last row of the one before.
    for (let after = 0; ; ) {
      const { rows } = await this.#track(() =>
        this.#db.query<FeedRow>(
          'exportWire',
          'SELECT id, doc FROM wire_feeds WHERE id > $1 ORDER BY id LIMIT $2',
          [after, pageSize],
        ),
      );
      if (rows.length === 0) break;
      const feeds = rows.map(toFeed);
      yield { kind: 'feeds', feeds };
      after = (feeds.at(-1) as Feed).id;
    }
    for (let feedAfter = 0; ; ) {
      const { rows: feedRows } = await this.#track(() =>
        this.#db.query<{ feed_id: string }>(
          'exportWire',
          'SELECT DISTINCT feed_id FROM wire_seen WHERE feed_id > $1 ORDER BY feed_id LIMIT 1',
          [feedAfter],
        ),
      );
      if (!feedRows[0]) break;
      const feedId = Number(feedRows[0].feed_id);
      for (let orderAfter = '0'; ; ) {
        const { rows } = await this.#track(() =>
          this.#db.query<{ key: string; seen_order: string }>(
            'exportWire',
            `SELECT key, seen_order FROM wire_seen WHERE feed_id = $1 AND seen_order > $2
             ORDER BY seen_order LIMIT $3`,
            [feedId, orderAfter, pageSize],
          ),
        );
        if (rows.length === 0) break;
        yield { kind: 'seen', feedId, keys: rows.map((r) => r.key) };
        orderAfter = (rows.at(-1) as { seen_order: string }).seen_order;
      }
      feedAfter = feedId;
    }
    for (let after = 0; ; ) {
      const { rows } = await this.#track(() =>
        this.#db.query<DraftRow>(
          'exportWire',
          `SELECT ${DRAFT_COLUMNS} FROM wire_drafts WHERE id > $1 ORDER BY id LIMIT $2`,
          [after, pageSize],
        ),
      );
      if (rows.length === 0) break;
      const drafts = rows.map(toDraft);
      yield { kind: 'drafts', drafts };
      after = (drafts.at(-1) as Draft).id;
    }
    for (let after = ''; ; ) {
      const { rows } = await this.#track(() =>
        this.#db.query<{ editor: string; draft_id: string }>(
          'exportWire',
          'SELECT editor, draft_id FROM wire_editor_cursors WHERE editor COLLATE "C" > $1 ORDER BY editor COLLATE "C" LIMIT $2',
          [after, pageSize],
        ),
      );
      if (rows.length === 0) break;
      yield {
        kind: 'cursors',
        cursors: rows.map((r) => ({ editor: r.editor, draftId: Number(r.draft_id) })),
      };
      after = (rows.at(-1) as { editor: string }).editor;
    }
  }

  importWire(batch: WireBatch): Promise<void> {
    return this.#track(() =>
      // Idempotent as it is: upserts, seen keys inserted once, sequences only raised.
      this.#db.transaction('importWire', async (client) => {
        switch (batch.kind) {
          case 'ids':
            await this.#raise(client, SEQUENCES.feed, batch.nextFeedId - 1);
            await this.#raise(client, SEQUENCES.draft, batch.nextDraftId - 1);
            return;
          case 'feeds':
            if (batch.feeds.length === 0) return;
            await client.query(
              `INSERT INTO wire_feeds (id, doc)
               SELECT (f ->> 'id')::bigint, f - 'id' FROM jsonb_array_elements($1::jsonb) AS t(f)
               ON CONFLICT (id) DO UPDATE SET doc = EXCLUDED.doc`,
              [JSON.stringify(batch.feeds)],
            );
            await this.#raise(client, SEQUENCES.feed, Math.max(...batch.feeds.map((f) => f.id)));
            return;
          case 'seen':
            await this.#markSeen(client, batch.feedId, batch.keys);
            return;
          case 'drafts':
            if (batch.drafts.length === 0) return;
            await client.query(
              `INSERT INTO wire_drafts (id, state, doc)
               SELECT (d ->> 'id')::bigint, d ->> 'state', d - 'id' - 'state'
               FROM jsonb_array_elements($1::jsonb) AS t(d)
               ON CONFLICT (id) DO UPDATE SET state = EXCLUDED.state, doc = EXCLUDED.doc`,
              [JSON.stringify(batch.drafts)],
            );
            await this.#raise(client, SEQUENCES.draft, Math.max(...batch.drafts.map((d) => d.id)));
            await this.#prune(client);
            return;
          case 'cursors':
            if (batch.cursors.length === 0) return;
            await client.query(
              `INSERT INTO wire_editor_cursors (editor, draft_id)
               SELECT c ->> 'editor', (c ->> 'draftId')::bigint FROM jsonb_array_elements($1::jsonb) AS t(c)
               ON CONFLICT (editor) DO UPDATE SET draft_id = EXCLUDED.draft_id`,
              [JSON.stringify(batch.cursors)],
            );
            return;
        }
      }),
    );
  }

  /** Moves a sequence so the next id it gives is above `largest` (never back). */
  async #raise(client: pg.PoolClient, sequence: string, largest: number): Promise<void> {
    await client.query(
      `SELECT setval('${sequence}', $1::bigint)
       WHERE $1::bigint > coalesce(pg_sequence_last_value('${sequence}'), 0)`,
      [largest],
    );
  }

  /** Every write is committed when its promise resolves. */
  async flush(): Promise<void> {
    await Promise.all(this.#pending);
  }

  /** Waits for the operations under way and refuses new ones; the pool is its owner's to end. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#pending);
  }
}

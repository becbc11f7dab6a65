import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/store/postgres/migrate.js';
import { PostgresWireStore } from '../../src/store/postgres/wire-store.js';
import type { WireStore } from '../../src/wire/store.js';
import { freshDatabase } from '../helpers/postgres.js';
import { wireStoreContract } from './store-contract.js';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/**
 * A pool ended after the file. Dropping the database at the end ends the connections the pool is
 * still closing; an idle connection's error is the pool's to report, and there it is expected.
 */
function endedPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  cleanups.push(() => pool.end());
  return pool;
}

/** A new database with the schema applied, and a pool on it. */
async function migratedPool(): Promise<{ pool: pg.Pool; url: string }> {
  const db = await freshDatabase();
  cleanups.push(db.drop);
  const pool = endedPool(db.url, 4);
  const client = await pool.connect();
  try {
    await migrate(client);
  } finally {
    client.release();
  }
  return { pool, url: db.url };
}

const pools = new WeakMap<WireStore, pg.Pool>();

wireStoreContract(
  'PostgreSQL',
  async () => {
    const { pool } = await migratedPool();
    const store = new PostgresWireStore(pool);
    pools.set(store, pool);
    return store;
  },
  async (store) => {
    await store.close();
    const pool = pools.get(store)!;
    const again = new PostgresWireStore(pool);
    pools.set(again, pool);
    return again;
  },
);

const EDITOR = { platform: 'console' as const, id: 'local', name: 'Ed' };
const OTHER = { platform: 'telegram' as const, id: '42', name: 'Rita' };
const AT = '2026-11-30T02:00:00.000Z';
/** The feed each race is about. */
const NEW_FEED = {
  url: 'https://news.example.org/rss',
  auto: false,
  status: 'active',
  addedBy: EDITOR,
  addedAt: AT,
  failures: 0,
  entriesSeen: 0,
} as const;

describe('the wire on PostgreSQL', () => {
  it('gives a draft to one of two editors deciding at once on two processes', async () => {
    const { pool, url } = await migratedPool();
    const second = endedPool(url, 2);
    const a = new PostgresWireStore(pool);
    const b = new PostgresWireStore(second);
    const feed = await a.addFeed(NEW_FEED);
    const drafts = await a.recordPoll(
      feed.id,
      [],
      Array.from({ length: 20 }, (_, i) => ({
        feedId: feed.id,
        key: `k${i}`,
        headline: `Headline ${i}`,
        body: 'Body.',
        createdAt: AT,
      })),
      {},
    );
    // Twenty races, so one that happened to run one after the other does not pass for the rest.
    for (const draft of drafts) {
      const results = await Promise.all([
        a.decideDraft(draft.id, { state: 'published', by: EDITOR, at: AT }),
        b.decideDraft(draft.id, { state: 'skipped', by: OTHER, at: AT }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const winner = results.find((r) => r.ok)!.draft;
      const loser = results.find((r) => !r.ok)!;
      expect(loser.draft).toEqual(winner);
    }
    expect((await b.listDrafts({ state: 'waiting', limit: 1 })).total).toBe(0);
  });

  it('stores a draft once when two processes record the same poll at once', async () => {
    const { pool, url } = await migratedPool();
    const a = new PostgresWireStore(pool);
    const b = new PostgresWireStore(endedPool(url, 2));
    const feed = await a.addFeed(NEW_FEED);
    const keys = Array.from({ length: 30 }, (_, i) => `k${i}`);
    const drafts = keys.map((key) => ({ feedId: feed.id, key, headline: key, body: 'Body.', createdAt: AT }));
    const [one, two] = await Promise.all([
      a.recordPoll(feed.id, keys, drafts, { entriesSeen: 30 }),
      b.recordPoll(feed.id, keys, drafts, { entriesSeen: 30 }),
    ]);
    expect(one.length + two.length).toBe(30);
    expect([one.length, two.length]).toContain(0);
    const page = await a.listDrafts({ state: 'waiting', limit: 100 });
    expect(page.total).toBe(30);
    expect(new Set(page.drafts.map((d) => d.key)).size).toBe(30);
  });

  it('keeps the store closed after close(), waiting for the work under way', async () => {
    const { pool } = await migratedPool();
    const store = new PostgresWireStore(pool);
    const adding = store.setNotifiedUpTo('telegram:1', 3);
    await store.close();
    await expect(adding).resolves.toBeUndefined();
    await expect(store.notifiedUpTo('telegram:1')).rejects.toThrow('The wire store is closed.');
    // The pool is not the wire's: it still serves its owner.
    expect((await pool.query('SELECT draft_id FROM wire_editor_cursors')).rows).toEqual([{ draft_id: '3' }]);
  });
});

import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../helpers/postgres.js';

describe('the test PostgreSQL server', () => {
  const dbs: Array<{ drop(): Promise<void> }> = [];
  afterAll(async () => {
    for (const db of dbs) await db.drop();
  });

  it('gives each caller an empty database of its own on loopback', async () => {
    const a = await freshDatabase();
    const b = await freshDatabase();
    dbs.push(a, b);
    expect(a.name).not.toBe(b.name);
    expect(new URL(a.url).hostname).toBe('127.0.0.1');
    const client = new pg.Client({ connectionString: a.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ db: string; n: string }>(
        "SELECT current_database() AS db, count(*) AS n FROM pg_tables WHERE schemaname = 'public'",
      );
      expect(rows[0]).toEqual({ db: a.name, n: '0' });
    } finally {
      await client.end();
    }
  });
});

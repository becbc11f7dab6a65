/**
 * A database of its own for a test file (or a test) on the run's PostgreSQL server
 * (`test/setup/postgres.ts`).
 */
import pg from 'pg';
import { inject } from 'vitest';

let made = 0;

/** A new, empty database; `drop()` removes it (closing whoever is still connected). */
export async function freshDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const admin = inject('postgresUrl');
  made += 1;
  const name = `t_${process.pid}_${Date.now().toString(36)}_${made}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

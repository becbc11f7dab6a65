/**
 * The PostgreSQL schema: plain SQL files in `migrations/` (`NNN_name.sql`, applied in name order),
 * run by node-pg-migrate at every start. Each start applies what is new in one transaction, under an
 * advisory lock (so processes starting together do not race), and records each file in
 * `briefcast_migrations`; a file already recorded is never run again, so a migration once released is
 * never edited — a change is a new file.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type { ClientBase } from 'pg';
import type { Logger } from '../../log.js';

/**
 * The folder of the migration files for the module at `moduleUrl`: `src/store/postgres/migrations`
 * under the project (the nearest folder above holding `package.json`), so the built bot
 * (`dist/src/…`, where `tsc` leaves no `.sql` file) reads the same files as `npm start`.
 */
export function migrationsDir(moduleUrl: string | URL): string {
  let dir = path.dirname(fileURLToPath(moduleUrl));
  // Bounded by the depth of the path: each turn moves one folder up until the root.
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'src', 'store', 'postgres', 'migrations');
}

/** The folder of the migration files. */
export const MIGRATIONS_DIR = migrationsDir(import.meta.url);
/** Where applied migrations are recorded. */
export const MIGRATIONS_TABLE = 'briefcast_migrations';

/** Applies every migration not yet recorded, in one transaction; returns the names applied. */
export async function migrate(client: ClientBase, logger?: Logger): Promise<string[]> {
  const applied = await runner({
    dbClient: client,
    dir: MIGRATIONS_DIR,
    direction: 'up',
    migrationsTable: MIGRATIONS_TABLE,
    singleTransaction: true,
    checkOrder: true,
    // A process starting while another applies the schema waits for it (the default, 'fail', would
    // stop the second of two processes started together).
    advisoryLockMode: 'wait',
    verbose: false,
    log: (message) => logger?.debug({ message }, 'migration'),
  });
  const names = applied.map((m) => m.name);
  if (names.length > 0) logger?.info({ migrations: names }, 'database schema updated');
  return names;
}

import type { Config } from '../config.js';
import type { Store } from '../core/store.js';
import type { Logger } from '../log.js';
import { LowdbStore } from './lowdb.js';

/**
 * Opens the store the configuration names: PostgreSQL when `DATABASE_URL` is set (its module, and
 * `pg` with it, loaded only then), else the embedded lowdb store at `DATABASE_FILE`.
 * @throws StoreError in one line when the store cannot be opened (a database that is down, a data
 *   file that cannot be read)
 */
export async function openStore(config: Config, options: { readonly logger: Logger }): Promise<Store> {
  if (config.database === undefined) return LowdbStore.open(config.databaseFile, options);
  const [{ PostgresStore }, { PostgresWireStore }] = await Promise.all([
    import('./postgres/store.js'),
    import('./postgres/wire-store.js'),
  ]);
  // The wire's tables are on the same database and pool (migrations/002_wire.sql), so every process
  // sharing DATABASE_URL sees one wire.
  return PostgresStore.open(config.database.url, {
    logger: options.logger,
    poolSize: config.database.poolSize,
    wire: (pool) => new PostgresWireStore(pool, { logger: options.logger }),
  });
}

import { afterAll } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { PostgresWireStore } from '../../src/store/postgres/wire-store.js';
import { freshDatabase } from '../helpers/postgres.js';
import { describeStoreContract } from './contract.js';

const databases: Array<{ drop(): Promise<void> }> = [];
// A database per test (the wire's contract included): dropping some seventy takes a while on a busy machine.
afterAll(async () => {
  for (const db of databases.splice(0)) await db.drop();
}, 120_000);

// A database of its own for every test: the suite asks for an empty store each time.
describeStoreContract('PostgresStore', async () => {
  const db = await freshDatabase();
  databases.push(db);
  return PostgresStore.open(db.url, { logger: silentLogger, wire: (pool) => new PostgresWireStore(pool) });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { LowdbStore } from '../../src/store/lowdb.js';
import { openStore } from '../../src/store/open.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { freshDatabase } from '../helpers/postgres.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'briefcast-open-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'db.json');
}

describe('openStore', () => {
  it('opens lowdb at DATABASE_FILE when DATABASE_URL is not set', async () => {
    const store = await openStore(loadConfig({ DATABASE_FILE: dataFile() }), { logger: silentLogger });
    cleanups.push(() => store.close());
    expect(store).toBeInstanceOf(LowdbStore);
  });

  it('opens PostgreSQL when DATABASE_URL is set, with its schema applied', async () => {
    const db = await freshDatabase();
    cleanups.push(() => db.drop());
    const config = loadConfig({ DATABASE_URL: db.url, DATABASE_POOL_SIZE: '2', DATABASE_FILE: dataFile() });
    const store = await openStore(config, { logger: silentLogger });
    cleanups.push(() => store.close());
    expect(store).toBeInstanceOf(PostgresStore);
    await store.saveChatPrefs('telegram:1', { language: 'zh-CN' });
    expect(await store.getChatPrefs('telegram:1')).toEqual({ language: 'zh-CN' });
    expect(await store.wire.listFeeds()).toEqual([]);
  });
});

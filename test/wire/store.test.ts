import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/json-file.js';
import { JsonWireStore, wireFileFor } from '../../src/wire/json-store.js';
import { MemoryWireStore } from '../../src/wire/memory-store.js';
import type { WireStore } from '../../src/wire/store.js';
import { wireStoreContract } from './store-contract.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'wire-store-'));
  dirs.push(dir);
  return dir;
}
const paths = new WeakMap<WireStore, string>();

wireStoreContract('memory', async () => new MemoryWireStore());
wireStoreContract(
  'JSON file',
  async () => {
    const path = join(await freshDir(), 'db.wire.json');
    const store = await JsonWireStore.open(path);
    paths.set(store, path);
    return store;
  },
  async (store) => {
    await store.close();
    const path = paths.get(store)!;
    const again = await JsonWireStore.open(path);
    paths.set(again, path);
    return again;
  },
);

describe('the wire file', () => {
  it('lies beside DATABASE_FILE', () => {
    expect(wireFileFor('data/db.json')).toBe('data/db.wire.json');
    expect(wireFileFor('/var/lib/briefcast/store')).toBe('/var/lib/briefcast/store.wire.json');
  });

  it('is written a moment after a change, in one compact JSON file', async () => {
    const path = join(await freshDir(), 'db.wire.json');
    const store = await JsonWireStore.open(path);
    await store.addFeed({
      url: 'https://a.example/rss',
      auto: false,
      status: 'active',
      addedBy: { platform: 'console', id: 'local', name: 'Ed' },
      addedAt: '2026-11-30T02:00:00.000Z',
      failures: 0,
      entriesSeen: 0,
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: 1, nextFeedId: 2 });
    await store.close();
  });

  it('refuses a file that is not the wire’s, and leaves it untouched', async () => {
    const path = join(await freshDir(), 'db.wire.json');
    for (const content of ['{not json', '{"version":2}', '[]']) {
      await writeFile(path, content);
      await expect(JsonWireStore.open(path)).rejects.toThrow(StoreError);
      expect(await readFile(path, 'utf8')).toBe(content);
    }
    await expect(JsonWireStore.open(path)).rejects.toThrow(`Wire file ${path}`);
  });
});

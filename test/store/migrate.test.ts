import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { StoreLayout } from '../../src/store/layout.js';
import { LowdbStore, StoreError } from '../../src/store/lowdb.js';
import { sampleSub } from '../helpers/fixtures.js';

const author = { platform: 'console', id: 'e', name: 'Editor' } as const;
const item = (id: number, publishedAt: string) => ({
  id,
  topic: id % 2 ? 'mining' : 'nft',
  headline: `Item ${id}`,
  body: '链上 body',
  author,
  publishedAt,
  updatedAt: publishedAt,
});
const run = {
  id: 'run-1',
  startedAt: '2026-01-02T08:00:00.000Z',
  finishedAt: '2026-01-02T08:00:01.000Z',
  due: 1,
  sent: 1,
  empty: 0,
  failed: 0,
  paused: 0,
  byPlatform: { telegram: { sent: 1, failed: 0, paused: 0 } },
};

/** A schema-1 data file as Briefcast 0.1 wrote it: one file with everything, and its journal. */
const v1 = {
  schema: 1,
  seq: 3,
  nextItemId: 4,
  items: [
    item(1, '2025-12-31T23:00:00.000Z'),
    item(2, '2026-01-01T01:00:00.000Z'),
    item(3, '2026-01-02T01:00:00.000Z'),
  ],
  subscriptions: [
    sampleSub('telegram:1'),
    sampleSub('telegram:2', {
      claim: { date: '2026-11-29', owner: 'old', expiresAt: '2999-01-01T00:00:00.000Z' },
    }),
  ],
  runs: [run],
};

let dir: string;
let file: string;
let layout: StoreLayout;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefcast-migrate-'));
  file = path.join(dir, 'db.json');
  layout = new StoreLayout(file);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = () => LowdbStore.open(file, { logger: silentLogger, writeDelayMs: 50, shards: 4 });

describe('converting a schema-1 data file', () => {
  it('reads it, journal included, and writes it in the current layout, keeping a copy of the old file', async () => {
    const original = JSON.stringify(v1);
    writeFileSync(file, original);
    // Changes after the file's last write: one already in it (seq 3), two not.
    const journal = [
      { seq: 3, change: { op: 'itemDeleted', id: 1 } },
      {
        seq: 4,
        change: { op: 'item', item: { ...item(2, '2026-01-01T01:00:00.000Z'), headline: 'Edited' } },
      },
      { seq: 5, change: { op: 'subscription', sub: sampleSub('telegram:3') } },
    ];
    writeFileSync(layout.legacyJournal, journal.map((l) => `${JSON.stringify(l)}\n`).join(''));

    const store = await open();
    expect((await store.getItem(1))?.headline).toBe('Item 1');
    expect((await store.getItem(2))?.headline).toBe('Edited');
    expect((await store.queryItems({})).total).toBe(3);
    expect((await store.listSubscriptions()).map((s) => s.key).sort()).toEqual([
      'telegram:1',
      'telegram:2',
      'telegram:3',
    ]);
    expect((await store.getSubscription('telegram:2'))?.claim).toBeUndefined();
    expect(await store.recentRuns(5)).toEqual([run]);
    expect((await store.addItem({ ...item(0, '2026-01-03T00:00:00.000Z'), topic: 'policy' })).id).toBe(4);
    await store.close();

    expect(readFileSync(layout.legacyBackup, 'utf8')).toBe(original);
    expect(existsSync(layout.legacyJournal)).toBe(false);
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    expect(manifest).toMatchObject({ schema: 3, nextItemId: 5, months: ['2025-12', '2026-01'] });
    expect(JSON.parse(readFileSync(layout.month('2025-12'), 'utf8')).items).toHaveLength(1);

    const again = await open();
    expect((await again.queryItems({ topics: ['nft'] })).items.map((i) => i.headline)).toEqual(['Edited']);
    await again.close();
  });

  it('converts again after a crash in the middle of a conversion (the old file is replaced last)', async () => {
    writeFileSync(file, JSON.stringify(v1));
    // A conversion that died after writing some files: stale files beside a schema-1 manifest.
    writeFileSync(layout.month('2026-01'), '{"schema":2,"month":"2026-01","items":[]}');
    const store = await open();
    expect((await store.queryItems({})).total).toBe(3);
    await store.close();
  });

  it('refuses a schema-1 file that is not Briefcast data, leaving it untouched', async () => {
    const content = '{"schema":1,"items":"nope"}';
    writeFileSync(file, content);
    await expect(open()).rejects.toThrow(StoreError);
    expect(readFileSync(file, 'utf8')).toBe(content);
    expect(existsSync(layout.legacyBackup)).toBe(false);
  });
});

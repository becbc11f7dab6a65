import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { LowdbStore, StoreError } from '../../src/store/lowdb.js';
import { sampleSub } from '../helpers/fixtures.js';

const author = { platform: 'console', id: 'e', name: 'Editor' } as const;
const item = (n: number) => ({
  topic: 'mining',
  headline: `Item ${n}`,
  body: '链上 body',
  author,
  publishedAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
  updatedAt: new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString(),
});

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefcast-store-'));
  file = path.join(dir, 'db.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (writeDelayMs = 50) => LowdbStore.open(file, { logger: silentLogger, writeDelayMs });

describe('LowdbStore', () => {
  it('keeps data across a restart', async () => {
    const store = await open();
    await store.addItem(item(1));
    await store.saveSubscription(sampleSub());
    await store.close();
    const again = await open();
    expect((await again.getItem(1))?.headline).toBe('Item 1');
    expect(await again.getSubscription('telegram:1')).toMatchObject({ status: 'active' });
    expect((await again.addItem(item(2))).id).toBe(2);
    await again.close();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ schema: 1, nextItemId: 3 });
  });

  it('writes a burst of changes as one write of the data file', async () => {
    const store = await open(100);
    for (let i = 1; i <= 200; i++) await store.saveSubscription(sampleSub(`telegram:${i}`));
    // Nothing written yet: the batch is waiting for its delay.
    expect(store.writes).toBe(0);
    expect(() => readFileSync(file, 'utf8')).toThrow();
    await store.flush();
    await store.flush();
    expect(store.writes).toBe(1);
    expect(JSON.parse(readFileSync(file, 'utf8')).subscriptions).toHaveLength(200);
    await store.close();
  });

  it('loses no change when the process dies before the batch is written (journal replay)', async () => {
    const store = await open(60_000);
    await store.addItem(item(1));
    await store.saveSubscription(sampleSub());
    await store.finishDelivery('telegram:1', 'nobody', { lastDigestDate: 'x' }); // no claim: not recorded
    // Simulate kill -9: no flush, no close. The journal already holds every change.
    const journal = readFileSync(`${file}.journal`, 'utf8').trim().split('\n');
    expect(journal).toHaveLength(2);
    const reopened = await open();
    expect((await reopened.getItem(1))?.headline).toBe('Item 1');
    expect(await reopened.getSubscription('telegram:1')).toBeDefined();
    await reopened.close();
    expect(readFileSync(`${file}.journal`, 'utf8')).toBe('');
  });

  it('ignores a half-written last journal line', async () => {
    const store = await open(60_000);
    await store.addItem(item(1));
    writeFileSync(`${file}.journal`, `${readFileSync(`${file}.journal`, 'utf8')}{"seq":2,"chan`);
    const reopened = await open();
    expect((await reopened.getItem(1))?.headline).toBe('Item 1');
    await reopened.close();
  });

  it('releases delivery claims left by a previous process', async () => {
    const store = await open();
    await store.saveSubscription(sampleSub());
    await store.claimDelivery(
      'telegram:1',
      { date: '2026-11-29', owner: 'dead', expiresAt: '2999-01-01T00:00:00.000Z' },
      '2026-11-29T08:00:00.000Z',
    );
    await store.close();
    const reopened = await open();
    expect((await reopened.getSubscription('telegram:1'))?.claim).toBeUndefined();
    await reopened.close();
  });

  it.each([
    ['truncated JSON', '{"schema":1,"items":[', /is not valid JSON/],
    ['an empty file', '', /is not valid JSON/],
    ['another program’s JSON', '{"hello":"world"}', /is not a Briefcast data file/],
    [
      'a newer schema',
      '{"schema":2,"seq":0,"nextItemId":1,"items":[],"subscriptions":[],"runs":[]}',
      /schema version 2/,
    ],
  ])('refuses %s, naming the file, and leaves it exactly as it was', async (_what, content, message) => {
    writeFileSync(file, content);
    const error = await open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(file);
    expect(readFileSync(file, 'utf8')).toBe(content);
  });

  it('refuses a corrupt journal line in the middle', async () => {
    writeFileSync(`${file}.journal`, 'garbage\n{"seq":1}\n');
    await expect(open()).rejects.toThrow(/line 1 is corrupt/);
  });
});

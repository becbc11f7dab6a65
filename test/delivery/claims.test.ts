import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store.js';
import { Claims, RETRY_AFTER_FAILURE_MS } from '../../src/delivery/claims.js';
import { silentLogger } from '../../src/log.js';
import { LowdbStore } from '../../src/store/lowdb.js';
import { MemoryStore } from '../../src/store/memory.js';
import { simulateCrash } from '../helpers/crash.js';
import { sampleSub } from '../helpers/fixtures.js';

const NOW = new Date('2026-11-29T08:00:00Z');
const DATE = '2026-11-29';
const CUTOFFS = [{ timezone: 'UTC', date: DATE, time: '08:00' }];
const PROGRESS = { date: DATE, upTo: '2026-11-29T08:00:00.000Z', partsSent: 1 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefcast-claims-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const stores: [string, () => Promise<Store>][] = [
  ['MemoryStore', async () => new MemoryStore()],
  [
    'LowdbStore',
    () => LowdbStore.open(path.join(dir, 'db.json'), { logger: silentLogger, writeDelayMs: 10 }),
  ],
];

describe.each(stores)('delivery records on a %s', (_name, open) => {
  it('records progress only for the claim holder, keeping the claim', async () => {
    const store = await open();
    await store.saveSubscription(sampleSub('telegram:1'));
    const mine = new Claims(store, 'A');
    expect(await mine.progress('telegram:1', PROGRESS)).toBe(false);
    expect(await mine.page(CUTOFFS, 'telegram', 10, NOW)).toHaveLength(1);
    expect(await new Claims(store, 'B').progress('telegram:1', PROGRESS)).toBe(false);
    expect(await mine.progress('telegram:1', PROGRESS)).toBe(true);
    const sub = await store.getSubscription('telegram:1');
    expect(sub?.delivery).toMatchObject({ progress: PROGRESS, claim: { owner: 'A', date: DATE } });
    expect(await mine.sent('telegram:1', DATE, PROGRESS.upTo, NOW)).toBe(true);
    const done = (await store.getSubscription('telegram:1'))?.delivery;
    expect(done?.progress).toBeUndefined();
    expect(done?.claim).toBeUndefined();
    expect(done).toMatchObject({ lastDigestDate: DATE, sent: 1, lastSentAt: NOW.toISOString() });
    await store.close();
  });

  it('holds a failed delivery off until the next tick', async () => {
    const store = await open();
    await store.saveSubscription(sampleSub('telegram:1'));
    const claims = new Claims(store, 'A');
    await claims.page(CUTOFFS, 'telegram', 10, NOW);
    expect(await claims.failed('telegram:1', 'network', NOW)).toBe(true);
    const later = new Date(NOW.getTime() + RETRY_AFTER_FAILURE_MS - 1);
    expect(await claims.page(CUTOFFS, 'telegram', 10, later)).toHaveLength(0);
    const nextTick = new Date(NOW.getTime() + 60_000);
    expect(await claims.page(CUTOFFS, 'telegram', 10, nextTick)).toHaveLength(1);
    await store.close();
  });

  it('moves a claimed subscription to a new chat, keeping the claim there', async () => {
    const store = await open();
    await store.saveSubscription(sampleSub('telegram:-1', { chatKind: 'group' }));
    const claims = new Claims(store, 'A');
    const [claimed] = await claims.page(CUTOFFS, 'telegram', 10, NOW);
    const moved = await claims.move(claimed!, { platform: 'telegram', id: '-1001' }, NOW);
    expect(moved.kind).toBe('moved');
    expect(await store.getSubscription('telegram:-1')).toBeUndefined();
    const record = await store.getSubscription('telegram:-1001');
    expect(record?.settings).toMatchObject({
      chat: { platform: 'telegram', id: '-1001' },
      chatKind: 'group',
    });
    expect(record?.delivery.claim).toMatchObject({ owner: 'A' });
    expect(await claims.sent('telegram:-1001', DATE, NOW.toISOString(), NOW)).toBe(true);
    await store.close();
  });

  it('drops the old subscription when the new chat already has one', async () => {
    const store = await open();
    await store.saveSubscription(sampleSub('telegram:-1'));
    await store.saveSubscription(sampleSub('telegram:-1001', { time: '09:00' }));
    const claims = new Claims(store, 'A');
    const [claimed] = await claims.page(CUTOFFS, 'telegram', 10, NOW);
    expect(claimed?.settings.key).toBe('telegram:-1');
    expect(await claims.move(claimed!, { platform: 'telegram', id: '-1001' }, NOW)).toEqual({
      kind: 'merged',
    });
    expect(await store.getSubscription('telegram:-1')).toBeUndefined();
    expect((await store.getSubscription('telegram:-1001'))?.settings).toMatchObject({ time: '09:00' });
    await store.close();
  });

  it('moves nothing for a claim it no longer holds', async () => {
    const store = await open();
    await store.saveSubscription(sampleSub('telegram:-1'));
    const claims = new Claims(store, 'A');
    const [claimed] = await claims.page(CUTOFFS, 'telegram', 10, NOW);
    await store.deleteSubscription('telegram:-1');
    await store.saveSubscription(sampleSub('telegram:-1'));
    expect(await claims.move(claimed!, { platform: 'telegram', id: '-1001' }, NOW)).toEqual({ kind: 'lost' });
    expect(await store.getSubscription('telegram:-1')).toBeDefined();
    await store.close();
  });
});

describe('delivery progress in the lowdb store', () => {
  it('survives a crash: reopened, the claim is gone and the progress kept', async () => {
    const file = path.join(dir, 'db.json');
    // A long write delay: nothing reaches the data file, only the journal — as after kill -9.
    const store = await LowdbStore.open(file, { logger: silentLogger, writeDelayMs: 60_000 });
    await store.saveSubscription(sampleSub('telegram:1'));
    const claims = new Claims(store, 'A');
    await claims.page(CUTOFFS, 'telegram', 10, NOW);
    await claims.progress('telegram:1', PROGRESS);
    simulateCrash(file);
    const reopened = await LowdbStore.open(file, { logger: silentLogger });
    const sub = await reopened.getSubscription('telegram:1');
    expect(sub?.delivery.progress).toEqual(PROGRESS);
    expect(sub?.delivery.claim).toBeUndefined();
    await reopened.close();
    await store.close();
  });
});

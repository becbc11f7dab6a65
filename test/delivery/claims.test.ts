import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store.js';
import { Claims } from '../../src/delivery/claims.js';
import { silentLogger } from '../../src/log.js';
import { LowdbStore } from '../../src/store/lowdb.js';
import { MemoryStore } from '../../src/store/memory.js';
import { sampleSub } from '../helpers/fixtures.js';

const NOW = new Date('2026-11-29T08:00:00Z');
const PROGRESS = { date: '2026-11-29', upTo: '2026-11-29T08:00:00.000Z', partsSent: 1 };

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
    expect(await mine.take('telegram:1', '2026-11-29', NOW)).toBeDefined();
    expect(await new Claims(store, 'B').progress('telegram:1', PROGRESS)).toBe(false);
    expect(await mine.progress('telegram:1', PROGRESS)).toBe(true);
    const sub = await store.getSubscription('telegram:1');
    expect(sub).toMatchObject({ progress: PROGRESS, claim: { owner: 'A', date: '2026-11-29' } });
    expect(await mine.sent(sub!, '2026-11-29', PROGRESS.upTo, NOW)).toBe(true);
    const done = await store.getSubscription('telegram:1');
    expect(done?.progress).toBeUndefined();
    expect(done?.claim).toBeUndefined();
    expect(done).toMatchObject({ lastDigestDate: '2026-11-29', stats: { sent: 1 } });
    await store.close();
  });

  it('moves a claimed subscription to a new chat, keeping the claim there', async () => {
    const store = await open();
    await store.saveSubscription(sampleSub('telegram:-1', { chatKind: 'group' }));
    const claims = new Claims(store, 'A');
    const claimed = (await claims.take('telegram:-1', '2026-11-29', NOW))!;
    const moved = await claims.move(claimed, { platform: 'telegram', id: '-1001' }, NOW);
    expect(moved.kind).toBe('moved');
    expect(await store.getSubscription('telegram:-1')).toBeUndefined();
    expect(await store.getSubscription('telegram:-1001')).toMatchObject({
      chat: { platform: 'telegram', id: '-1001' },
      chatKind: 'group',
      claim: { owner: 'A' },
    });
    await store.close();
  });

  it('drops the old subscription when the new chat already has one', async () => {
    const store = await open();
    await store.saveSubscription(sampleSub('telegram:-1'));
    await store.saveSubscription(sampleSub('telegram:-1001', { time: '09:00' }));
    const claims = new Claims(store, 'A');
    const claimed = (await claims.take('telegram:-1', '2026-11-29', NOW))!;
    expect(await claims.move(claimed, { platform: 'telegram', id: '-1001' }, NOW)).toEqual({
      kind: 'merged',
    });
    expect(await store.getSubscription('telegram:-1')).toBeUndefined();
    expect(await store.getSubscription('telegram:-1001')).toMatchObject({ time: '09:00' });
    await store.close();
  });
});

describe('delivery progress in the lowdb store', () => {
  it('survives a crash: reopened, the claim is released and the progress kept', async () => {
    const file = path.join(dir, 'db.json');
    // A long write delay: nothing reaches the data file, only the journal — as after kill -9.
    const store = await LowdbStore.open(file, { logger: silentLogger, writeDelayMs: 60_000 });
    await store.saveSubscription(sampleSub('telegram:1'));
    const claims = new Claims(store, 'A');
    await claims.take('telegram:1', '2026-11-29', NOW);
    await claims.progress('telegram:1', PROGRESS);
    const reopened = await LowdbStore.open(file, { logger: silentLogger });
    const sub = await reopened.getSubscription('telegram:1');
    expect(sub?.progress).toEqual(PROGRESS);
    expect(sub?.claim).toBeUndefined();
    await reopened.close();
    await store.close();
  });
});

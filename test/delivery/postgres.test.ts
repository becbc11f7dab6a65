import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { MemoryWireStore } from '../../src/wire/memory-store.js';
import { freshDatabase } from '../helpers/postgres.js';
import { FakeSender } from './fake-sender.js';
import { makeDelivery, subscribe } from './harness.js';

const databases: Array<{ drop(): Promise<void> }> = [];
let stores: PostgresStore[] = [];
afterEach(async () => {
  for (const store of stores) await store.close();
  stores = [];
});
afterAll(async () => {
  for (const db of databases.splice(0)) await db.drop();
});

async function openOn(url: string): Promise<PostgresStore> {
  const store = await PostgresStore.open(url, {
    logger: silentLogger,
    poolSize: 4,
    wire: new MemoryWireStore(),
  });
  stores.push(store);
  return store;
}

describe('delivery on PostgreSQL', () => {
  it('delivers every due digest once through the real engine, pausing a chat that is gone', async () => {
    const db = await freshDatabase();
    databases.push(db);
    const store = await openOn(db.url);
    const { engine, sender } = await makeDelivery({ store, now: '2022-01-11T08:00:00Z' });
    const keys = Array.from({ length: 120 }, (_, i) => `telegram:${i + 1}`);
    for (const key of keys) await subscribe(store, key);
    sender.script('telegram:7', { kind: 'gone', reason: 'bot was blocked by the user' });
    const run = await engine.tick();
    expect(run).toMatchObject({ due: 120, sent: 119, paused: 1, failed: 0 });
    expect(new Set(sender.delivered().map((s) => s.chat.id)).size).toBe(119);
    expect((await store.getSubscription('telegram:1'))?.delivery).toMatchObject({
      lastDigestDate: '2022-01-11',
      sent: 1,
    });
    expect((await store.getSubscription('telegram:7'))?.settings).toMatchObject({
      status: 'paused',
      pausedReason: 'bot was blocked by the user',
    });
    expect(await engine.tick()).toMatchObject({ due: 0 });
    expect(sender.delivered()).toHaveLength(119);
    expect(await store.subscriptionCounts()).toEqual({ telegram: { active: 119, paused: 1 } });
  });

  it('gives each chat one digest when two processes tick at once on one database', async () => {
    const db = await freshDatabase();
    databases.push(db);
    const a = await makeDelivery({ store: await openOn(db.url), senders: [new FakeSender('telegram')] });
    const b = await makeDelivery({ store: await openOn(db.url), senders: [new FakeSender('telegram')] });
    const keys = Array.from({ length: 200 }, (_, i) => `telegram:${i + 1}`);
    for (const key of keys) await subscribe(a.store, key);
    const [runA, runB] = await Promise.all([a.engine.tick(), b.engine.tick()]);
    expect((runA?.sent ?? 0) + (runB?.sent ?? 0)).toBe(200);
    const chats = [...a.sender.delivered(), ...b.sender.delivered()].map((s) => s.chat.id);
    expect(chats).toHaveLength(200);
    expect(new Set(chats).size).toBe(200);
    const page = await b.store.subscriptionPage({ limit: 500 });
    expect(page.records.every((r) => r.delivery.sent === 1 && r.delivery.claim === undefined)).toBe(true);
  });
});

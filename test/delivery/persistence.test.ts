import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/log.js';
import { LowdbStore } from '../../src/store/lowdb.js';
import { simulateCrash } from '../helpers/crash.js';
import { FakeSender } from './fake-sender.js';
import { makeDelivery, subscribe } from './harness.js';

const MINUTE = 60_000;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefcast-delivery-'));
  file = path.join(dir, 'db.json');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (writeDelayMs = 50) => LowdbStore.open(file, { logger: silentLogger, writeDelayMs });

describe('delivery across restarts', () => {
  it('keeps each chat’s language: a Chinese chat still gets a Chinese digest after a restart (and a forum topic its group’s)', async () => {
    const first = await makeDelivery({ store: await open() });
    await subscribe(first.store, 'telegram:1');
    await subscribe(first.store, 'telegram:-100', {
      chat: { platform: 'telegram', id: '-100', thread: '7' },
      key: 'telegram:-100#7',
    });
    await subscribe(first.store, 'telegram:2');
    await first.newsroom.languages.setLanguage({ platform: 'telegram', id: '1' }, 'zh-CN');
    await first.newsroom.languages.setLanguage({ platform: 'telegram', id: '-100' }, 'zh-CN');
    await first.store.close();

    const second = await makeDelivery({ store: await open() });
    expect(await second.newsroom.languages.languageOf({ platform: 'telegram', id: '1' })).toBe('zh-CN');
    expect(
      await second.newsroom.languages.languageOf({ platform: 'telegram', id: '-100', thread: '7' }),
    ).toBe('zh-CN');
    expect(await second.engine.tick()).toMatchObject({ sent: 3 });
    const textTo = (id: string) => second.sender.sends.find((s) => s.chat.id === id)!.part.text;
    expect(textTo('1')).toContain('你的 BRIEFCAST 摘要');
    expect(textTo('-100')).toContain('你的 BRIEFCAST 摘要');
    expect(textTo('2')).toContain('YOUR BRIEFCAST DIGEST');
    await second.store.close();
  });

  it('delivers nothing again after a restart (a new engine on the reopened store)', async () => {
    const first = await makeDelivery({ store: await open() });
    await subscribe(first.store, 'telegram:1');
    expect(await first.engine.tick()).toMatchObject({ sent: 1 });
    await first.engine.stop();
    await first.store.close();

    const second = await makeDelivery({ store: await open(), now: '2022-01-11T08:05:00Z' });
    expect(second.engine.owner).not.toBe(first.engine.owner);
    expect(await second.engine.tick()).toMatchObject({ due: 0, sent: 0 });
    expect(second.sender.sends).toHaveLength(0);
    expect(await second.store.recentRuns(5)).toHaveLength(1);
    await second.store.close();
  });

  it('delivers nothing again after a crash once the outcome was recorded (journal, no data-file write)', async () => {
    const crashed = await open(60_000);
    const first = await makeDelivery({ store: crashed });
    await subscribe(first.store, 'telegram:1');
    expect(await first.engine.tick()).toMatchObject({ sent: 1 });
    expect(crashed.writes).toBe(0);
    // The process "dies" here: no flush, no close. A new process opens the same file.
    simulateCrash(file);
    const second = await makeDelivery({ store: await open(), now: '2022-01-11T08:05:00Z' });
    expect(await second.engine.tick()).toMatchObject({ due: 0, sent: 0 });
    expect(second.sender.sends).toHaveLength(0);
    await second.store.close();
    await crashed.close();
  });

  it('resumes a multi-part digest after a crash at the first part not sent', async () => {
    const crashed = await open(60_000);
    const sender = new FakeSender('telegram', { partsPerDoc: 3 });
    const first = await makeDelivery({ store: crashed, senders: [sender] });
    await subscribe(first.store, 'telegram:1');
    sender.scriptPart(
      'telegram:1',
      2,
      ...Array.from({ length: 4 }, () => ({ kind: 'transient' as const, reason: 'ECONNRESET' })),
    );
    expect(await first.engine.tick()).toMatchObject({ failed: 1 });
    expect(sender.delivered().map((s) => s.part.index)).toEqual([0, 1]);

    simulateCrash(file);
    const again = new FakeSender('telegram', { partsPerDoc: 3 });
    const second = await makeDelivery({ store: await open(), senders: [again], now: '2022-01-11T08:30:00Z' });
    expect(await second.engine.tick()).toMatchObject({ sent: 1 });
    expect(again.delivered().map((s) => s.part.index)).toEqual([2]);
    expect(again.delivered()[0]?.part).toEqual(sender.sends.at(-1)?.part);
    await second.store.close();
    await crashed.close();
  });

  it('batches outcome writes: a fan-out to 500 chats writes the data file a handful of times', async () => {
    const store = await open(50);
    const { engine, sender } = await makeDelivery({ store, concurrency: 50 });
    await store.flush();
    const before = store.writes;
    for (let i = 0; i < 500; i++) await subscribe(store, `telegram:${i}`);
    expect(await engine.tick()).toMatchObject({ due: 500, sent: 500 });
    await store.flush();
    const writes = store.writes - before;
    expect(sender.delivered()).toHaveLength(500);
    // 500 saves + 500 outcomes + 1 run record (claims are not written): a few batched writes, not 1,001.
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThanOrEqual(5);
    await store.close();
    const reopened = await open();
    const subs = reopened.allSubscriptions();
    expect(subs.filter((s) => s.delivery.lastDigestDate === '2022-01-11')).toHaveLength(500);
    await reopened.close();
  });
});

describe('shutdown', () => {
  it('lets sends in flight finish and records them; starts no new delivery', async () => {
    const slow = new FakeSender('telegram', { delayMs: 150 });
    const store = await open();
    const { engine } = await makeDelivery({ store, senders: [slow], concurrency: 3 });
    for (let i = 0; i < 10; i++) await subscribe(store, `telegram:${i}`);
    const run = engine.tick();
    for (let i = 0; i < 100 && slow.inFlight < 3; i++) await new Promise((r) => setTimeout(r, 5));
    expect(slow.inFlight).toBe(3);
    await engine.stop();
    expect(slow.inFlight).toBe(0);
    // Claimed a page (three) at a time and one ahead: the first page went out, the one ahead was
    // given back (due counts what was claimed, so the run says three were not started).
    expect(await run).toMatchObject({ due: 6, sent: 3 });
    expect(await engine.tick()).toBeUndefined();
    await store.close();

    const reopened = await open();
    const subs = reopened.allSubscriptions();
    expect(
      subs
        .filter((s) => s.delivery.lastDigestDate === '2022-01-11')
        .map((s) => s.settings.key)
        .sort(),
    ).toEqual(
      slow
        .delivered()
        .map((s) => `telegram:${s.chat.id}`)
        .sort(),
    );
    expect(subs.every((s) => s.delivery.claim === undefined)).toBe(true);
    // The other seven go out after the restart.
    const next = await makeDelivery({ store: reopened, now: '2022-01-11T08:01:00Z' });
    expect(await next.engine.tick()).toMatchObject({ due: 7, sent: 7 });
    await reopened.close();
  });

  it('stops a delivery waiting to retry instead of sitting out its backoff', async () => {
    const { engine, store, sender } = await makeDelivery({
      engine: { retry: { backoffBaseMs: 60_000, backoffMaxMs: 60_000 } },
    });
    await subscribe(store, 'telegram:1');
    sender.script('telegram:1', { kind: 'transient', reason: '503' });
    const run = engine.tick();
    for (let i = 0; i < 100 && sender.sends.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const started = performance.now();
    await engine.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await run).toMatchObject({ failed: 1 });
    const sub = (await store.getSubscription('telegram:1'))?.delivery;
    expect(sub?.claim).toBeUndefined();
    expect(sub?.lastDigestDate).toBeUndefined();
    expect(sub?.failed).toBe(0);
  });

  it('returns after its timeout when a send hangs', async () => {
    const stuck = new FakeSender('telegram', { delayMs: 5_000 });
    const { engine, store } = await makeDelivery({ senders: [stuck], engine: { stopTimeoutMs: 100 } });
    await subscribe(store, 'telegram:1');
    void engine.tick();
    for (let i = 0; i < 100 && stuck.inFlight === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const started = performance.now();
    await engine.stop();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('ticks after a failure', () => {
  it('keeps retrying a failing chat each minute without touching the others', async () => {
    const { engine, store, sender, clock } = await makeDelivery();
    await subscribe(store, 'telegram:1');
    await subscribe(store, 'telegram:2');
    sender.script(
      'telegram:1',
      ...Array.from({ length: 8 }, () => ({ kind: 'transient' as const, reason: 'ETIMEDOUT' })),
    );
    expect(await engine.tick()).toMatchObject({ due: 2, sent: 1, failed: 1 });
    clock.advance(MINUTE);
    expect(await engine.tick()).toMatchObject({ due: 1, failed: 1 });
    clock.advance(MINUTE);
    expect(await engine.tick()).toMatchObject({ due: 1, sent: 1 });
    expect(
      sender
        .delivered()
        .map((s) => s.chat.id)
        .sort(),
    ).toEqual(['1', '2']);
  });
});

import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { DIGEST_MAX_ITEMS } from '../../src/core/digest.js';
import { DeliveryEngine } from '../../src/delivery/engine.js';
import { digestNonce } from '../../src/delivery/outcomes.js';
import { silentLogger } from '../../src/log.js';
import { FakeSender } from './fake-sender.js';
import { makeDelivery, postAt, subscribe } from './harness.js';

const MINUTE = 60_000;

describe('delivery engine', () => {
  it('delivers a subscription due now once, moving its cursor and counting it', async () => {
    const { engine, store, sender } = await makeDelivery({ now: '2022-01-11T08:00:00Z' });
    await subscribe(store, 'telegram:1');
    const run = await engine.tick();
    expect(run).toMatchObject({ due: 1, sent: 1, empty: 0, failed: 0, paused: 0 });
    expect(run?.byPlatform.telegram).toEqual({ sent: 1, failed: 0, paused: 0 });
    expect(sender.delivered()).toHaveLength(1);
    expect(sender.sends[0]?.options).toMatchObject({ kind: 'digest', chatKind: 'private' });
    expect(sender.sends[0]?.part.headlines).toHaveLength(4);
    const sub = await store.getSubscription('telegram:1');
    expect(sub?.delivery).toEqual({
      lastDigestDate: '2022-01-11',
      cursor: '2022-01-11T08:00:00.000Z',
      sent: 1,
      failed: 0,
      lastSentAt: '2022-01-11T08:00:00.000Z',
    });
    expect(await store.recentRuns(1)).toEqual([run]);
    expect(await engine.tick()).toMatchObject({ due: 0, sent: 0 });
    expect(sender.sends).toHaveLength(1);
    // A tick with nothing due is not kept: /stats shows runs that did something.
    expect(await store.recentRuns(5)).toEqual([run]);
  });

  it('delivers once when the bot was down at 08:00 and starts at 10:00', async () => {
    const { engine, store, sender, clock } = await makeDelivery({ now: '2022-01-11T10:00:00Z' });
    await subscribe(store, 'telegram:1', { time: '08:00' });
    expect(await engine.tick()).toMatchObject({ due: 1, sent: 1 });
    for (let i = 0; i < 30; i++) {
      clock.advance(MINUTE);
      await engine.tick();
    }
    expect(sender.sends).toHaveLength(1);
  });

  it('sends nothing and marks the day done when there is nothing new', async () => {
    const { engine, store, sender } = await makeDelivery({ now: '2022-01-12T08:00:00Z' });
    await subscribe(store, 'telegram:1', { cursor: '2022-01-11T08:00:00.000Z' });
    expect(await engine.tick()).toMatchObject({ due: 1, sent: 0, empty: 1 });
    expect(sender.sends).toHaveLength(0);
    expect((await store.getSubscription('telegram:1'))?.delivery).toMatchObject({
      lastDigestDate: '2022-01-12',
      cursor: '2022-01-12T08:00:00.000Z',
      sent: 0,
    });
  });

  it('starts tomorrow when the subscription is made after today’s time', async () => {
    const { engine, newsroom, sender, clock } = await makeDelivery({ now: '2022-01-11T09:00:00Z' });
    const info = { chat: { platform: 'telegram', id: '7' }, kind: 'private' } as const;
    await newsroom.subscribe(
      info,
      { platform: 'telegram', id: '7', name: 'Ann' },
      { time: '08:00', timezone: 'UTC' },
      clock.now(),
    );
    expect(await engine.tick()).toMatchObject({ due: 0, sent: 0 });
    clock.set('2022-01-12T07:59:00Z');
    expect(await engine.tick()).toMatchObject({ due: 0, sent: 0 });
    clock.set('2022-01-12T08:00:00Z');
    expect(await engine.tick()).toMatchObject({ due: 1, sent: 1 });
    expect(sender.sends).toHaveLength(1);
  });

  it('gives a chat back after a week one digest, capped at 25 items', async () => {
    const { engine, store, sender } = await makeDelivery({ now: '2022-01-18T08:00:00Z' });
    await subscribe(store, 'telegram:1', {
      cursor: '2022-01-11T08:00:00.000Z',
      lastDigestDate: '2022-01-11',
    });
    for (let i = 0; i < 40; i++) {
      await postAt(
        store,
        new Date(Date.parse('2022-01-11T09:00:00Z') + i * 4 * 3_600_000).toISOString(),
        `Week item ${i}`,
      );
    }
    expect(await engine.tick()).toMatchObject({ due: 1, sent: 1 });
    expect(sender.sends).toHaveLength(1);
    const part = sender.sends[0]!.part;
    expect(part.headlines).toHaveLength(DIGEST_MAX_ITEMS);
    expect(part.headlines[0]).toBe('Week item 39');
    expect(part.text).toContain('40 new items since');
    expect(part.text).toContain('…and 15 more. See them with /topic mining 10.');
  });

  it('renders once for many chats with the same topics, once per platform', async () => {
    const telegram = new FakeSender('telegram');
    const discord = new FakeSender('discord');
    const { engine, store } = await makeDelivery({ senders: [telegram, discord] });
    for (let i = 0; i < 60; i++) await subscribe(store, `telegram:${i}`, { topics: ['mining', 'nft'] });
    for (let i = 0; i < 40; i++) await subscribe(store, `discord:${i}`, { topics: ['nft', 'mining'] });
    for (let i = 100; i < 110; i++) await subscribe(store, `telegram:${i}`, { topics: ['policy'] });
    const run = await engine.tick();
    expect(run).toMatchObject({ due: 110, sent: 110 });
    expect(telegram.renders).toBe(2);
    expect(discord.renders).toBe(1);
    expect(telegram.delivered()).toHaveLength(70);
    // The same parts object went to every chat with the same key.
    const miningNft = telegram.sends.filter((s) => Number(s.chat.id) < 100);
    expect(miningNft).toHaveLength(60);
    expect(new Set(miningNft.map((s) => s.part)).size).toBe(1);
  });

  it('keeps each platform within its concurrency', async () => {
    const slow = new FakeSender('telegram', { delayMs: 5 });
    const { engine, store } = await makeDelivery({ senders: [slow], concurrency: 3 });
    for (let i = 0; i < 30; i++) await subscribe(store, `telegram:${i}`);
    expect(await engine.tick()).toMatchObject({ sent: 30 });
    expect(slow.maxInFlight).toBe(3);
  });

  it('gives every part a deterministic nonce of at most 25 characters', async () => {
    const sender = new FakeSender('discord', { partsPerDoc: 2 });
    const { engine, store } = await makeDelivery({ senders: [sender] });
    await subscribe(store, 'discord:123456789012345678');
    await engine.tick();
    const nonces = sender.sends.map((s) => s.options.nonce);
    expect(nonces).toEqual([
      digestNonce('discord:123456789012345678', '2022-01-11', 0),
      digestNonce('discord:123456789012345678', '2022-01-11', 1),
    ]);
    expect(new Set(nonces).size).toBe(2);
    for (const n of nonces) expect(n!.length).toBeLessThanOrEqual(25);
  });

  it('leaves subscriptions on a platform that is not running for when it is', async () => {
    const { engine, store, sender } = await makeDelivery();
    await subscribe(store, 'discord:1');
    await subscribe(store, 'telegram:1');
    expect(await engine.tick()).toMatchObject({ due: 1, sent: 1 });
    expect(sender.sends.map((s) => s.chat.id)).toEqual(['1']);
    expect((await store.getSubscription('discord:1'))?.delivery.lastDigestDate).toBeUndefined();
  });

  it('joins a run under way when ticked again', async () => {
    const slow = new FakeSender('telegram', { delayMs: 20 });
    const { engine, store } = await makeDelivery({ senders: [slow] });
    await subscribe(store, 'telegram:1');
    const [a, b] = await Promise.all([engine.tick(), engine.tick()]);
    expect(a).toBe(b);
    expect(slow.sends).toHaveLength(1);
  });

  it('does not send what another worker has claimed', async () => {
    const { engine, store, sender } = await makeDelivery();
    await subscribe(store, 'telegram:1');
    const other = await store.claimDue({
      cutoffs: [{ timezone: 'UTC', date: '2022-01-11', time: '08:00' }],
      platforms: ['telegram'],
      owner: 'other-process',
      expiresAt: '2022-01-11T08:10:00.000Z',
      now: '2022-01-11T08:00:00.000Z',
      limit: 10,
    });
    expect(other).toHaveLength(1);
    expect(await engine.tick()).toMatchObject({ due: 0, sent: 0 });
    expect(sender.sends).toHaveLength(0);
  });

  it('keeps a /subscribe change made while the digest goes out, and records the delivery', async () => {
    const slow = new FakeSender('telegram', { delayMs: 30 });
    const { engine, newsroom, store, clock } = await makeDelivery({ senders: [slow] });
    const chat = { platform: 'telegram', id: '9' } as const;
    const user = { platform: 'telegram', id: '9', name: 'Ann' } as const;
    await newsroom.subscribe(
      { chat, kind: 'private' },
      user,
      { time: '08:00', timezone: 'UTC' },
      clock.now(),
    );
    const run = engine.tick();
    for (let i = 0; i < 100 && slow.inFlight === 0; i++) await new Promise((r) => setTimeout(r, 2));
    expect((await store.getSubscription('telegram:9'))?.delivery.claim).toBeDefined();
    await newsroom.subscribe({ chat, kind: 'private' }, user, { topics: ['nft'] }, clock.now());
    expect(await run).toMatchObject({ sent: 1 });
    const record = await store.getSubscription('telegram:9');
    expect(record?.settings).toMatchObject({ topics: ['nft'], time: '08:00' });
    expect(record?.delivery).toMatchObject({ lastDigestDate: '2022-01-11', sent: 1 });
    expect(record?.delivery.claim).toBeUndefined();
  });

  it('reports status and the last run', async () => {
    const { store, newsroom, clock } = await makeDelivery();
    await subscribe(store, 'telegram:1');
    const engine = new DeliveryEngine({
      newsroom,
      lanes: {
        telegram: {
          sender: new FakeSender(),
          gate: { acquire: async () => {}, backOff: () => {} },
          concurrency: 1,
        },
      },
      logger: silentLogger,
    });
    expect(engine.status()).toEqual({});
    expect(await engine.lastRun()).toBeUndefined();
    const run = await engine.tick();
    expect(engine.status()).toEqual({ lastTick: clock.now().toISOString() });
    expect(await engine.lastRun()).toEqual(run);
  });
});

describe('delivery logs', () => {
  it('logs one line per run and a progress line while a run is under way', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    const slow = new FakeSender('telegram', { delayMs: 10 });
    const { engine, store } = await makeDelivery({
      senders: [slow],
      concurrency: 1,
      logger: pino({ level: 'info' }, stream),
      engine: { progressIntervalMs: 20 },
    });
    for (let i = 0; i < 10; i++) await subscribe(store, `telegram:${i}`);
    await subscribe(store, 'telegram:empty', { cursor: '2022-01-11T08:00:00.000Z' });
    await engine.tick();
    const progress = lines.filter((l) => l.msg === 'delivery run in progress');
    expect(progress.length).toBeGreaterThan(0);
    // `due` counts the deliveries claimed so far: a page at a time, as the lane gets to them.
    expect(progress[0]?.due).toBeGreaterThan(0);
    expect(progress[0]).toHaveProperty('done');
    const finished = lines.filter((l) => l.msg === 'delivery run finished');
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({
      level: 30,
      due: 11,
      sent: 10,
      empty: 1,
      failed: 0,
      paused: 0,
      renders: 1,
    });
    expect(typeof finished[0]?.seconds).toBe('number');
  });
});

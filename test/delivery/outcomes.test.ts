import { describe, expect, it } from 'vitest';
import { backoffDelayMs, DEFAULT_RETRY_POLICY, digestNonce } from '../../src/delivery/outcomes.js';
import { TelegramGate } from '../../src/delivery/telegram-gate.js';
import { silentLogger } from '../../src/log.js';
import { FakeSender } from './fake-sender.js';
import { makeDelivery, postAt, subscribe } from './harness.js';

const MINUTE = 60_000;

describe('send outcomes', () => {
  it('backs the gate off on 429 and sends the same part once when allowed', async () => {
    const { engine, store, sender, gate } = await makeDelivery();
    await subscribe(store, 'telegram:1');
    sender.script('telegram:1', { kind: 'retryAfter', seconds: 3 });
    expect(await engine.tick()).toMatchObject({ sent: 1, failed: 0 });
    expect(gate.backOffs).toEqual([3]);
    expect(gate.acquired).toHaveLength(2);
    expect(sender.delivered()).toHaveLength(1);
    expect(sender.sends.map((s) => s.options.nonce)).toEqual([
      digestNonce('telegram:1', '2022-01-11', 0),
      digestNonce('telegram:1', '2022-01-11', 0),
    ]);
  });

  it('waits out retry_after in the Telegram gate before the retry goes out', async () => {
    const gate = new TelegramGate({ logger: silentLogger });
    const { engine, store, sender } = await makeDelivery({ gates: { telegram: gate } });
    await subscribe(store, 'telegram:1');
    await subscribe(store, 'telegram:2');
    sender.script('telegram:1', { kind: 'retryAfter', seconds: 0.2 });
    const started = performance.now();
    expect(await engine.tick()).toMatchObject({ sent: 2 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    expect(sender.delivered()).toHaveLength(2);
    expect(sender.sends).toHaveLength(3);
  });

  it('gives up after too many 429s and retries on the next tick', async () => {
    const { engine, store, sender, gate, clock } = await makeDelivery();
    await subscribe(store, 'telegram:1');
    const limits = Array.from({ length: DEFAULT_RETRY_POLICY.rateLimitRetries + 1 }, () => ({
      kind: 'retryAfter' as const,
      seconds: 1,
    }));
    sender.script('telegram:1', ...limits);
    expect(await engine.tick()).toMatchObject({ sent: 0, failed: 1 });
    expect(gate.backOffs).toHaveLength(DEFAULT_RETRY_POLICY.rateLimitRetries + 1);
    expect((await store.getSubscription('telegram:1'))?.delivery).toMatchObject({
      failed: 1,
      lastError: 'rate limited 6 times in a row',
    });
    clock.advance(MINUTE);
    expect(await engine.tick()).toMatchObject({ sent: 1 });
  });

  it('pauses a subscription when the bot was blocked, and sends nothing more', async () => {
    const { engine, store, sender } = await makeDelivery();
    await subscribe(store, 'telegram:1');
    sender.script('telegram:1', { kind: 'gone', reason: 'bot was blocked by the user' });
    expect(await engine.tick()).toMatchObject({ due: 1, paused: 1, sent: 0 });
    expect(sender.sends).toHaveLength(1);
    const sub = await store.getSubscription('telegram:1');
    expect(sub?.settings).toMatchObject({ status: 'paused', pausedReason: 'bot was blocked by the user' });
    expect(sub?.delivery).toMatchObject({ lastError: 'bot was blocked by the user' });
    expect(sub?.delivery.claim).toBeUndefined();
    expect(await engine.tick()).toMatchObject({ due: 0, sent: 0 });
  });

  it('pauses a subscription the bot may not post to, and tells the chat why', async () => {
    const { engine, store, sender } = await makeDelivery();
    await subscribe(store, 'telegram:-5', { chatKind: 'group' });
    sender.script('telegram:-5', { kind: 'forbidden', reason: 'not enough rights to send text messages' });
    expect(await engine.tick()).toMatchObject({ paused: 1 });
    expect((await store.getSubscription('telegram:-5'))?.settings).toMatchObject({
      status: 'paused',
      pausedReason: 'not enough rights to send text messages',
    });
    expect(sender.sends).toHaveLength(2);
    const notice = sender.sends[1]!;
    expect(notice.options).toEqual({ kind: 'notice', chatKind: 'group' });
    expect(notice.part.text).toContain(
      'paused this chat’s daily digest: not enough rights to send text messages',
    );
    expect(notice.part.text).toContain('/subscribe');
  });

  it('follows a group that became a supergroup: moves the subscription and sends there', async () => {
    const { engine, store, sender } = await makeDelivery();
    await subscribe(store, 'telegram:-5', { chatKind: 'group', topics: ['nft'] });
    const to = { platform: 'telegram', id: '-1005' } as const;
    sender.script('telegram:-5', { kind: 'migrated', to });
    expect(await engine.tick()).toMatchObject({ sent: 1 });
    expect(sender.delivered().map((s) => s.chat)).toEqual([to]);
    expect(sender.delivered()[0]?.options.nonce).toBe(digestNonce('telegram:-1005', '2022-01-11', 0));
    expect(await store.getSubscription('telegram:-5')).toBeUndefined();
    const moved = await store.getSubscription('telegram:-1005');
    expect(moved?.settings).toMatchObject({ chat: to, topics: ['nft'] });
    expect(moved?.delivery).toMatchObject({ lastDigestDate: '2022-01-11', sent: 1 });
    expect(moved?.delivery.claim).toBeUndefined();
  });

  it('retries transient failures with backoff, gives up after N, and the next tick succeeds', async () => {
    const { engine, store, sender, clock } = await makeDelivery();
    await subscribe(store, 'telegram:1');
    const failures = Array.from({ length: DEFAULT_RETRY_POLICY.transientRetries + 1 }, () => ({
      kind: 'transient' as const,
      reason: '502 Bad Gateway',
    }));
    sender.script('telegram:1', ...failures);
    expect(await engine.tick()).toMatchObject({ due: 1, sent: 0, failed: 1 });
    expect(sender.sends).toHaveLength(4);
    const failed = await store.getSubscription('telegram:1');
    expect(failed?.settings.status).toBe('active');
    expect(failed?.delivery).toEqual({
      sent: 0,
      failed: 1,
      lastError: '502 Bad Gateway (4 attempts)',
      retryAt: '2022-01-11T08:00:30.000Z',
    });
    // The run does not retry it at once; the next tick does.
    expect(await engine.tick()).toMatchObject({ due: 0 });
    clock.advance(MINUTE);
    expect(await engine.tick()).toMatchObject({ due: 1, sent: 1 });
    expect(sender.delivered()).toHaveLength(1);
    expect((await store.getSubscription('telegram:1'))?.delivery).toMatchObject({
      lastDigestDate: '2022-01-11',
      sent: 1,
      failed: 1,
    });
  });

  it('treats a sender that throws as a transient failure', async () => {
    const { engine, store, lanes } = await makeDelivery();
    await subscribe(store, 'telegram:1');
    const sender = lanes.telegram!.sender as FakeSender;
    let calls = 0;
    const send = sender.send.bind(sender);
    sender.send = async (...args) => {
      calls += 1;
      if (calls === 1) throw new Error('socket hang up');
      return send(...args);
    };
    expect(await engine.tick()).toMatchObject({ sent: 1 });
    expect(calls).toBe(2);
  });

  it('resumes a multi-part digest at the failed part, never resending the parts delivered', async () => {
    const sender = new FakeSender('telegram', { partsPerDoc: 3 });
    const { engine, store, clock } = await makeDelivery({ senders: [sender] });
    await subscribe(store, 'telegram:1');
    sender.scriptPart(
      'telegram:1',
      1,
      ...Array.from({ length: 4 }, () => ({ kind: 'transient' as const, reason: 'ETIMEDOUT' })),
    );
    expect(await engine.tick()).toMatchObject({ failed: 1 });
    expect(sender.delivered().map((s) => s.part.index)).toEqual([0]);
    expect((await store.getSubscription('telegram:1'))?.delivery.progress).toEqual({
      date: '2022-01-11',
      upTo: '2022-01-11T08:00:00.000Z',
      partsSent: 1,
    });
    // An item posted meanwhile does not change the digest being finished: it goes in the next one.
    await postAt(store, '2022-01-11T08:00:30Z', 'Posted meanwhile');
    clock.advance(MINUTE);
    expect(await engine.tick()).toMatchObject({ sent: 1 });
    const delivered = sender.delivered();
    expect(delivered.flatMap((s) => s.part.headlines)).not.toContain('Posted meanwhile');
    expect(delivered.map((s) => s.part.index)).toEqual([0, 1, 2]);
    expect(delivered[1]?.part).toEqual(sender.sends[1]?.part);
    const done = (await store.getSubscription('telegram:1'))?.delivery;
    expect(done?.progress).toBeUndefined();
    expect(done).toMatchObject({ lastDigestDate: '2022-01-11', cursor: '2022-01-11T08:00:00.000Z' });
  });
});

describe('backoff and nonces', () => {
  it('doubles the wait per attempt, with jitter, up to the cap', () => {
    const policy = { ...DEFAULT_RETRY_POLICY, backoffBaseMs: 1000, backoffMaxMs: 5000 };
    expect(backoffDelayMs(1, policy, () => 0)).toBe(500);
    expect(backoffDelayMs(1, policy, () => 1)).toBe(1000);
    expect(backoffDelayMs(2, policy, () => 1)).toBe(2000);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(3000);
    expect(backoffDelayMs(10, policy, () => 1)).toBe(5000);
  });

  it('makes the same nonce for the same subscription, date and part, and different ones otherwise', () => {
    const a = digestNonce('discord:123456789012345678#thread', '2026-11-29', 0);
    expect(a).toBe(digestNonce('discord:123456789012345678#thread', '2026-11-29', 0));
    expect(a.length).toBeLessThanOrEqual(25);
    expect(a).not.toBe(digestNonce('discord:123456789012345678#thread', '2026-11-29', 1));
    expect(a).not.toBe(digestNonce('discord:123456789012345678#thread', '2026-11-30', 0));
    expect(a).not.toBe(digestNonce('discord:1', '2026-11-29', 0));
  });
});

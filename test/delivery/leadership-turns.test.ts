import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from '../../src/delivery/outcomes.js';
import { FakeSender } from './fake-sender.js';
import { makeDelivery, subscribe } from './harness.js';

const CUTOFF = [{ timezone: 'UTC', date: '2022-01-11', time: '08:00' }] as const;

/** Another process's claim on every due Telegram delivery, taken at 08:00 with a 10-minute lease. */
async function claimedByDeadLeader(store: Parameters<typeof subscribe>[0]) {
  return store.claimDue({
    cutoffs: CUTOFF,
    platforms: ['telegram'],
    owner: 'dead-leader',
    expiresAt: '2022-01-11T08:10:00.000Z',
    now: '2022-01-11T08:00:00.000Z',
    limit: 10,
  });
}

describe('delivery as leadership changes', () => {
  it('does nothing while paused, and delivers once resumed', async () => {
    const { engine, store, sender } = await makeDelivery({ engine: { paused: true } });
    await subscribe(store, 'telegram:1');
    expect(engine.active).toBe(false);
    expect(await engine.tick()).toBeUndefined();
    expect(sender.sends).toHaveLength(0);
    engine.resume(new Date('2022-01-11T08:00:00Z'));
    expect(await engine.tick()).toMatchObject({ due: 1, sent: 1 });
    expect(sender.sends).toHaveLength(1);
  });

  it('takes over at once the claims a leader that is gone took before this process led', async () => {
    const { engine, store, sender, clock } = await makeDelivery({ engine: { paused: true } });
    await subscribe(store, 'telegram:1');
    await subscribe(store, 'telegram:2');
    expect(await claimedByDeadLeader(store)).toHaveLength(2);
    clock.set('2022-01-11T08:00:05Z');
    // Not yet leading: nothing; a plain tick would wait out the 10-minute lease.
    expect(await engine.tick()).toBeUndefined();
    engine.resume(clock.now());
    expect(await engine.tick()).toMatchObject({ due: 2, sent: 2 });
    expect(sender.sends.map((s) => s.chat.id).sort()).toEqual(['1', '2']);
    // Delivered once: the next tick finds nothing due.
    expect(await engine.tick()).toMatchObject({ due: 0 });
  });

  it('leaves alone the claims taken after it took the lead', async () => {
    const { engine, store, sender, clock } = await makeDelivery({ engine: { paused: true } });
    await subscribe(store, 'telegram:1');
    engine.resume(new Date('2022-01-11T07:59:00Z'));
    // Someone claimed after this process led (it cannot have been a leader before it).
    expect(await claimedByDeadLeader(store)).toHaveLength(1);
    clock.set('2022-01-11T08:00:05Z');
    expect(await engine.tick()).toMatchObject({ due: 0 });
    expect(sender.sends).toHaveLength(0);
  });

  it('does not claim again, in the takeover run, a delivery it just gave up on', async () => {
    const { engine, store, sender, clock } = await makeDelivery({ engine: { paused: true } });
    await subscribe(store, 'telegram:1');
    const failures = Array.from({ length: DEFAULT_RETRY_POLICY.transientRetries + 1 }, () => ({
      kind: 'transient' as const,
      reason: '502 Bad Gateway',
    }));
    sender.script('telegram:1', ...failures);
    await claimedByDeadLeader(store);
    clock.set('2022-01-11T08:00:05Z');
    engine.resume(clock.now());
    expect(await engine.tick()).toMatchObject({ due: 1, sent: 0, failed: 1 });
    expect(sender.sends).toHaveLength(failures.length);
    // Retried once the takeover window (the dead leader's lease) is over, not in a loop before.
    expect(await engine.tick()).toMatchObject({ due: 0 });
    clock.set('2022-01-11T08:11:00Z');
    expect(await engine.tick()).toMatchObject({ due: 1, sent: 1 });
  });

  it('stops delivering when paused: sends in flight finish, the rest is released for the next leader', async () => {
    const slow = new FakeSender('telegram', { delayMs: 30 });
    const { engine, store } = await makeDelivery({ senders: [slow], concurrency: 1 });
    for (let i = 1; i <= 5; i += 1) await subscribe(store, `telegram:${i}`);
    const run = engine.tick();
    await new Promise((r) => setTimeout(r, 10));
    await engine.pause();
    const figures = await run;
    expect(slow.sends.length).toBeGreaterThanOrEqual(1);
    expect(slow.sends.length).toBeLessThan(5);
    expect(figures?.sent).toBe(slow.sends.length);
    // No claim is left behind: another process could claim the rest now.
    const rest = await store.claimDue({
      cutoffs: CUTOFF,
      platforms: ['telegram'],
      owner: 'next-leader',
      expiresAt: '2022-01-11T08:10:00.000Z',
      now: '2022-01-11T08:00:00.000Z',
      limit: 10,
    });
    expect(rest).toHaveLength(5 - slow.sends.length);
    expect(await engine.tick()).toBeUndefined();
  });
});

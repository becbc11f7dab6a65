import { describe, expect, it } from 'vitest';
import type { Subscription } from '../../src/core/subscription.js';
import { FakeSender } from './fake-sender.js';
import { makeDelivery, postAt, subscribe } from './harness.js';

const MINUTE = 60_000;

/**
 * Ticks the engine every `stepMinutes` from `from` to `to` (UTC) and returns, per chat, the instants
 * at which it was sent a digest.
 */
async function tickThrough(
  subs: Record<string, Partial<Subscription>>,
  from: string,
  to: string,
  stepMinutes = 1,
): Promise<Record<string, string[]>> {
  const sender = new FakeSender('telegram');
  const { engine, store, clock } = await makeDelivery({ now: from, senders: [sender], sample: false });
  // Something new before every tick, so every due delivery sends a message.
  for (let t = Date.parse(from) - 24 * 60 * MINUTE; t <= Date.parse(to); t += 60 * MINUTE) {
    await postAt(store, new Date(t).toISOString());
  }
  for (const [key, over] of Object.entries(subs)) await subscribe(store, key, over);
  const sentAt: Record<string, string[]> = Object.fromEntries(Object.keys(subs).map((k) => [k, []]));
  // One tick per step: a bounded number of turns.
  for (let t = Date.parse(from); t <= Date.parse(to); t += stepMinutes * MINUTE) {
    clock.set(new Date(t));
    const before = sender.sends.length;
    await engine.tick();
    for (const s of sender.sends.slice(before))
      sentAt[`telegram:${s.chat.id}`]!.push(new Date(t).toISOString());
  }
  return sentAt;
}

describe('due computation', () => {
  it('delivers at 08:00 local in UTC+14, UTC−12 and UTC+5:45, once each', async () => {
    const sentAt = await tickThrough(
      {
        'telegram:1': { timezone: 'Pacific/Kiritimati', time: '08:00', startDate: '2026-11-29' },
        'telegram:2': { timezone: 'Etc/GMT+12', time: '08:00', startDate: '2026-11-29' },
        'telegram:3': { timezone: 'Asia/Kathmandu', time: '08:00', startDate: '2026-11-29' },
      },
      '2026-11-28T12:00:00Z',
      '2026-11-30T00:00:00Z',
      5,
    );
    expect(sentAt).toEqual({
      // 08:00 on 29 Nov in Kiritimati is 18:00 UTC the day before; 30 Nov's comes a day later.
      'telegram:1': ['2026-11-28T18:00:00.000Z', '2026-11-29T18:00:00.000Z'],
      // 08:00 on 29 Nov at UTC−12 is 20:00 UTC that day.
      'telegram:2': ['2026-11-29T20:00:00.000Z'],
      // 08:00 in Kathmandu is 02:15 UTC.
      'telegram:3': ['2026-11-29T02:15:00.000Z'],
    });
  });

  it('delivers a 02:30 digest once at 03:00 when Berlin springs forward past 02:30', async () => {
    const sentAt = await tickThrough(
      { 'telegram:1': { timezone: 'Europe/Berlin', time: '02:30' } },
      '2026-03-28T23:00:00Z',
      '2026-03-29T22:59:00Z',
    );
    // 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
    expect(sentAt['telegram:1']).toEqual(['2026-03-29T01:00:00.000Z']);
  });

  it('delivers a 02:30 digest once when Berlin falls back through 02:30 twice', async () => {
    const sentAt = await tickThrough(
      { 'telegram:1': { timezone: 'Europe/Berlin', time: '02:30' } },
      '2026-10-24T22:00:00Z',
      '2026-10-25T22:59:00Z',
    );
    // 02:30 CEST (00:30 UTC) counts; 02:30 CET (01:30 UTC) is the same local date, already delivered.
    expect(sentAt['telegram:1']).toEqual(['2026-10-25T00:30:00.000Z']);
  });

  it('delivers once across both New York DST changes', async () => {
    const spring = await tickThrough(
      { 'telegram:1': { timezone: 'America/New_York', time: '02:30' } },
      '2026-03-08T05:00:00Z',
      '2026-03-09T04:59:00Z',
    );
    // 02:00 EST jumps to 03:00 EDT at 07:00 UTC.
    expect(spring['telegram:1']).toEqual(['2026-03-08T07:00:00.000Z']);
    const fall = await tickThrough(
      { 'telegram:1': { timezone: 'America/New_York', time: '01:30' } },
      '2026-11-01T04:00:00Z',
      '2026-11-02T04:59:00Z',
    );
    // 01:30 EDT is 05:30 UTC; 01:30 EST an hour later is the same local date.
    expect(fall['telegram:1']).toEqual(['2026-11-01T05:30:00.000Z']);
  });
});

import { describe, expect, it } from 'vitest';
import { NO_DELIVERY, type SubscriptionRecord } from '../../src/core/subscription.js';
import { DueIndex, dueFrom, nextDay } from '../../src/store/due-index.js';
import { sampleSub } from '../helpers/fixtures.js';

const record = (
  key: string,
  over: Partial<SubscriptionRecord['delivery']> = {},
  time = '08:00',
): SubscriptionRecord => ({
  settings: sampleSub(key, { time, startDate: '2026-11-01' }),
  delivery: { ...NO_DELIVERY, ...over },
});

describe('the due index', () => {
  it.each([
    ['2026-11-29', '2026-11-30'],
    ['2026-11-30', '2026-12-01'],
    ['2026-12-31', '2027-01-01'],
    ['2028-02-28', '2028-02-29'],
    ['2027-02-28', '2027-03-01'],
    ['2026-01-09', '2026-01-10'],
  ])('the day after %s is %s', (date, next) => {
    expect(nextDay(date)).toBe(next);
  });

  it('places a subscription at its start date, or the day after its last digest', () => {
    expect(dueFrom(record('telegram:1'))).toBe('2026-11-01');
    expect(dueFrom(record('telegram:1', { lastDigestDate: '2026-11-28' }))).toBe('2026-11-29');
    expect(dueFrom(record('telegram:1', { lastDigestDate: '2026-10-01' }))).toBe('2026-11-01');
  });

  it('offers a cutoff only the subscriptions at or before its date and time, never the ones done today', () => {
    const index = new DueIndex();
    const cutoff = { timezone: 'UTC', date: '2026-11-29', time: '08:00' };
    const due = record('telegram:due');
    const doneToday = record('telegram:done', { lastDigestDate: '2026-11-29' });
    const later = record('telegram:later', {}, '08:01');
    for (const r of [due, doneToday, later]) index.add(r);
    expect([...index.candidates('telegram', cutoff)]).toEqual(['telegram:due']);
    expect([...index.candidates('discord', cutoff)]).toEqual([]);
    expect([...index.candidates('telegram', { ...cutoff, timezone: 'Asia/Tokyo' })]).toEqual([]);
    index.remove(due);
    index.add({ ...due, delivery: { ...due.delivery, lastDigestDate: '2026-11-29' } });
    expect([...index.candidates('telegram', cutoff)]).toEqual([]);
    expect(
      [...index.candidates('telegram', { ...cutoff, date: '2026-11-30', time: '23:59' })].sort(),
    ).toEqual(['telegram:done', 'telegram:due', 'telegram:later']);
    expect(index.timezones()).toEqual(['UTC']);
  });
});

import { describe, expect, it } from 'vitest';
import {
  firstDeliveryDate,
  isDue,
  nextDelivery,
  type Schedule,
  type Subscription,
} from '../../src/core/subscription.js';
import { firstShowing } from '../helpers/wall-clock.js';

const sub = (over: Partial<Subscription & Schedule> = {}): Subscription & Schedule => ({
  key: 'console:local',
  chat: { platform: 'console', id: 'local' },
  chatKind: 'private',
  topics: [],
  time: '08:00',
  timezone: 'Europe/Berlin',
  status: 'active',
  createdBy: { platform: 'console', id: 'local', name: 'me' },
  createdAt: '2026-11-01T00:00:00Z',
  updatedAt: '2026-11-01T00:00:00Z',
  startDate: '2026-11-01',
  ...over,
});

describe('subscription schedule', () => {
  it('is due at or after HH:MM local, once per local date', () => {
    expect(isDue(sub(), new Date('2026-11-29T06:59:00Z'))).toBeUndefined();
    expect(isDue(sub(), new Date('2026-11-29T07:00:00Z'))).toBe('2026-11-29');
    expect(isDue(sub(), new Date('2026-11-29T09:00:00Z'))).toBe('2026-11-29');
    expect(isDue(sub({ lastDigestDate: '2026-11-29' }), new Date('2026-11-29T09:00:00Z'))).toBeUndefined();
    expect(isDue(sub({ status: 'paused' }), new Date('2026-11-29T09:00:00Z'))).toBeUndefined();
  });

  it('starts tomorrow when made after today’s time', () => {
    expect(firstDeliveryDate('08:00', 'Europe/Berlin', new Date('2026-11-29T07:30:00Z'))).toBe('2026-11-30');
    expect(firstDeliveryDate('08:00', 'Europe/Berlin', new Date('2026-11-29T06:30:00Z'))).toBe('2026-11-29');
    const s = sub({ startDate: '2026-11-30' });
    expect(isDue(s, new Date('2026-11-29T09:00:00Z'))).toBeUndefined();
    expect(nextDelivery(s, new Date('2026-11-29T09:00:00Z'))?.toISOString()).toBe('2026-11-30T07:00:00.000Z');
  });

  it('states the next delivery: now when due, else the next HH:MM', () => {
    const now = new Date('2026-11-29T09:00:00Z');
    expect(nextDelivery(sub(), now)).toEqual(now);
    expect(nextDelivery(sub({ lastDigestDate: '2026-11-29' }), now)?.toISOString()).toBe(
      '2026-11-30T07:00:00.000Z',
    );
    expect(nextDelivery(sub({ status: 'paused' }), now)).toBeUndefined();
  });

  it('in a DST gap names, and is due at, the first instant after the gap', () => {
    const berlin = sub({ time: '02:30', startDate: '2027-03-01', lastDigestDate: '2027-03-27' });
    const at = firstShowing('2027-03-28', '02:30', 'Europe/Berlin'); // 03:00 CEST
    expect(at.toISOString()).toBe('2027-03-28T01:00:00.000Z');
    expect(nextDelivery(berlin, new Date('2027-03-27T23:00:00Z'))).toEqual(at);
    expect(isDue(berlin, new Date(at.getTime() - 1))).toBeUndefined();
    expect(isDue(berlin, at)).toBe('2027-03-28');
    const howe = sub({ time: '02:15', timezone: 'Australia/Lord_Howe', startDate: '2027-10-01' });
    const dueHowe = firstShowing('2027-10-03', '02:15', 'Australia/Lord_Howe'); // 02:30 +11:00
    expect(nextDelivery({ ...howe, lastDigestDate: '2027-10-02' }, new Date('2027-10-02T14:00:00Z'))).toEqual(
      dueHowe,
    );
    expect(isDue(howe, new Date(dueHowe.getTime() - 1))).toBeUndefined(); // 01:59 +10:30
    expect(isDue({ ...howe, lastDigestDate: '2027-10-02' }, dueHowe)).toBe('2027-10-03');
  });

  it('in a fold is due at the first occurrence, and still owed in the second pass', () => {
    const s = sub({ time: '02:30', startDate: '2027-10-01', lastDigestDate: '2027-10-30' });
    const first = firstShowing('2027-10-31', '02:30', 'Europe/Berlin'); // 02:30 CEST
    expect(first.toISOString()).toBe('2027-10-31T00:30:00.000Z');
    expect(nextDelivery(s, new Date('2027-10-31T00:29:00Z'))).toEqual(first);
    // Started again at 02:05 CET: the first 02:30 passed while it was down.
    const restart = new Date('2027-10-31T01:05:00Z');
    expect(isDue(s, restart)).toBe('2027-10-31');
    expect(nextDelivery(s, restart)).toEqual(restart);
    // Delivered at the first 02:30: nothing at the second; the next is tomorrow's.
    const done = { ...s, lastDigestDate: '2027-10-31' };
    expect(isDue(done, new Date('2027-10-31T01:30:00Z'))).toBeUndefined();
    expect(nextDelivery(done, new Date('2027-10-31T01:30:00Z'))).toEqual(
      firstShowing('2027-11-01', '02:30', 'Europe/Berlin'),
    );
  });

  it('a subscription made inside the gap or the fold starts when its due instant has not passed', () => {
    // 03:00:30 CEST on spring-forward day: 02:30 was due at 03:00, this minute, so today still counts.
    expect(firstDeliveryDate('02:30', 'Europe/Berlin', new Date('2027-03-28T01:00:30Z'))).toBe('2027-03-28');
    expect(firstDeliveryDate('02:30', 'Europe/Berlin', new Date('2027-03-28T01:01:00Z'))).toBe('2027-03-29');
    expect(firstDeliveryDate('03:30', 'Europe/Berlin', new Date('2027-03-28T01:01:00Z'))).toBe('2027-03-28');
    // 02:20 CEST, before the fold: today. 02:05 CET, the second pass: the first 02:30 is past, tomorrow.
    expect(firstDeliveryDate('02:30', 'Europe/Berlin', new Date('2027-10-31T00:20:00Z'))).toBe('2027-10-31');
    expect(firstDeliveryDate('02:30', 'Europe/Berlin', new Date('2027-10-31T01:05:00Z'))).toBe('2027-11-01');
  });
});

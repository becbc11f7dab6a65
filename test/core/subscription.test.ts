import { describe, expect, it } from 'vitest';
import {
  firstDeliveryDate,
  isDue,
  nextDelivery,
  type Schedule,
  type Subscription,
} from '../../src/core/subscription.js';

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
});

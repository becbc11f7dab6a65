import { describe, expect, it } from 'vitest';
import { dayBounds, dueInstant, localDate, localTime, shiftDate } from '../../src/core/time.js';

describe('time', () => {
  it('finds the calendar day of an instant in a zone', () => {
    const instant = new Date('2022-01-10T16:30:00Z');
    expect(localDate(instant, 'Asia/Shanghai')).toBe('2022-01-11');
    expect(localDate(instant, 'UTC')).toBe('2022-01-10');
    expect(localTime(instant, 'Asia/Kathmandu')).toBe('22:15');
  });

  it('bounds a day in the newsroom zone', () => {
    const { start, end } = dayBounds('2022-01-11', 'Asia/Shanghai');
    expect(start.toISOString()).toBe('2022-01-10T16:00:00.000Z');
    expect(end.toISOString()).toBe('2022-01-11T16:00:00.000Z');
  });

  it('has 23- and 25-hour days across DST changes', () => {
    const spring = dayBounds('2026-03-29', 'Europe/Berlin');
    const autumn = dayBounds('2026-10-25', 'Europe/Berlin');
    expect((spring.end.getTime() - spring.start.getTime()) / 3_600_000).toBe(23);
    expect((autumn.end.getTime() - autumn.start.getTime()) / 3_600_000).toBe(25);
  });

  it('is due at the first instant after a DST gap, and at the first of a fold', () => {
    expect(dueInstant('2026-03-08', '02:30', 'America/New_York').toISOString()).toBe(
      '2026-03-08T07:00:00.000Z',
    );
    expect(dueInstant('2026-11-01', '01:30', 'America/New_York').toISOString()).toBe(
      '2026-11-01T05:30:00.000Z',
    );
  });

  it('shifts dates across months and years', () => {
    expect(shiftDate('2022-12-31', 1)).toBe('2023-01-01');
    expect(shiftDate('2024-03-01', -1)).toBe('2024-02-29');
  });
});

/**
 * The one definition of "due" (`dueInstant`, `dueCutoff` in src/core/time.ts) against an oracle that
 * asks `Intl.DateTimeFormat` what the clock shows at every minute of the day (test/helpers/wall-clock.ts).
 * Every minute of each transition day is checked, and the cutoff at every minute around the transition.
 */
import { describe, expect, it } from 'vitest';
import { dayBounds, dueCutoff, dueInstant, wallClockKind } from '../../src/core/time.js';
import { hhmm, type ScannedDay, scanDay, wallDate } from '../helpers/wall-clock.js';

/** A local day to check in full, and what the clocks do on it (checked against the oracle too). */
interface Case {
  readonly zone: string;
  readonly date: string;
  readonly gap?: readonly [from: string, to: string];
  readonly fold?: readonly [from: string, to: string];
}

const CASES: readonly Case[] = [
  { zone: 'Europe/Berlin', date: '2027-03-28', gap: ['02:00', '03:00'] },
  { zone: 'Europe/Berlin', date: '2027-10-31', fold: ['02:00', '03:00'] },
  // A 30-minute shift.
  { zone: 'Australia/Lord_Howe', date: '2027-10-03', gap: ['02:00', '02:30'] },
  { zone: 'Australia/Lord_Howe', date: '2027-04-04', fold: ['01:30', '02:00'] },
  // +13:45 in summer, +12:45 in winter; it changes at 02:45 standard time.
  { zone: 'Pacific/Chatham', date: '2027-09-26', gap: ['02:45', '03:45'] },
  { zone: 'Pacific/Chatham', date: '2027-04-04', fold: ['02:45', '03:45'] },
  // −03:30 in winter.
  { zone: 'America/St_Johns', date: '2027-03-14', gap: ['02:00', '03:00'] },
  { zone: 'America/St_Johns', date: '2027-11-07', fold: ['01:00', '02:00'] },
  // A day that starts at 01:00 (the gap is at midnight), and a fold at the end of a day.
  { zone: 'America/Havana', date: '2027-03-14', gap: ['00:00', '01:00'] },
  { zone: 'America/Santiago', date: '2027-04-03', fold: ['23:00', '24:00'] },
  // A whole day skipped: Samoa crossed the date line from −10:00 to +14:00 at the end of 2011-12-29.
  { zone: 'Pacific/Apia', date: '2011-12-30', gap: ['00:00', '24:00'] },
  // No DST: the plain case at the far offsets, across New Year.
  { zone: 'Pacific/Kiritimati', date: '2028-01-01' },
  { zone: 'Pacific/Pago_Pago', date: '2027-12-31' },
  { zone: 'Asia/Kathmandu', date: '2028-01-01' },
  { zone: 'America/St_Johns', date: '2028-01-01' },
  { zone: 'Pacific/Chatham', date: '2028-01-01' },
];

const scanned = new Map<string, ScannedDay>();
/** The oracle's scan of a case's day, made once per case. */
function scan(c: Case): ScannedDay {
  const key = `${c.zone} ${c.date}`;
  let day = scanned.get(key);
  if (!day) {
    day = scanDay(c.date, c.zone);
    scanned.set(key, day);
  }
  return day;
}

/** Minutes checked: every one within two hours of where the case's gap or fold starts or ends, every seventh elsewhere. */
function checked(c: Case, minute: number): boolean {
  const range = c.gap ?? c.fold;
  if (range === undefined) return minute % 7 === 0;
  const [from, to] = range.map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5))) as [number, number];
  return Math.abs(minute - from) <= 120 || Math.abs(minute - to) <= 120 || minute % 7 === 0;
}

const inRange = (time: string, range: readonly [string, string] | undefined) =>
  range !== undefined && time >= range[0] && time < range[1];

describe('dueInstant: the instant a time is due on a local day', () => {
  for (const c of CASES) {
    const label = `${c.zone} ${c.date}${c.gap ? ` (gap ${c.gap.join('–')})` : c.fold ? ` (fold ${c.fold.join('–')})` : ''}`;
    it(`${label}: every minute is the first instant showing it or later; kind matches the clock`, () => {
      const day = scan(c);
      for (let m = 0; m < 1440; m++) {
        if (!checked(c, m)) continue;
        const time = hhmm(m);
        const showing = day.showing[m]!;
        // The case's description of the day agrees with Intl.
        expect(showing.length, `${time} shows ${showing.length} times`).toBe(
          inRange(time, c.gap) ? 0 : inRange(time, c.fold) ? 2 : 1,
        );
        expect(dueInstant(c.date, time, c.zone).toISOString(), time).toBe(
          day.firstAtOrAfter[m]!.toISOString(),
        );
        if (showing.length > 0) expect(dueInstant(c.date, time, c.zone)).toEqual(showing[0]);
        expect(wallClockKind(c.date, time, c.zone), time).toBe(
          showing.length === 0 ? 'gap' : showing.length === 2 ? 'fold' : 'once',
        );
      }
      // The day starts when its 00:00 is due.
      expect(dayBounds(c.date, c.zone).start).toEqual(day.firstAtOrAfter[0]);
    });

    it(`${label}: the cutoff at each minute is the latest time due by then`, () => {
      const day = scan(c);
      const first = day.firstAtOrAfter[0]!.getTime();
      const last = day.firstAtOrAfter[1439]!.getTime();
      // Every minute of the day (and a little past its last due time).
      for (let t = first; t <= last + 30 * 60_000; t += 60_000) {
        const now = new Date(t + 30_000); // mid-minute, as a tick may be late
        const date = wallDate(now, c.zone);
        if (date !== c.date || !checked(c, Math.round((t - first) / 60_000) % 1440)) continue;
        let latest = -1;
        for (let m = 0; m < 1440; m++) if (day.firstAtOrAfter[m]!.getTime() <= now.getTime()) latest = m;
        expect(dueCutoff(now, c.zone), now.toISOString()).toEqual({ date: c.date, time: hhmm(latest) });
      }
    });
  }

  it('names the two defects: the gap is due when it ends, a restart in the fold is owed the first 02:30', () => {
    expect(dueInstant('2027-03-28', '02:30', 'Europe/Berlin').toISOString()).toBe('2027-03-28T01:00:00.000Z');
    expect(dueInstant('2027-10-03', '02:15', 'Australia/Lord_Howe').toISOString()).toBe(
      '2027-10-02T15:30:00.000Z',
    );
    // 02:05 CET, after the clocks went back: the first 02:30 (CEST) has passed, so 02:30 is due.
    expect(dueCutoff(new Date('2027-10-31T01:05:00Z'), 'Europe/Berlin')).toEqual({
      date: '2027-10-31',
      time: '02:59',
    });
    // From the second 03:00 on, the cutoff is the wall clock again.
    expect(dueCutoff(new Date('2027-10-31T02:00:00Z'), 'Europe/Berlin')).toEqual({
      date: '2027-10-31',
      time: '03:00',
    });
  });

  it('rejects an unknown time zone', () => {
    expect(() => dueInstant('2027-01-01', '08:00', 'Mars/Phobos')).toThrow(RangeError);
    expect(() => dueCutoff(new Date(), 'Mars/Phobos')).toThrow(RangeError);
  });
});

import { TZDate, tzOffset } from '@date-fns/tz';
import { addDays, format, parseISO } from 'date-fns';

/** A calendar date `YYYY-MM-DD`. */
export type LocalDate = string;
/** A wall-clock time `HH:MM` (24 h, zero-padded). */
export type LocalTime = string;

/**
 * The IANA name of `name` as this runtime knows it, or `undefined` when it is not a time zone.
 * Accepts any case (`europe/berlin`) and aliases (`US/Eastern`); `Intl` is the judge because it is
 * what the date maths below uses.
 */
export function canonicalTimezone(name: string): string | undefined {
  if (name.trim() === '') return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The calendar date of `instant` in `timezone`. */
export function localDate(instant: Date, timezone: string): LocalDate {
  return format(new TZDate(instant.getTime(), timezone), 'yyyy-MM-dd');
}

/** The wall-clock time (`HH:MM`) of `instant` in `timezone`. */
export function localTime(instant: Date, timezone: string): LocalTime {
  return format(new TZDate(instant.getTime(), timezone), 'HH:mm');
}

/** `date` moved by `days` calendar days. */
export function shiftDate(date: LocalDate, days: number): LocalDate {
  return format(addDays(parseISO(date), days), 'yyyy-MM-dd');
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** The last minute of a day, `23:59`, as minutes since midnight. */
const LAST_MINUTE = 24 * 60 - 1;

/** How a wall-clock time fares on one date in one zone. */
export type WallClockKind =
  /** The clocks show it once: an ordinary day. */
  | 'once'
  /** The clocks jump over it (spring forward): it never shows. */
  | 'gap'
  /** The clocks go back over it (fall back): it shows twice. */
  | 'fold';

/** The zone's UTC offset at `instant`, in milliseconds. */
function offsetMs(timezone: string, instant: number): number {
  // tzOffset gives minutes, with a fraction for the seconds of old local mean times.
  return Math.round(tzOffset(timezone, new Date(instant)) * MINUTE_MS);
}

/** `date` at `time` read as if it were UTC: the wall clock as a number, for offset arithmetic. */
function wallMs(date: LocalDate, time: LocalTime): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return Date.UTC(y, m - 1, d, hh, mm);
}

/**
 * Resolves a wall-clock reading to the first instant at which the zone's clock shows it or a later
 * reading, and says whether the reading falls in a gap or a fold. The instant for wall clock `w`
 * lies within a day of `w` read as UTC, and no zone changes its offset twice within two days, so the
 * offsets a day before and a day after are the only candidates (the approach of Temporal's
 * `GetPossibleEpochNanoseconds`). No candidate matching means a gap: the answer is the transition,
 * the first instant after the gap, found by bisection (gaps are rare, so their cost is too).
 */
function resolveWallClock(
  date: LocalDate,
  time: LocalTime,
  timezone: string,
): { instant: number; kind: WallClockKind } {
  const wall = wallMs(date, time);
  const before = offsetMs(timezone, wall - DAY_MS);
  const after = offsetMs(timezone, wall + DAY_MS);
  if (Number.isNaN(before) || Number.isNaN(after)) throw new RangeError(`Invalid time zone: ${timezone}`);
  const matches = [wall - before, wall - after].filter((t) => offsetMs(timezone, t) === wall - t);
  if (matches.length > 0) {
    const first = Math.min(...matches);
    return { instant: first, kind: matches.length === 2 && matches[0] !== matches[1] ? 'fold' : 'once' };
  }
  // A gap: the offset grows from `before` to `after`; the clock jumps over `wall` at the transition,
  // which lies in (wall - after, wall - before]. Both ends are whole seconds, as transitions are:
  // bisect to the second.
  let lo = wall - after;
  let hi = wall - before;
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetMs(timezone, mid) === after) hi = mid;
    else lo = mid;
  }
  return { instant: hi, kind: 'gap' };
}

/**
 * The instant a subscription at `time` is due on the local day `date` in `timezone`: the first
 * instant at which the zone's wall clock shows `date` `time` or later. On an ordinary day that is
 * simply `time`; in a DST gap (02:30 on a spring-forward day, which never shows) it is the first
 * instant after the gap (03:00 in Europe/Berlin, 02:30 in Australia/Lord_Howe for 02:15); in a fold
 * (02:30 on a fall-back day, which shows twice) it is the first occurrence. This is the one
 * definition of "due": the delivery engine's check ({@link dueCutoff}), catch-up on start, the first
 * delivery date and every answer naming a next digest derive from it. It never decreases as `time`
 * grows, and the start of a day is `dueInstant(date, '00:00', …)`.
 */
export function dueInstant(date: LocalDate, time: LocalTime, timezone: string): Date {
  return new Date(resolveWallClock(date, time, timezone).instant);
}

/** Whether `time` on `date` in `timezone` shows once, never (a DST gap) or twice (a fold). */
export function wallClockKind(date: LocalDate, time: LocalTime, timezone: string): WallClockKind {
  return resolveWallClock(date, time, timezone).kind;
}

/**
 * The latest due time reached at `now` in one zone: `date` is the local date of `now`, and `time`
 * the latest `HH:MM` whose {@link dueInstant} on that date is at or before `now`. Because
 * `dueInstant` never decreases as the time grows, "a subscription's `HH:MM` is at or before
 * `time` and it has had no digest for `date`" is exactly "it is due". Usually `time` is the wall
 * clock; after a fall-back, while the clock shows an hour again, it stays at the last minute the
 * clock showed before going back (02:59 in Europe/Berlin), so a digest whose first occurrence passed
 * while the bot was down is still owed. After a gap it is the first minute after the gap, which also
 * covers every time inside it.
 */
export function dueCutoff(now: Date, timezone: string): LocalCutoff {
  // The wall clock from the offset: one Intl call, where formatting the date and the time takes two
  // slower ones (this runs once per zone per tick).
  const offset = offsetMs(timezone, now.getTime());
  if (Number.isNaN(offset)) throw new RangeError(`Invalid time zone: ${timezone}`);
  const wall = new Date(now.getTime() + offset).toISOString();
  const date = wall.slice(0, 10);
  const dueBy = (minute: number) =>
    dueInstant(date, minutesToTime(minute), timezone).getTime() <= now.getTime();
  // The wall clock is due by definition; only in the second pass of a fold are later minutes due too.
  let lo = timeToMinutes(wall.slice(11, 16));
  if (lo < LAST_MINUTE && dueBy(lo + 1)) {
    // Bisect for the last due minute: `lo` is due, `hi` is not (or is past the day's end).
    let hi = LAST_MINUTE + 1;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (dueBy(mid)) lo = mid;
      else hi = mid;
    }
  }
  return { date, time: minutesToTime(lo) };
}

/** See {@link dueCutoff}: a local date and the latest `HH:MM` due on it. */
export interface LocalCutoff {
  readonly date: LocalDate;
  readonly time: LocalTime;
}

function timeToMinutes(time: LocalTime): number {
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return hh * 60 + mm;
}

function minutesToTime(minutes: number): LocalTime {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The instants bounding the calendar day `date` in `timezone`: `[start, end)`. */
export function dayBounds(date: LocalDate, timezone: string): { start: Date; end: Date } {
  return {
    start: dueInstant(date, '00:00', timezone),
    end: dueInstant(shiftDate(date, 1), '00:00', timezone),
  };
}

/** A human date and time in `timezone`, e.g. `Mon 30 Nov 2026, 08:00 (Europe/Berlin)`. */
export function describeInstant(instant: Date, timezone: string): string {
  return `${format(new TZDate(instant.getTime(), timezone), 'EEE d MMM yyyy, HH:mm')} (${timezone})`;
}

/** A human date, e.g. `Tue 11 Jan 2022`. */
export function describeDate(date: LocalDate): string {
  return format(parseISO(date), 'EEE d MMM yyyy');
}

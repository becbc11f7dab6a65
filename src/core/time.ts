import { TZDate } from '@date-fns/tz';
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

/**
 * The instant when the wall clock in `timezone` shows `time` on `date`. In a DST gap (02:30 on a
 * spring-forward day) that is the first instant after the gap; in a fold, the first occurrence.
 */
export function zonedInstant(date: LocalDate, time: LocalTime, timezone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return new Date(new TZDate(y, m - 1, d, hh, mm, timezone).getTime());
}

/** The instants bounding the calendar day `date` in `timezone`: `[start, end)`. */
export function dayBounds(date: LocalDate, timezone: string): { start: Date; end: Date } {
  return {
    start: zonedInstant(date, '00:00', timezone),
    end: zonedInstant(shiftDate(date, 1), '00:00', timezone),
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

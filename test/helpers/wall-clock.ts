/**
 * An oracle for local time that shares nothing with the product's `src/core/time.ts`: it asks
 * `Intl.DateTimeFormat` what the wall clock shows at each whole minute and searches those readings.
 * Slow (a format call per minute scanned) and obviously right, which is what expected values need.
 */

const MINUTE_MS = 60_000;
/** Every zone's offset is within ±14 h, so a day's readings lie within these bounds of it read as UTC. */
const SCAN_MARGIN_MS = 15 * 3_600_000;

const formats = new Map<string, Intl.DateTimeFormat>();

/** The wall clock at `instant` in `timezone`, as `YYYY-MM-DD HH:MM` (sortable). */
export function wallClock(instant: Date | number, timezone: string): string {
  let format = formats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formats.set(timezone, format);
  }
  // `format` is fifty times faster than `formatToParts`; en-CA reads `2027-10-31, 02:30`.
  const text = format.format(instant);
  const match = /^(\d{4}-\d{2}-\d{2}),? (\d{2}:\d{2})$/.exec(text);
  if (!match) throw new Error(`unexpected Intl output ${JSON.stringify(text)}`);
  return `${match[1]} ${match[2]}`;
}

/** The local date of `instant` in `timezone`, `YYYY-MM-DD`. */
export function wallDate(instant: Date | number, timezone: string): string {
  return wallClock(instant, timezone).slice(0, 10);
}

/** `HH:MM` of a minute of the day. */
export function hhmm(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** One local day as the clocks show it: for each `HH:MM`, the instants showing it, and the first instant showing it or later. */
export interface ScannedDay {
  readonly date: string;
  readonly timezone: string;
  /** Indexed by minute of the day (0–1439): every whole-minute instant whose wall clock reads it (none in a gap, two in a fold). */
  readonly showing: readonly (readonly Date[])[];
  /** Indexed by minute of the day: the first whole-minute instant whose wall clock reads that minute of `date`, or later. */
  readonly firstAtOrAfter: readonly Date[];
}

/** Scans every minute around `date` in `timezone` (about 30 h of format calls). */
export function scanDay(date: string, timezone: string): ScannedDay {
  const showing: Date[][] = Array.from({ length: 1440 }, () => []);
  const firstAtOrAfter: Date[] = [];
  const midnight = Date.parse(`${date}T00:00:00Z`);
  let reached = -1; // the highest minute of `date` the clock has shown (or passed) so far
  for (let t = midnight - SCAN_MARGIN_MS; t <= midnight + 24 * 3_600_000 + SCAN_MARGIN_MS; t += MINUTE_MS) {
    const wall = wallClock(t, timezone);
    const day = wall.slice(0, 10);
    if (day < date) continue;
    const minute = day > date ? 1440 : Number(wall.slice(11, 13)) * 60 + Number(wall.slice(14, 16));
    if (minute < 1440) showing[minute]!.push(new Date(t));
    for (let m = reached + 1; m <= Math.min(minute, 1439); m++) firstAtOrAfter[m] = new Date(t);
    reached = Math.max(reached, Math.min(minute, 1439));
    if (day > date && reached === 1439) break;
  }
  if (firstAtOrAfter.length !== 1440)
    throw new Error(`scanDay(${date}, ${timezone}) did not reach the day's end`);
  return { date, timezone, showing, firstAtOrAfter };
}

/** The first whole-minute instant at which the clock in `timezone` shows `date` `time`, or later. */
export function firstShowing(date: string, time: string, timezone: string): Date {
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return scanDay(date, timezone).firstAtOrAfter[hh * 60 + mm]!;
}

/** How the bot's replies write `instant` in `zone` (`Sun 28 Mar 2027, 03:00 (Europe/Berlin)`), from Intl. */
export function described(instant: Date, zone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.weekday} ${parts.day} ${parts.month} ${parts.year}, ${parts.hour}:${parts.minute} (${zone})`;
}

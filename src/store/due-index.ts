import type { Platform } from '../core/chat.js';
import type { DueCutoff } from '../core/store.js';
import type { SubscriptionRecord } from '../core/subscription.js';
import type { LocalDate, LocalTime } from '../core/time.js';

/** Dates {@link nextDay} remembers; subscriptions share a few last-digest dates, so this stays small. */
const NEXT_DAYS_KEPT = 1000;
const nextDays = new Map<LocalDate, LocalDate>();

/**
 * The date after `date` (`YYYY-MM-DD`). It runs for every subscription a store opens, and most share
 * their last digest's date: the answer is remembered, so they also share one string.
 */
export function nextDay(date: LocalDate): LocalDate {
  let next = nextDays.get(date);
  if (next === undefined) {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    next = new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
    if (nextDays.size >= NEXT_DAYS_KEPT) nextDays.clear();
    nextDays.set(date, next);
  }
  return next;
}

/**
 * The first local date a subscription can be due on: its start date, or the day after its last
 * digest, whichever is later. For a cutoff date `D`, "startDate ≤ D and no digest for D yet" is
 * exactly "dueFrom ≤ D".
 */
export function dueFrom(record: SubscriptionRecord): LocalDate {
  const last = record.delivery.lastDigestDate;
  const start = record.settings.startDate;
  if (last === undefined) return start;
  const after = nextDay(last);
  // biome-ignore lint/complexity/useMathMinMax: these are YYYY-MM-DD strings, not numbers.
  return after > start ? after : start;
}

/** The keys at one (platform, zone, first due date), by `HH:MM`, the times kept sorted. */
class TimeSlots {
  readonly times: LocalTime[] = [];
  readonly keys = new Map<LocalTime, Set<string>>();

  add(time: LocalTime, key: string): void {
    let set = this.keys.get(time);
    if (!set) {
      set = new Set();
      this.keys.set(time, set);
      this.times.splice(sortedIndex(this.times, time), 0, time);
    }
    set.add(key);
  }

  /** Removes `key`; `true` when no key is left. */
  remove(time: LocalTime, key: string): boolean {
    const set = this.keys.get(time);
    if (!set?.delete(key)) return this.keys.size === 0;
    if (set.size === 0) {
      this.keys.delete(time);
      this.times.splice(sortedIndex(this.times, time), 1);
    }
    return this.keys.size === 0;
  }
}

/** Where `value` is, or would go, in the sorted `list`. */
function sortedIndex(list: readonly string[], value: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The active subscriptions by platform, time zone, first due date ({@link dueFrom}) and `HH:MM`: what
 * an in-memory store answers the due query from, as a database answers it from an index on
 * (timezone, time). A cutoff visits only the slots at or before its date and time, so a subscription
 * that got today's digest (its first due date is tomorrow) or whose time is later is not looked at;
 * a minute's tick on 100,000 subscriptions touches only the ones due.
 */
export class DueIndex {
  /** Platform → time zone → first due date → slots; emptied maps are removed. */
  readonly #platforms = new Map<Platform, Map<string, Map<LocalDate, TimeSlots>>>();

  add(record: SubscriptionRecord): void {
    const { settings } = record;
    if (settings.status !== 'active') return;
    let zones = this.#platforms.get(settings.chat.platform);
    if (!zones) {
      zones = new Map();
      this.#platforms.set(settings.chat.platform, zones);
    }
    let byDate = zones.get(settings.timezone);
    if (!byDate) {
      byDate = new Map();
      zones.set(settings.timezone, byDate);
    }
    const from = dueFrom(record);
    let slots = byDate.get(from);
    if (!slots) {
      slots = new TimeSlots();
      byDate.set(from, slots);
    }
    slots.add(settings.time, settings.key);
  }

  remove(record: SubscriptionRecord): void {
    const { settings } = record;
    if (settings.status !== 'active') return;
    const zones = this.#platforms.get(settings.chat.platform);
    const byDate = zones?.get(settings.timezone);
    const from = dueFrom(record);
    const slots = byDate?.get(from);
    if (!zones || !byDate || !slots) return;
    if (slots.remove(settings.time, settings.key)) byDate.delete(from);
    if (byDate.size === 0) zones.delete(settings.timezone);
  }

  /** Whether `a` and `b` sit in the same place (so a change between them needs no re-indexing). */
  static samePlace(a: SubscriptionRecord, b: SubscriptionRecord): boolean {
    const x = a.settings;
    const y = b.settings;
    return (
      x.status === y.status &&
      x.time === y.time &&
      x.timezone === y.timezone &&
      x.chat.platform === y.chat.platform &&
      x.startDate === y.startDate &&
      a.delivery.lastDigestDate === b.delivery.lastDigestDate
    );
  }

  /** Every time zone with an active subscription. */
  timezones(): string[] {
    const zones = new Set<string>();
    for (const byZone of this.#platforms.values()) for (const zone of byZone.keys()) zones.add(zone);
    return [...zones];
  }

  /**
   * The keys of the active subscriptions on `platform` whose first due date is at or before the
   * cutoff's date and whose time is at or before its time. Lazily: a page stops when it is full.
   * The caller must not re-index while iterating (claims do not move a subscription in the index).
   */
  *candidates(platform: Platform, cutoff: DueCutoff): Generator<string> {
    const byDate = this.#platforms.get(platform)?.get(cutoff.timezone);
    if (!byDate) return;
    for (const [from, slots] of byDate) {
      if (from > cutoff.date) continue;
      for (const time of slots.times) {
        if (time > cutoff.time) break;
        yield* slots.keys.get(time)!;
      }
    }
  }
}

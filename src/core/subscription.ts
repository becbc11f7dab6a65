import type { ChatKind, ChatRef, UserRef } from './chat.js';
import {
  dueCutoff,
  dueInstant,
  type LocalCutoff,
  type LocalDate,
  type LocalTime,
  localDate,
  localTime,
  shiftDate,
} from './time.js';

/** A chat's standing order for the daily digest. */
export interface Subscription {
  /** {@link chatKey} of `chat`. */
  readonly key: string;
  readonly chat: ChatRef;
  readonly chatKind: ChatKind;
  readonly chatTitle?: string;
  /** Topic slugs; empty means every topic. */
  readonly topics: readonly string[];
  /** Delivery time `HH:MM` in `timezone`. */
  readonly time: LocalTime;
  /** IANA time zone. */
  readonly timezone: string;
  readonly status: 'active' | 'paused';
  /** Why it is paused (bot blocked, channel deleted, …). */
  readonly pausedReason?: string;
  readonly createdBy: UserRef;
  /** UTC instants, ISO 8601. */
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Items published up to this instant were delivered (ISO); absent before the first digest. */
  readonly cursor?: string;
  /** The first local date on which a digest may go out (a subscription made after its time starts tomorrow). */
  readonly startDate: LocalDate;
  /** The local date of the last completed delivery (sent, or nothing to send). */
  readonly lastDigestDate?: LocalDate;
  /** Set while a delivery is under way; see {@link DeliveryClaim}. */
  readonly claim?: DeliveryClaim;
  /** Set when a multi-part digest went out only in part; `undefined` in a change clears it. */
  readonly progress?: DeliveryProgress | undefined;
  readonly stats: DeliveryStats;
}

/** "This digest is being delivered": who is sending it and until when that holds. */
export interface DeliveryClaim {
  readonly date: LocalDate;
  /** The process (or worker) that claimed it. */
  readonly owner: string;
  /** ISO instant after which another worker may take it over. */
  readonly expiresAt: string;
}

/**
 * How far a multi-part digest got, so a retry (next tick, or after a restart) sends the same digest
 * from the first part not yet delivered instead of sending the earlier parts again.
 */
export interface DeliveryProgress {
  /** The local date being delivered; progress for another date is ignored. */
  readonly date: LocalDate;
  /** The end of the digest's window (ISO), so the retry selects the same digest. */
  readonly upTo: string;
  /** How many parts, from the first, were delivered. */
  readonly partsSent: number;
}

/** Per-subscription delivery history counters. */
export interface DeliveryStats {
  readonly sent: number;
  readonly failed: number;
  readonly lastSentAt?: string;
  readonly lastError?: string;
}

/** What decides when a subscription is due: its schedule settings and the date of its last digest. */
export type Schedule = Pick<Subscription, 'status' | 'time' | 'timezone' | 'startDate'> & {
  readonly lastDigestDate?: LocalDate | undefined;
};

/**
 * The first local date a subscription at `time` in `timezone` made at `now` can receive a digest:
 * today until today's {@link dueInstant} has passed (made in the minute it is due still counts), else
 * tomorrow. In a DST gap that instant is the first one after the gap; in a fold, the first occurrence.
 */
export function firstDeliveryDate(time: LocalTime, timezone: string, now: Date): LocalDate {
  const today = localDate(now, timezone);
  const minute = now.getTime() - (now.getTime() % 60_000);
  return dueInstant(today, time, timezone).getTime() >= minute ? today : shiftDate(today, 1);
}

/**
 * Whether the subscription should get its digest at `now`, and for which local date: it is active,
 * today's {@link dueInstant} for its `HH:MM` has passed, and it has had no digest for this local date.
 * "Passed" rather than "equal" covers missed ticks, downtime, DST gaps and a restart inside a fold;
 * the date check makes it once a day.
 */
export function isDue(sub: Schedule, now: Date): LocalDate | undefined {
  if (sub.status !== 'active') return undefined;
  return isDueAt(sub, dueCutoff(now, sub.timezone));
}

/** The wall clock in one time zone at one instant. */
export interface LocalNow {
  readonly date: LocalDate;
  readonly time: LocalTime;
}

/**
 * The local date and time of `now` in `timezone`. Not "what is due": after a fall-back the clock
 * shows an hour again whose first occurrence already passed; {@link dueCutoff} accounts for that.
 * @deprecated Due checks take {@link dueCutoff}; this stays until the store port's engine uses it.
 */
export function localNow(now: Date, timezone: string): LocalNow {
  return { date: localDate(now, timezone), time: localTime(now, timezone) };
}

/**
 * {@link isDue} with the zone's {@link dueCutoff} already known: a delivery run computes it once per
 * time zone rather than once per subscription (formatting dominates at 100,000 chats).
 */
export function isDueAt(sub: Schedule, cutoff: LocalCutoff): LocalDate | undefined {
  if (sub.status !== 'active') return undefined;
  return dueDateAt(sub.time, sub.startDate, sub.lastDigestDate, cutoff);
}

/**
 * The local date a digest at `time` is owed for at `cutoff` (the zone's {@link dueCutoff}), given
 * the subscription's first date and the date of its last delivery; `undefined` when none is owed.
 */
export function dueDateAt(
  time: LocalTime,
  startDate: LocalDate,
  lastDigestDate: LocalDate | undefined,
  cutoff: LocalCutoff,
): LocalDate | undefined {
  if (cutoff.date < startDate) return undefined;
  if (lastDigestDate !== undefined && lastDigestDate >= cutoff.date) return undefined;
  return time <= cutoff.time ? cutoff.date : undefined;
}

/**
 * The instant of the next delivery at or after `now` (now itself when it is due), or `undefined`
 * when paused: the {@link dueInstant} of the first local date that can still get one. This is what
 * `/subscribe` and `/settings` name, so it agrees with the engine by construction.
 */
export function nextDelivery(sub: Schedule, now: Date): Date | undefined {
  if (sub.status !== 'active') return undefined;
  const cutoff = dueCutoff(now, sub.timezone);
  if (isDueAt(sub, cutoff)) return now;
  let date = cutoff.date;
  if (sub.startDate > date) date = sub.startDate;
  if (sub.lastDigestDate !== undefined && sub.lastDigestDate >= date) date = shiftDate(sub.lastDigestDate, 1);
  // Not due today means today's time is still ahead, or today is done and `date` is a later day;
  // only a fold back across midnight can put that day's time behind now (then the day after).
  const at = dueInstant(date, sub.time, sub.timezone);
  return at.getTime() > now.getTime() ? at : dueInstant(shiftDate(date, 1), sub.time, sub.timezone);
}

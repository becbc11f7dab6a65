import type { ChatKind, ChatRef, UserRef } from './chat.js';
import { type LocalDate, type LocalTime, localDate, localTime, shiftDate, zonedInstant } from './time.js';

/**
 * A chat's standing order for the daily digest: the settings its admins choose with `/subscribe`
 * (and the pause the platform forces on it). What changes on every send lives apart, in its
 * {@link DeliveryState}, so that recording an outcome never rewrites the settings and a `/subscribe`
 * never rewrites the delivery state.
 */
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
  /** The first local date on which a digest may go out (a subscription made after its time starts tomorrow). */
  readonly startDate: LocalDate;
}

/**
 * A subscription's delivery record: where its digests got to, the claim of the delivery under way,
 * and its counters. Written by delivery only, apart from the {@link Subscription} settings.
 */
export interface DeliveryState {
  /** Items published up to this instant were delivered (ISO); absent before the first digest. */
  readonly cursor?: string;
  /** The local date of the last completed delivery (sent, or nothing to send). */
  readonly lastDigestDate?: LocalDate;
  /** Set while a delivery is under way; see {@link DeliveryClaim}. */
  readonly claim?: DeliveryClaim;
  /** Set when a multi-part digest went out only in part. */
  readonly progress?: DeliveryProgress;
  /** Digests sent. */
  readonly sent: number;
  /** Deliveries given up (each retried later). */
  readonly failed: number;
  /** When the last digest was sent (ISO). */
  readonly lastSentAt?: string;
  /** Why the last delivery failed or paused the subscription. */
  readonly lastError?: string;
  /** After a failed delivery: not claimed again before this instant (ISO), so a run does not retry it at once. */
  readonly retryAt?: string;
}

/** The delivery record of a subscription that has had no delivery yet. */
export const NO_DELIVERY: DeliveryState = { sent: 0, failed: 0 };

/** A subscription as a store holds it: its settings and its delivery record. */
export interface SubscriptionRecord {
  readonly settings: Subscription;
  readonly delivery: DeliveryState;
}

/** "This digest is being delivered": who is sending it and until when that holds (a lease). */
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

/** What decides when a subscription is due: its schedule settings and the date of its last digest. */
export type Schedule = Pick<Subscription, 'status' | 'time' | 'timezone' | 'startDate'> & {
  readonly lastDigestDate?: LocalDate | undefined;
};

/** The {@link Schedule} of a stored subscription. */
export function scheduleOf(record: SubscriptionRecord): Schedule {
  return { ...record.settings, lastDigestDate: record.delivery.lastDigestDate };
}

/** The first local date a subscription at `time` in `timezone` made at `now` can receive a digest: today until `time` has passed (made at 08:00 for 08:00 still counts), else tomorrow. */
export function firstDeliveryDate(time: LocalTime, timezone: string, now: Date): LocalDate {
  const today = localDate(now, timezone);
  return localTime(now, timezone) <= time ? today : shiftDate(today, 1);
}

/**
 * Whether the subscription should get its digest at `now`: it is active, its local time is at or
 * past `HH:MM`, and it has had no digest for this local date. Comparing "at or past" rather than
 * "equal" covers missed ticks, downtime and DST gaps; the date check covers folds and restarts.
 */
export function isDue(sub: Schedule, now: Date): LocalDate | undefined {
  if (sub.status !== 'active') return undefined;
  return isDueAt(sub, localNow(now, sub.timezone));
}

/** The wall clock in one time zone at one instant. */
export interface LocalNow {
  readonly date: LocalDate;
  readonly time: LocalTime;
}

/** The local date and time of `now` in `timezone`. */
export function localNow(now: Date, timezone: string): LocalNow {
  return { date: localDate(now, timezone), time: localTime(now, timezone) };
}

/**
 * {@link isDue} with the subscription's local date and time already known: a delivery run computes
 * them once per time zone rather than once per subscription (formatting dominates at 100,000 chats).
 */
export function isDueAt(sub: Schedule, local: LocalNow): LocalDate | undefined {
  if (sub.status !== 'active') return undefined;
  if (local.date < sub.startDate) return undefined;
  if (sub.lastDigestDate !== undefined && sub.lastDigestDate >= local.date) return undefined;
  return local.time >= sub.time ? local.date : undefined;
}

/** The instant of the next delivery at or after `now` (now itself when it is due), or `undefined` when paused. */
export function nextDelivery(sub: Schedule, now: Date): Date | undefined {
  if (sub.status !== 'active') return undefined;
  if (isDue(sub, now)) return now;
  const today = localDate(now, sub.timezone);
  // biome-ignore lint/complexity/useMathMinMax: these are YYYY-MM-DD strings, not numbers.
  let date = sub.startDate > today ? sub.startDate : today;
  if (sub.lastDigestDate !== undefined && sub.lastDigestDate >= date) date = shiftDate(sub.lastDigestDate, 1);
  // A DST gap can put today's HH:MM before now; the loop then moves to tomorrow (at most twice).
  for (let i = 0; i < 3; i++) {
    const at = zonedInstant(date, sub.time, sub.timezone);
    if (at.getTime() > now.getTime()) return at;
    date = shiftDate(date, 1);
  }
  return zonedInstant(date, sub.time, sub.timezone);
}

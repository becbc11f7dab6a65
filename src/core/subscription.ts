import type { ChatKind, ChatRef, UserRef } from './chat.js';
import {
  dueCutoff,
  dueInstant,
  type LocalCutoff,
  type LocalDate,
  type LocalTime,
  localDate,
  shiftDate,
} from './time.js';

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

/** Every field of a {@link DeliveryState}, for code that tells delivery fields from settings. */
export const DELIVERY_FIELDS = [
  'cursor',
  'lastDigestDate',
  'claim',
  'progress',
  'sent',
  'failed',
  'lastSentAt',
  'lastError',
  'retryAt',
] as const satisfies readonly (keyof DeliveryState)[];

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

/**
 * {@link isDue} with the zone's {@link dueCutoff} already known. The store answers the same question
 * for a whole run from the same cutoffs (`DueCutoff` in `store.ts`): `HH:MM` at or before the
 * cutoff's time, `startDate` at or before its date, and no digest for that date yet.
 */
export function isDueAt(sub: Schedule, cutoff: LocalCutoff): LocalDate | undefined {
  if (sub.status !== 'active') return undefined;
  if (cutoff.date < sub.startDate) return undefined;
  if (sub.lastDigestDate !== undefined && sub.lastDigestDate >= cutoff.date) return undefined;
  return sub.time <= cutoff.time ? cutoff.date : undefined;
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

/**
 * Subscriptions as PostgreSQL rows and back: the settings row (`subscriptions`), the delivery row
 * (`deliveries`, with its copy of the schedule) and the columns a read selects. See
 * `migrations/001_core.sql` for the tables.
 */
import type {
  DeliveryProgress,
  DeliveryState,
  Subscription,
  SubscriptionRecord,
} from '../../core/subscription.js';

/** The columns of `subscriptions`, as `jsonb_to_recordset` reads them. */
export interface SettingsRow {
  readonly key: string;
  readonly platform: string;
  readonly chat_key: string;
  readonly guild: string | null;
  readonly status: string;
  readonly settings: Subscription;
}

/** The schedule columns of `deliveries`: copies of the settings the due query reads. */
export interface ScheduleRow {
  readonly key: string;
  readonly platform: string;
  readonly timezone: string;
  readonly delivery_time: string;
  readonly active: boolean;
  readonly start_date: string;
}

/** The delivery-record columns of `deliveries` (the claim apart). */
export interface DeliveryRow extends ScheduleRow {
  readonly cursor: string | null;
  readonly last_digest_date: string | null;
  readonly last_sent_at: string | null;
  readonly sent: number;
  readonly failed: number;
  readonly last_error: string | null;
  readonly retry_at: string | null;
  readonly progress: DeliveryProgress | null;
}

/** `jsonb_to_recordset` column list for {@link SettingsRow}. */
export const SETTINGS_RECORDSET =
  'key text, platform text, chat_key text, guild text, status text, settings jsonb';

/** `jsonb_to_recordset` column list for {@link DeliveryRow}. */
export const DELIVERY_RECORDSET =
  'key text, platform text, timezone text, delivery_time text, active boolean, start_date date, ' +
  'cursor text, last_digest_date date, last_sent_at text, sent integer, failed integer, ' +
  'last_error text, retry_at timestamptz, progress jsonb';

/** The key of a chat without its forum topic. */
export function chatIdKey(chat: { readonly platform: string; readonly id: string }): string {
  return `${chat.platform}:${chat.id}`;
}

export function settingsRow(settings: Subscription): SettingsRow {
  return {
    key: settings.key,
    platform: settings.chat.platform,
    chat_key: chatIdKey(settings.chat),
    guild: settings.chat.guild ?? null,
    status: settings.status,
    settings,
  };
}

export function scheduleRow(settings: Subscription): ScheduleRow {
  return {
    key: settings.key,
    platform: settings.chat.platform,
    timezone: settings.timezone,
    delivery_time: settings.time,
    active: settings.status === 'active',
    start_date: settings.startDate,
  };
}

/** The delivery row of a whole record (its claim left out, as an import leaves it). */
export function deliveryRow(record: SubscriptionRecord): DeliveryRow {
  const d = record.delivery;
  return {
    ...scheduleRow(record.settings),
    cursor: d.cursor ?? null,
    last_digest_date: d.lastDigestDate ?? null,
    last_sent_at: d.lastSentAt ?? null,
    sent: d.sent,
    failed: d.failed,
    last_error: d.lastError ?? null,
    retry_at: d.retryAt ?? null,
    progress: d.progress ?? null,
  };
}

/** What a read selects of a subscription, from `subscriptions s JOIN deliveries d`. */
export const RECORD_COLUMNS =
  's.settings, d.cursor, d.last_digest_date::text AS last_digest_date, d.sent, d.failed, ' +
  'd.last_sent_at, d.last_error, d.retry_at, d.progress, d.claim_owner, ' +
  'd.claim_date::text AS claim_date, d.claim_expires_at';

/** A row of {@link RECORD_COLUMNS} as node-postgres returns it (timestamptz as `Date`). */
export interface RecordRow {
  readonly settings: Subscription;
  readonly cursor: string | null;
  readonly last_digest_date: string | null;
  readonly sent: number;
  readonly failed: number;
  readonly last_sent_at: string | null;
  readonly last_error: string | null;
  readonly retry_at: Date | null;
  readonly progress: DeliveryProgress | null;
  readonly claim_owner: string | null;
  readonly claim_date: string | null;
  readonly claim_expires_at: Date | null;
}

export function deliveryOf(row: RecordRow): DeliveryState {
  // Filled field by field rather than spread from conditional objects: this runs for every row a
  // claim page returns (hundreds of thousands in a fan-out), and each spread is an object more.
  const d: { -readonly [K in keyof DeliveryState]: DeliveryState[K] } = {
    sent: row.sent,
    failed: row.failed,
  };
  if (row.cursor !== null) d.cursor = row.cursor;
  if (row.last_digest_date !== null) d.lastDigestDate = row.last_digest_date;
  if (row.claim_owner !== null && row.claim_date !== null && row.claim_expires_at !== null) {
    d.claim = { date: row.claim_date, owner: row.claim_owner, expiresAt: row.claim_expires_at.toISOString() };
  }
  if (row.progress !== null) d.progress = row.progress;
  if (row.last_sent_at !== null) d.lastSentAt = row.last_sent_at;
  if (row.last_error !== null) d.lastError = row.last_error;
  if (row.retry_at !== null) d.retryAt = row.retry_at.toISOString();
  return d;
}

export function recordOf(row: RecordRow): SubscriptionRecord {
  return { settings: row.settings, delivery: deliveryOf(row) };
}

import { chatKey } from '../core/chat.js';
import {
  DELIVERY_FIELDS,
  type DeliveryState,
  type Subscription,
  type SubscriptionRecord,
} from '../core/subscription.js';
import type { StringPool } from './subscription-table.js';

/**
 * The columns of a subscription row in a shard file, in the order this version writes them: the
 * settings, then the delivery record. A file names its columns, so a reader finds each by name;
 * `extra` holds, as an object, any field no column covers (and `key` when it is not the chat's
 * key), so nothing is ever lost. Claims are not written: they die with the process that took them.
 */
export const SUBSCRIPTION_COLUMNS = [
  'platform',
  'chatId',
  'thread',
  'guild',
  'chatKind',
  'chatTitle',
  'topics',
  'time',
  'timezone',
  'status',
  'pausedReason',
  'createdByPlatform',
  'createdById',
  'createdByName',
  'createdAt',
  'updatedAt',
  'startDate',
  'cursor',
  'lastDigestDate',
  'progress',
  'sent',
  'failed',
  'lastSentAt',
  'lastError',
  'retryAt',
  'extra',
] as const;

export type SubscriptionColumn = (typeof SUBSCRIPTION_COLUMNS)[number];
/** One subscription as a row: a value per column, `null` for an absent optional field. */
export type SubscriptionRow = readonly unknown[];

/** The fields the columns cover; anything else goes to `extra`. */
const COVERED: ReadonlySet<string> = new Set<keyof Subscription>([
  'key',
  'chat',
  'chatKind',
  'chatTitle',
  'topics',
  'time',
  'timezone',
  'status',
  'pausedReason',
  'createdBy',
  'createdAt',
  'updatedAt',
  'startDate',
]);
const COVERED_CHAT: ReadonlySet<string> = new Set<keyof Subscription['chat']>([
  'platform',
  'id',
  'thread',
  'guild',
]);
const COVERED_USER: ReadonlySet<string> = new Set<keyof Subscription['createdBy']>([
  'platform',
  'id',
  'name',
]);
/** Every delivery field has a column, except the claim, which is left out on purpose. */
const COVERED_DELIVERY: ReadonlySet<string> = new Set(DELIVERY_FIELDS);

/** The fields of `value` outside `covered`, or `undefined` when there are none. */
function uncovered(value: object, covered: ReadonlySet<string>): Record<string, unknown> | undefined {
  let rest: Record<string, unknown> | undefined;
  // for…in over a plain object: no array per field (Object.entries made one, for every subscription).
  for (const k in value) {
    if (covered.has(k)) continue;
    const v = (value as Record<string, unknown>)[k];
    if (v === undefined || !Object.hasOwn(value, k)) continue;
    rest ??= {};
    rest[k] = v;
  }
  return rest;
}

/** What of `record` no column covers: the settings' own extra fields, and those of its chat, creator and delivery record. */
function extraOf({ settings: sub, delivery }: SubscriptionRecord): Record<string, unknown> | null {
  let extra = uncovered(sub, COVERED);
  if (sub.key !== chatKey(sub.chat)) extra = { ...extra, key: sub.key };
  const chat = uncovered(sub.chat, COVERED_CHAT);
  if (chat) extra = { ...extra, 'chat.': chat };
  const user = uncovered(sub.createdBy, COVERED_USER);
  if (user) extra = { ...extra, 'createdBy.': user };
  const more = uncovered(delivery, COVERED_DELIVERY);
  if (more) extra = { ...extra, 'delivery.': more };
  return extra ?? null;
}

/** `record` as a row of {@link SUBSCRIPTION_COLUMNS} (its claim left out). */
export function toRow(record: SubscriptionRecord): SubscriptionRow {
  const { settings: sub, delivery } = record;
  return [
    sub.chat.platform,
    sub.chat.id,
    sub.chat.thread ?? null,
    sub.chat.guild ?? null,
    sub.chatKind,
    sub.chatTitle ?? null,
    sub.topics,
    sub.time,
    sub.timezone,
    sub.status,
    sub.pausedReason ?? null,
    sub.createdBy.platform,
    sub.createdBy.id,
    sub.createdBy.name,
    sub.createdAt,
    sub.updatedAt,
    sub.startDate,
    delivery.cursor ?? null,
    delivery.lastDigestDate ?? null,
    delivery.progress ?? null,
    delivery.sent,
    delivery.failed,
    delivery.lastSentAt ?? null,
    delivery.lastError ?? null,
    delivery.retryAt ?? null,
    extraOf(record),
  ];
}

/** Where each column this version knows is in a file's rows (`-1`: the file has no such column). */
export type ColumnPositions = Readonly<Record<SubscriptionColumn, number>>;

/**
 * The positions of the known columns in a file that lists `columns`, or the first column this version
 * does not know (a file written by a newer Briefcast, whose data this one would drop).
 */
export function columnPositions(columns: readonly string[]): ColumnPositions | { unknown: string } {
  const known = new Set<string>(SUBSCRIPTION_COLUMNS);
  const unknown = columns.find((c) => !known.has(c));
  if (unknown !== undefined) return { unknown };
  const positions = {} as Record<SubscriptionColumn, number>;
  for (const c of SUBSCRIPTION_COLUMNS) positions[c] = columns.indexOf(c);
  return positions;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The columns every row needs. */
const REQUIRED: readonly SubscriptionColumn[] = [
  'platform',
  'chatId',
  'chatKind',
  'topics',
  'time',
  'timezone',
  'status',
  'createdByPlatform',
  'createdById',
  'createdByName',
  'createdAt',
  'updatedAt',
  'startDate',
  'sent',
  'failed',
];

/** Whether every column a subscription needs is in the file. */
export function hasRequiredColumns(at: ColumnPositions): boolean {
  return REQUIRED.every((c) => at[c] >= 0);
}

/** A string, or `undefined` for `null` or a missing column; `false` when it is neither. */
function optionalString(v: unknown): string | undefined | false {
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? v : false;
}

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/**
 * Turns the rows of one shard file back into subscriptions, checking each. Positions are looked up
 * once per file; a column the file lacks is at `-1`, where every row holds `undefined`. Optional
 * fields that are `null` are left out, as the core leaves them. Repeating strings are shared through
 * the pool. Decoding 100,000 rows takes about 100 ms here.
 */
export class RowDecoder {
  readonly #at: ColumnPositions;
  readonly #pool: StringPool;

  constructor(at: ColumnPositions, pool: StringPool) {
    this.#at = at;
    this.#pool = pool;
  }

  /** The subscription in `row`, or `undefined` when the row does not hold one. */
  decode(row: unknown): SubscriptionRecord | undefined {
    if (!Array.isArray(row)) return undefined;
    const at = this.#at;
    const pool = this.#pool;
    const platform = row[at.platform];
    const chatId = row[at.chatId];
    const thread = optionalString(row[at.thread]);
    const guild = optionalString(row[at.guild]);
    const chatKind = row[at.chatKind];
    const chatTitle = optionalString(row[at.chatTitle]);
    const topics = row[at.topics];
    const time = row[at.time];
    const timezone = row[at.timezone];
    const status = row[at.status];
    const pausedReason = optionalString(row[at.pausedReason]);
    const byPlatform = row[at.createdByPlatform];
    const byId = row[at.createdById];
    const byName = row[at.createdByName];
    const createdAt = row[at.createdAt];
    const updatedAt = row[at.updatedAt];
    const cursor = optionalString(row[at.cursor]);
    const startDate = row[at.startDate];
    const lastDigestDate = optionalString(row[at.lastDigestDate]);
    const progress = row[at.progress] ?? undefined;
    const sent = row[at.sent];
    const failed = row[at.failed];
    const lastSentAt = optionalString(row[at.lastSentAt]);
    const lastError = optionalString(row[at.lastError]);
    const retryAt = optionalString(row[at.retryAt]);
    const extra = row[at.extra] ?? undefined;
    if (
      !isString(platform) ||
      !isString(chatId) ||
      thread === false ||
      guild === false ||
      !isString(chatKind) ||
      chatTitle === false ||
      !Array.isArray(topics) ||
      !topics.every(isString) ||
      !isString(time) ||
      !isString(timezone) ||
      !isString(status) ||
      pausedReason === false ||
      !isString(byPlatform) ||
      !isString(byId) ||
      !isString(byName) ||
      !isString(createdAt) ||
      !isString(updatedAt) ||
      cursor === false ||
      !isString(startDate) ||
      lastDigestDate === false ||
      (progress !== undefined && !isObject(progress)) ||
      !isCount(sent) ||
      !isCount(failed) ||
      lastSentAt === false ||
      lastError === false ||
      retryAt === false ||
      (extra !== undefined && !isObject(extra))
    ) {
      return undefined;
    }

    const chat: Record<string, unknown> = { platform: pool.get(platform), id: chatId };
    if (thread !== undefined) chat.thread = thread;
    if (guild !== undefined) chat.guild = pool.get(guild);
    const createdBy: Record<string, unknown> = { platform: pool.get(byPlatform), id: byId, name: byName };
    const sub: Record<string, unknown> = { key: undefined, chat, chatKind: pool.get(chatKind) };
    if (chatTitle !== undefined) sub.chatTitle = chatTitle;
    sub.topics = pool.topics(topics as string[]);
    sub.time = pool.get(time);
    sub.timezone = pool.get(timezone);
    sub.status = pool.get(status);
    if (pausedReason !== undefined) sub.pausedReason = pool.get(pausedReason);
    sub.createdBy = createdBy;
    sub.createdAt = pool.get(createdAt);
    sub.updatedAt = pool.get(updatedAt);
    sub.startDate = pool.get(startDate);
    let delivery: Record<string, unknown> = {};
    if (cursor !== undefined) delivery.cursor = pool.get(cursor);
    if (lastDigestDate !== undefined) delivery.lastDigestDate = pool.get(lastDigestDate);
    if (progress !== undefined) delivery.progress = progress;
    delivery.sent = sent;
    delivery.failed = failed;
    if (lastSentAt !== undefined) delivery.lastSentAt = pool.get(lastSentAt);
    if (lastError !== undefined) delivery.lastError = lastError;
    if (retryAt !== undefined) delivery.retryAt = retryAt;
    if (extra !== undefined) {
      const { key, 'chat.': chatExtra, 'createdBy.': userExtra, 'delivery.': deliveryExtra, ...rest } = extra;
      Object.assign(sub, rest);
      if (isString(key)) sub.key = key;
      if (isObject(chatExtra)) sub.chat = { ...chatExtra, ...chat };
      if (isObject(userExtra)) sub.createdBy = { ...userExtra, ...createdBy };
      if (isObject(deliveryExtra)) delivery = { ...deliveryExtra, ...delivery };
    }
    sub.key ??= chatKey(sub.chat as Subscription['chat']);
    return { settings: sub as unknown as Subscription, delivery: delivery as unknown as DeliveryState };
  }
}

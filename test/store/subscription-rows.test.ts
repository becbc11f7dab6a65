import { describe, expect, it } from 'vitest';
import { NO_DELIVERY, type SubscriptionRecord } from '../../src/core/subscription.js';
import {
  type ColumnPositions,
  columnPositions,
  hasRequiredColumns,
  RowDecoder,
  SUBSCRIPTION_COLUMNS,
  toRow,
} from '../../src/store/subscription-rows.js';
import { StringPool } from '../../src/store/subscription-table.js';
import { subscriptionFor } from '../helpers/fixtures.js';

const at = columnPositions(SUBSCRIPTION_COLUMNS) as ColumnPositions;
const roundTrip = (record: SubscriptionRecord) => new RowDecoder(at, new StringPool()).decode(toRow(record));

/** A subscription with every optional field set, settings and delivery record. */
const full: SubscriptionRecord = {
  settings: subscriptionFor(
    { platform: 'telegram', id: '-1001', thread: '42' },
    {
      chatKind: 'group',
      chatTitle: '链圈 news',
      topics: ['mining', 'nft'],
      time: '07:45',
      timezone: 'Asia/Kathmandu',
      status: 'paused',
      pausedReason: 'the bot was removed from the chat',
    },
  ),
  delivery: {
    cursor: '2026-11-28T00:00:00.000Z',
    lastDigestDate: '2026-11-28',
    progress: { date: '2026-11-29', upTo: '2026-11-29T02:00:00.000Z', partsSent: 2 },
    sent: 12,
    failed: 3,
    lastSentAt: '2026-11-28T02:00:00.000Z',
    lastError: 'network',
    retryAt: '2026-11-29T02:00:30.000Z',
  },
};

describe('subscription rows', () => {
  it('give back every field of a subscription, optional ones included', () => {
    expect(roundTrip(full)).toStrictEqual(full);
    const inGuild = {
      settings: subscriptionFor({ platform: 'discord', id: '9', guild: '88' }),
      delivery: NO_DELIVERY,
    };
    expect(roundTrip(inGuild)).toStrictEqual(inGuild);
  });

  it('give back a subscription with no optional field without adding any', () => {
    const bare = { settings: subscriptionFor({ platform: 'discord', id: '123' }), delivery: NO_DELIVERY };
    const back = roundTrip(bare)!;
    expect(back).toStrictEqual(bare);
    expect(Object.keys(back.settings).sort()).toEqual(Object.keys(bare.settings).sort());
    expect(Object.keys(back.delivery).sort()).toEqual(['failed', 'sent']);
  });

  it('leave the claim out: it dies with the process that took it', () => {
    const claimed = {
      ...full,
      delivery: {
        ...full.delivery,
        claim: { date: '2026-11-29', owner: 'p1', expiresAt: '2999-01-01T00:00:00Z' },
      },
    };
    expect(JSON.stringify(toRow(claimed))).not.toContain('p1');
    expect(roundTrip(claimed)).toStrictEqual(full);
  });

  it('keep fields no column covers, and a key that is not the chat’s', () => {
    const odd = {
      settings: {
        ...full.settings,
        key: 'telegram:-999',
        future: { a: 1 },
        chat: { ...full.settings.chat, kind: 'forum' },
      },
      delivery: { ...full.delivery, skipped: 4 },
    } as unknown as SubscriptionRecord;
    expect(roundTrip(odd)).toStrictEqual(odd);
  });

  it('are read by column name, whatever order a file lists them in, and without optional columns', () => {
    const reversed = [...SUBSCRIPTION_COLUMNS].reverse();
    const positions = columnPositions(reversed) as ColumnPositions;
    const row = [...toRow(full)].reverse();
    expect(new RowDecoder(positions, new StringPool()).decode(row)).toStrictEqual(full);

    const required = SUBSCRIPTION_COLUMNS.filter((c) => !['chatTitle', 'extra', 'progress'].includes(c));
    const few = columnPositions(required) as ColumnPositions;
    expect(hasRequiredColumns(few)).toBe(true);
    const fewRow = required.map((c) => toRow(full)[SUBSCRIPTION_COLUMNS.indexOf(c)]);
    const { chatTitle: _t, ...settings } = full.settings;
    const { progress: _p, ...delivery } = full.delivery;
    expect(new RowDecoder(few, new StringPool()).decode(fewRow)).toStrictEqual({ settings, delivery });
  });
  it('refuse a file naming a column this version does not know, or lacking one it needs', () => {
    expect(columnPositions([...SUBSCRIPTION_COLUMNS, 'mood'])).toEqual({ unknown: 'mood' });
    const noTime = columnPositions(SUBSCRIPTION_COLUMNS.filter((c) => c !== 'time')) as ColumnPositions;
    expect(hasRequiredColumns(noTime)).toBe(false);
  });

  it.each([
    ['not an array', () => ({ platform: 'telegram' })],
    ['a short row', () => toRow(full).slice(0, 5)],
    ['a number as chat id', () => toRow(full).with(SUBSCRIPTION_COLUMNS.indexOf('chatId'), 1001)],
    ['topics not a list', () => toRow(full).with(SUBSCRIPTION_COLUMNS.indexOf('topics'), 'mining')],
    ['a negative count', () => toRow(full).with(SUBSCRIPTION_COLUMNS.indexOf('sent'), -1)],
    ['a number as cursor', () => toRow(full).with(SUBSCRIPTION_COLUMNS.indexOf('cursor'), 5)],
    ['a list as extra', () => toRow(full).with(SUBSCRIPTION_COLUMNS.indexOf('extra'), [])],
  ])('decode nothing from %s', (_what, row) => {
    expect(new RowDecoder(at, new StringPool()).decode(row())).toBeUndefined();
  });

  it('share repeating strings between subscriptions', () => {
    const pool = new StringPool();
    const decoder = new RowDecoder(at, pool);
    const a = decoder.decode(JSON.parse(JSON.stringify(toRow(full))))!;
    const b = decoder.decode(JSON.parse(JSON.stringify(toRow(full))))!;
    expect(a.settings.topics).toBe(b.settings.topics);
    expect(a).toStrictEqual(b);
  });
});

/**
 * The contract every `Store` keeps (see `src/core/store.ts`), as one test suite. A store runs it with
 * one line in its own test file:
 *
 * ```ts
 * describeStoreContract('PostgresStore', () => openTestPostgresStore());
 * ```
 *
 * `open` is called for every test and must give an empty store; the suite closes it after the test.
 * A future store passes this suite or is not done.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatRef, Platform } from '../../src/core/chat.js';
import type { Item } from '../../src/core/items.js';
import type { ClaimedDelivery, DeliveryRun, DueCutoff, DueQuery, Store } from '../../src/core/store.js';
import { NO_DELIVERY, type Subscription } from '../../src/core/subscription.js';
import { type SubscriptionSeed, splitSeed, subscriptionFor, TEST_AUTHOR } from '../helpers/fixtures.js';
import { wireStoreContract } from '../wire/store-contract.js';

const DATE = '2026-11-29';
const NOW = '2026-11-29T08:00:00.000Z';
const LEASE_END = '2026-11-29T08:10:00.000Z';
const UTC_0800: DueCutoff = { timezone: 'UTC', date: DATE, time: '08:00' };

/** A due query for `owner` at {@link NOW}, with its lease ending at {@link LEASE_END}. */
function query(owner: string, over: Partial<DueQuery> = {}): DueQuery {
  return {
    cutoffs: [UTC_0800],
    platforms: ['telegram', 'discord', 'console'],
    owner,
    expiresAt: LEASE_END,
    now: NOW,
    limit: 100,
    ...over,
  };
}

const keysOf = (claimed: readonly ClaimedDelivery[]) => claimed.map((c) => c.settings.key).sort();

/** Settings of `chat` (a key such as `telegram:-1001#7` or a ref; 08:00 UTC, started 2026-11-01) with `over` applied. */
function settingsOf(chat: ChatRef | string, over: Partial<Subscription> = {}): Subscription {
  let ref: ChatRef;
  if (typeof chat === 'string') {
    const [address = '', thread] = chat.split('#');
    const platform = address.slice(0, address.indexOf(':')) as Platform;
    const id = address.slice(address.indexOf(':') + 1);
    ref = thread === undefined ? { platform, id } : { platform, id, thread };
  } else {
    ref = chat;
  }
  return subscriptionFor(ref, {
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    startDate: '2026-11-01',
    ...over,
  });
}

/** Claims every page of `q` (page size `q.limit`) until the store returns none. */
async function claimAll(store: Store, q: DueQuery): Promise<ClaimedDelivery[]> {
  const all: ClaimedDelivery[] = [];
  for (let page = 0; page < 10_000; page++) {
    const claimed = await store.claimDue(q);
    expect(claimed.length).toBeLessThanOrEqual(q.limit);
    if (claimed.length === 0) return all;
    all.push(...claimed);
  }
  throw new Error('claimDue kept returning deliveries');
}

function item(publishedAt: string, topic = 'mining'): Omit<Item, 'id'> {
  return {
    topic,
    headline: `${topic} ${publishedAt}`,
    body: 'b',
    author: TEST_AUTHOR,
    publishedAt,
    updatedAt: publishedAt,
  };
}

function run(id: string): DeliveryRun {
  return {
    id,
    startedAt: NOW,
    finishedAt: NOW,
    due: 1,
    sent: 1,
    empty: 0,
    failed: 0,
    paused: 0,
    byPlatform: { telegram: { sent: 1, failed: 0, paused: 0 } },
  };
}

/** Runs the store contract against the stores `open` makes (a new, empty one per test). */
export function describeStoreContract(name: string, open: () => Promise<Store>): void {
  describe(`${name} keeps the Store contract`, () => {
    let opened: Store[] = [];
    const fresh = async (): Promise<Store> => {
      const store = await open();
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of opened) await store.close();
      opened = [];
    });

    /** Stores a subscription: settings through `saveSubscription`, delivery fields through `importSubscriptions`. */
    const seed = async (store: Store, key: string, over: SubscriptionSeed = {}) => {
      const { settings, delivery } = splitSeed(over);
      const sub = settingsOf(key, settings);
      if (delivery)
        await store.importSubscriptions([{ settings: sub, delivery: { ...NO_DELIVERY, ...delivery } }]);
      else await store.saveSubscription(sub);
      return sub;
    };

    describe('claims', () => {
      it('claims a due delivery once: not again for another owner, nor for the same one, while the lease lives', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1');
        const [claimed, ...rest] = await store.claimDue(query('A'));
        expect(rest).toEqual([]);
        expect(claimed).toMatchObject({ date: DATE, settings: { key: 'telegram:1' } });
        expect(claimed?.delivery.claim).toEqual({ date: DATE, owner: 'A', expiresAt: LEASE_END });
        expect(await store.claimDue(query('B'))).toEqual([]);
        expect(await store.claimDue(query('A'))).toEqual([]);
        expect((await store.getSubscription('telegram:1'))?.delivery.claim?.owner).toBe('A');
      });

      it('gives each due delivery to exactly one of many owners claiming at once', async () => {
        const store = await fresh();
        const keys = Array.from({ length: 300 }, (_, i) => `telegram:${i}`);
        for (const key of keys) await seed(store, key);
        const owners = Array.from({ length: 12 }, (_, i) => `owner-${i}`);
        const claimed = await Promise.all(owners.map((o) => claimAll(store, query(o, { limit: 7 }))));
        const all = claimed.flatMap(keysOf).sort();
        expect(all).toEqual([...keys].sort());
        for (const [i, mine] of claimed.entries()) {
          for (const c of mine) expect(c.delivery.claim?.owner).toBe(owners[i]);
        }
      });

      it('lets an expired lease be taken over; the old owner can then record nothing', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1');
        await store.claimDue(query('A'));
        expect(await store.claimDue(query('B', { now: '2026-11-29T08:09:59.999Z' }))).toEqual([]);
        const taken = await store.claimDue(
          query('B', { now: LEASE_END, expiresAt: '2026-11-29T08:20:00.000Z' }),
        );
        expect(keysOf(taken)).toEqual(['telegram:1']);
        const progress = { date: DATE, upTo: NOW, partsSent: 1 };
        expect(await store.recordProgress('telegram:1', 'A', progress)).toBe(false);
        expect(
          await store.finishDelivery('telegram:1', 'A', { kind: 'sent', date: DATE, upTo: NOW, at: NOW }),
        ).toBe(false);
        expect(await store.pauseSubscription('telegram:1', 'gone', NOW, 'A')).toBe(false);
        expect((await store.getSubscription('telegram:1'))?.delivery).toMatchObject({
          sent: 0,
          claim: { owner: 'B' },
        });
        expect(
          await store.finishDelivery('telegram:1', 'B', { kind: 'sent', date: DATE, upTo: NOW, at: NOW }),
        ).toBe(true);
      });

      it('records progress for the owner only, keeping the claim', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1');
        const progress = { date: DATE, upTo: NOW, partsSent: 2 };
        expect(await store.recordProgress('telegram:1', 'A', progress)).toBe(false);
        await store.claimDue(query('A'));
        expect(await store.recordProgress('telegram:1', 'B', progress)).toBe(false);
        expect(await store.recordProgress('telegram:1', 'A', progress)).toBe(true);
        expect((await store.getSubscription('telegram:1'))?.delivery).toMatchObject({
          progress,
          claim: { owner: 'A', date: DATE },
        });
        expect(await store.claimDue(query('B'))).toEqual([]);
      });

      it('records a sent digest: the day done, the cursor moved, counted, progress and claim gone', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1', {
          cursor: '2026-11-28T08:00:00.000Z',
          sent: 4,
          failed: 1,
          lastError: 'x',
        });
        await store.claimDue(query('A'));
        await store.recordProgress('telegram:1', 'A', { date: DATE, upTo: NOW, partsSent: 1 });
        expect(
          await store.finishDelivery('telegram:1', 'A', {
            kind: 'sent',
            date: DATE,
            upTo: NOW,
            at: '2026-11-29T08:00:05.000Z',
          }),
        ).toBe(true);
        expect((await store.getSubscription('telegram:1'))?.delivery).toEqual({
          cursor: NOW,
          lastDigestDate: DATE,
          sent: 5,
          failed: 1,
          lastSentAt: '2026-11-29T08:00:05.000Z',
          lastError: 'x',
        });
        expect(await store.claimDue(query('B'))).toEqual([]);
        expect(await store.finishDelivery('telegram:1', 'A', { kind: 'released' })).toBe(false);
      });

      it('records an empty digest: the day done without counting a send', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1');
        await store.claimDue(query('A'));
        expect(await store.finishDelivery('telegram:1', 'A', { kind: 'empty', date: DATE, upTo: NOW })).toBe(
          true,
        );
        expect((await store.getSubscription('telegram:1'))?.delivery).toEqual({
          ...NO_DELIVERY,
          cursor: NOW,
          lastDigestDate: DATE,
        });
      });

      it('records a failure: counted, progress kept, not claimed again before retryAt', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1');
        await store.claimDue(query('A'));
        const progress = { date: DATE, upTo: NOW, partsSent: 1 };
        await store.recordProgress('telegram:1', 'A', progress);
        const retryAt = '2026-11-29T08:00:30.000Z';
        expect(
          await store.finishDelivery('telegram:1', 'A', { kind: 'failed', reason: 'network', retryAt }),
        ).toBe(true);
        expect((await store.getSubscription('telegram:1'))?.delivery).toEqual({
          ...NO_DELIVERY,
          failed: 1,
          lastError: 'network',
          progress,
          retryAt,
        });
        expect(await store.claimDue(query('A', { now: '2026-11-29T08:00:29.999Z' }))).toEqual([]);
        const again = await store.claimDue(query('B', { now: retryAt }));
        expect(keysOf(again)).toEqual(['telegram:1']);
        expect(again[0]?.delivery.progress).toEqual(progress);
      });

      it('releases a claim without recording anything else', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1');
        await store.claimDue(query('A'));
        expect(await store.finishDelivery('telegram:1', 'B', { kind: 'released' })).toBe(false);
        expect(await store.finishDelivery('telegram:1', 'A', { kind: 'released' })).toBe(true);
        expect((await store.getSubscription('telegram:1'))?.delivery).toEqual(NO_DELIVERY);
        expect(keysOf(await store.claimDue(query('B')))).toEqual(['telegram:1']);
      });

      it('pauses for the claim holder: settings and delivery record written, claim dropped', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1');
        await store.claimDue(query('A'));
        expect(await store.pauseSubscription('telegram:1', 'blocked', NOW, 'B')).toBe(false);
        expect(await store.pauseSubscription('telegram:1', 'blocked', NOW, 'A')).toBe(true);
        const record = await store.getSubscription('telegram:1');
        expect(record?.settings).toMatchObject({ status: 'paused', pausedReason: 'blocked', updatedAt: NOW });
        expect(record?.delivery).toEqual({ ...NO_DELIVERY, lastError: 'blocked' });
        expect(await store.claimDue(query('A', { now: '2026-11-29T09:00:00.000Z' }))).toEqual([]);
      });

      it('pauses without a claim only an active subscription', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1');
        expect(await store.pauseSubscription('telegram:2', 'removed', NOW)).toBe(false);
        expect(await store.pauseSubscription('telegram:1', 'removed', NOW)).toBe(true);
        expect(await store.pauseSubscription('telegram:1', 'removed again', NOW)).toBe(false);
        expect((await store.getSubscription('telegram:1'))?.settings.pausedReason).toBe('removed');
      });

      it('loses the claim when the subscription is deleted', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1');
        await store.claimDue(query('A'));
        expect(await store.deleteSubscription('telegram:1')).toBe(true);
        expect(await store.deleteSubscription('telegram:1')).toBe(false);
        expect(
          await store.finishDelivery('telegram:1', 'A', { kind: 'sent', date: DATE, upTo: NOW, at: NOW }),
        ).toBe(false);
        expect(await store.getSubscription('telegram:1')).toBeUndefined();
        await seed(store, 'telegram:1');
        expect((await store.getSubscription('telegram:1'))?.delivery).toEqual(NO_DELIVERY);
      });
    });

    describe('the due query', () => {
      it('takes HH:MM at or before the cutoff, never after', async () => {
        const store = await fresh();
        await seed(store, 'telegram:early', { time: '07:59' });
        await seed(store, 'telegram:on-time', { time: '08:00' });
        await seed(store, 'telegram:late', { time: '08:01' });
        expect(keysOf(await store.claimDue(query('A')))).toEqual(['telegram:early', 'telegram:on-time']);
      });

      it('takes a subscription from its start date, and none that had the date’s digest', async () => {
        const store = await fresh();
        await seed(store, 'telegram:starts-today', { startDate: DATE });
        await seed(store, 'telegram:starts-tomorrow', { startDate: '2026-11-30' });
        await seed(store, 'telegram:done-today', { lastDigestDate: DATE });
        await seed(store, 'telegram:done-yesterday', { lastDigestDate: '2026-11-28' });
        await seed(store, 'telegram:done-last-month', { lastDigestDate: '2026-10-31' });
        await seed(store, 'telegram:paused', { status: 'paused', pausedReason: 'blocked' });
        expect(keysOf(await store.claimDue(query('A')))).toEqual([
          'telegram:done-last-month',
          'telegram:done-yesterday',
          'telegram:starts-today',
        ]);
      });

      it('claims each for its own zone’s date, and only in the zones asked about', async () => {
        const store = await fresh();
        await seed(store, 'telegram:utc', { time: '08:00', timezone: 'UTC' });
        await seed(store, 'telegram:tokyo', { time: '17:00', timezone: 'Asia/Tokyo' });
        await seed(store, 'telegram:honolulu', {
          time: '22:00',
          timezone: 'Pacific/Honolulu',
          lastDigestDate: '2026-11-28',
        });
        await seed(store, 'telegram:berlin', { time: '08:00', timezone: 'Europe/Berlin' });
        const cutoffs: DueCutoff[] = [
          UTC_0800,
          { timezone: 'Asia/Tokyo', date: DATE, time: '17:00' },
          { timezone: 'Pacific/Honolulu', date: '2026-11-28', time: '22:00' },
        ];
        const claimed = await store.claimDue(query('A', { cutoffs }));
        expect(Object.fromEntries(claimed.map((c) => [c.settings.key, c.date]))).toEqual({
          'telegram:utc': DATE,
          'telegram:tokyo': DATE,
        });
        const honolulu = await store.claimDue(
          query('A', { cutoffs: [{ timezone: 'Pacific/Honolulu', date: DATE, time: '22:00' }] }),
        );
        expect(honolulu.map((c) => [c.settings.key, c.date, c.delivery.claim?.date])).toEqual([
          ['telegram:honolulu', DATE, DATE],
        ]);
      });

      it('takes only the platforms asked for', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1');
        await seed(store, 'discord:2');
        await seed(store, 'console:3');
        expect(keysOf(await store.claimDue(query('A', { platforms: ['discord'] })))).toEqual(['discord:2']);
        expect(keysOf(await store.claimDue(query('A', { platforms: ['telegram', 'console'] })))).toEqual([
          'console:3',
          'telegram:1',
        ]);
        expect(await store.claimDue(query('A', { platforms: [] }))).toEqual([]);
        expect(await store.claimDue(query('A', { cutoffs: [] }))).toEqual([]);
      });

      it('covers every due subscription exactly once in pages (1,000 across zones, 37 a page)', async () => {
        const store = await fresh();
        const zones = ['UTC', 'Asia/Shanghai', 'Europe/Berlin', 'America/New_York', 'Asia/Kathmandu'];
        const cutoffs: DueCutoff[] = zones.map((timezone, i) => ({
          timezone,
          date: i === 3 ? '2026-11-28' : DATE,
          time: `0${6 + i}:30`,
        }));
        const due = new Set<string>();
        const records = Array.from({ length: 1000 }, (_, i) => {
          const zone = i % zones.length;
          const time = `${String(4 + (i % 7)).padStart(2, '0')}:${i % 2 ? '15' : '45'}`;
          const done = i % 11 === 0;
          const platform: Platform = i % 3 === 0 ? 'discord' : 'telegram';
          const settings = settingsOf(`${platform}:${i}`, { timezone: zones[zone]!, time });
          const cutoff = cutoffs[zone]!;
          if (!done && time <= cutoff.time) due.add(settings.key);
          return {
            settings,
            delivery: { ...NO_DELIVERY, ...(done && { lastDigestDate: cutoff.date }) },
          };
        });
        await store.importSubscriptions(records);
        const pages: ClaimedDelivery[][] = [];
        for (let n = 0; n < 100; n++) {
          const page = await store.claimDue(query('A', { cutoffs, limit: 37 }));
          if (page.length === 0) break;
          pages.push([...page]);
        }
        const claimed = pages.flat().map((c) => c.settings.key);
        expect(claimed).toHaveLength(due.size);
        expect(new Set(claimed)).toEqual(due);
        expect(pages.slice(0, -1).every((p) => p.length === 37)).toBe(true);
        expect(due.size).toBeGreaterThan(300);
      });

      it('names the time zones that have an active subscription', async () => {
        const store = await fresh();
        expect(await store.activeTimezones()).toEqual([]);
        await seed(store, 'telegram:1', { timezone: 'UTC' });
        await seed(store, 'discord:2', { timezone: 'Asia/Tokyo' });
        await seed(store, 'telegram:3', { timezone: 'Asia/Tokyo' });
        await seed(store, 'telegram:4', { timezone: 'Europe/Berlin', status: 'paused' });
        expect([...(await store.activeTimezones())].sort()).toEqual(['Asia/Tokyo', 'UTC']);
        await store.deleteSubscription('telegram:1');
        await store.pauseSubscription('telegram:3', 'blocked', NOW);
        expect(await store.activeTimezones()).toEqual(['Asia/Tokyo']);
      });
    });

    describe('settings and delivery records', () => {
      it('starts a new subscription with an empty delivery record', async () => {
        const store = await fresh();
        const sub = await seed(store, 'telegram:1');
        expect(await store.getSubscription('telegram:1')).toEqual({ settings: sub, delivery: NO_DELIVERY });
      });

      it('keeps the delivery record when settings are saved again', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1');
        await store.claimDue(query('A'));
        await store.finishDelivery('telegram:1', 'A', { kind: 'sent', date: DATE, upTo: NOW, at: NOW });
        const changed = settingsOf('telegram:1', { topics: ['nft'], time: '09:00', updatedAt: NOW });
        await store.saveSubscription(changed);
        expect(await store.getSubscription('telegram:1')).toEqual({
          settings: changed,
          delivery: { ...NO_DELIVERY, cursor: NOW, lastDigestDate: DATE, sent: 1, lastSentAt: NOW },
        });
      });

      it('keeps settings saved during a delivery when its outcome is recorded, and the claim when they are saved', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1');
        await store.claimDue(query('A'));
        const changed = settingsOf('telegram:1', { topics: ['policy'], updatedAt: NOW });
        await store.saveSubscription(changed);
        const during = await store.getSubscription('telegram:1');
        expect(during?.delivery.claim).toMatchObject({ owner: 'A' });
        expect(await store.claimDue(query('B'))).toEqual([]);
        expect(await store.recordProgress('telegram:1', 'A', { date: DATE, upTo: NOW, partsSent: 1 })).toBe(
          true,
        );
        expect(
          await store.finishDelivery('telegram:1', 'A', { kind: 'sent', date: DATE, upTo: NOW, at: NOW }),
        ).toBe(true);
        const after = await store.getSubscription('telegram:1');
        expect(after?.settings).toEqual(changed);
        expect(after?.delivery).toMatchObject({ lastDigestDate: DATE, sent: 1 });
      });

      it('keeps a delivery recorded before settings are saved from an older read', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1');
        const read = await store.getSubscription('telegram:1');
        await store.claimDue(query('A'));
        await store.finishDelivery('telegram:1', 'A', { kind: 'failed', reason: 'network', retryAt: NOW });
        await store.saveSubscription({ ...read!.settings, topics: ['nft'] });
        expect((await store.getSubscription('telegram:1'))?.delivery).toMatchObject({
          failed: 1,
          lastError: 'network',
        });
      });

      it('writes whole records on import, leaving claims out', async () => {
        const store = await fresh();
        const settings = settingsOf('telegram:1');
        const delivery = {
          ...NO_DELIVERY,
          cursor: NOW,
          lastDigestDate: DATE,
          sent: 3,
          claim: { date: DATE, owner: 'gone-process', expiresAt: '2999-01-01T00:00:00.000Z' },
        };
        await store.importSubscriptions([{ settings, delivery }]);
        const { claim: _claim, ...unclaimed } = delivery;
        expect(await store.getSubscription('telegram:1')).toEqual({ settings, delivery: unclaimed });
      });
    });

    describe('questions about chats', () => {
      it('finds every subscription of one chat, each forum topic’s too', async () => {
        const store = await fresh();
        await seed(store, 'telegram:-1001');
        await seed(store, 'telegram:-1001#7');
        await seed(store, 'telegram:-1001#9');
        await seed(store, 'telegram:-1002');
        await seed(store, 'discord:-1001');
        const found = await store.chatSubscriptions({ platform: 'telegram', id: '-1001' });
        expect(found.map((r) => r.settings.key).sort()).toEqual([
          'telegram:-1001',
          'telegram:-1001#7',
          'telegram:-1001#9',
        ]);
        expect(found.every((r) => r.delivery.sent === 0)).toBe(true);
        expect(await store.chatSubscriptions({ platform: 'telegram', id: '-1003' })).toEqual([]);
      });

      it('finds every subscription in a Discord server', async () => {
        const store = await fresh();
        await seed(store, 'discord:1', { chat: { platform: 'discord', id: '1', guild: 'g1' } });
        await seed(store, 'discord:2', { chat: { platform: 'discord', id: '2', guild: 'g1' } });
        await seed(store, 'discord:3', { chat: { platform: 'discord', id: '3', guild: 'g2' } });
        await seed(store, 'discord:4');
        const found = await store.guildSubscriptions('g1');
        expect(found.map((r) => r.settings.key).sort()).toEqual(['discord:1', 'discord:2']);
        await store.deleteSubscription('discord:2');
        expect((await store.guildSubscriptions('g1')).map((r) => r.settings.key)).toEqual(['discord:1']);
        expect(await store.guildSubscriptions('g9')).toEqual([]);
      });

      it('counts subscriptions by platform and status', async () => {
        const store = await fresh();
        expect(await store.subscriptionCounts()).toEqual({});
        await seed(store, 'telegram:1');
        await seed(store, 'telegram:2');
        await seed(store, 'telegram:3', { status: 'paused' });
        await seed(store, 'discord:1');
        await store.pauseSubscription('telegram:2', 'blocked', NOW);
        await store.deleteSubscription('discord:1');
        await seed(store, 'console:local');
        expect(await store.subscriptionCounts()).toEqual({
          telegram: { active: 1, paused: 2 },
          console: { active: 1, paused: 0 },
        });
      });
    });

    describe('moving a chat', () => {
      it('moves settings and delivery record, claim included, to the new chat', async () => {
        const store = await fresh();
        await seed(store, 'telegram:-5', { topics: ['nft'], cursor: '2026-11-28T08:00:00.000Z', sent: 2 });
        await store.claimDue(query('A'));
        const moved = await store.moveChat(
          { platform: 'telegram', id: '-5' },
          { platform: 'telegram', id: '-1005' },
          NOW,
        );
        expect(moved).toEqual([{ from: 'telegram:-5', to: 'telegram:-1005', kind: 'moved' }]);
        expect(await store.getSubscription('telegram:-5')).toBeUndefined();
        const record = await store.getSubscription('telegram:-1005');
        expect(record?.settings).toMatchObject({
          key: 'telegram:-1005',
          chat: { platform: 'telegram', id: '-1005' },
          topics: ['nft'],
          updatedAt: NOW,
        });
        expect(record?.delivery).toMatchObject({
          cursor: '2026-11-28T08:00:00.000Z',
          sent: 2,
          claim: { owner: 'A' },
        });
        expect(
          await store.finishDelivery('telegram:-1005', 'A', { kind: 'sent', date: DATE, upTo: NOW, at: NOW }),
        ).toBe(true);
        expect(await store.chatSubscriptions({ platform: 'telegram', id: '-5' })).toEqual([]);
      });

      it('keeps the new chat’s own subscription and drops the old one', async () => {
        const store = await fresh();
        await seed(store, 'telegram:-5', { topics: ['nft'] });
        const own = await seed(store, 'telegram:-1005', { time: '09:00', sent: 7 });
        const moved = await store.moveChat(
          { platform: 'telegram', id: '-5' },
          { platform: 'telegram', id: '-1005' },
          NOW,
        );
        expect(moved).toEqual([{ from: 'telegram:-5', to: 'telegram:-1005', kind: 'merged' }]);
        expect(await store.getSubscription('telegram:-5')).toBeUndefined();
        expect(await store.getSubscription('telegram:-1005')).toEqual({
          settings: own,
          delivery: { ...NO_DELIVERY, sent: 7 },
        });
        expect(await store.subscriptionCounts()).toEqual({ telegram: { active: 1, paused: 0 } });
      });

      it('moves every forum topic of the chat together, each by the same rule', async () => {
        const store = await fresh();
        await seed(store, 'telegram:-5');
        await seed(store, 'telegram:-5#3');
        await seed(store, 'telegram:-5#4', { topics: ['mining'] });
        await seed(store, 'telegram:-1005#4', { topics: ['policy'] });
        const moved = await store.moveChat(
          { platform: 'telegram', id: '-5' },
          { platform: 'telegram', id: '-1005' },
          NOW,
        );
        expect([...moved].sort((a, b) => a.from.localeCompare(b.from))).toEqual([
          { from: 'telegram:-5', to: 'telegram:-1005', kind: 'moved' },
          { from: 'telegram:-5#3', to: 'telegram:-1005#3', kind: 'moved' },
          { from: 'telegram:-5#4', to: 'telegram:-1005#4', kind: 'merged' },
        ]);
        const now = await store.chatSubscriptions({ platform: 'telegram', id: '-1005' });
        expect(now.map((r) => r.settings.key).sort()).toEqual([
          'telegram:-1005',
          'telegram:-1005#3',
          'telegram:-1005#4',
        ]);
        expect((await store.getSubscription('telegram:-1005#3'))?.settings.chat).toEqual({
          platform: 'telegram',
          id: '-1005',
          thread: '3',
        });
        expect((await store.getSubscription('telegram:-1005#4'))?.settings.topics).toEqual(['policy']);
        expect(await store.chatSubscriptions({ platform: 'telegram', id: '-5' })).toEqual([]);
      });

      it('moves nothing from a chat with no subscription', async () => {
        const store = await fresh();
        await seed(store, 'telegram:-1005');
        expect(
          await store.moveChat(
            { platform: 'telegram', id: '-5' },
            { platform: 'telegram', id: '-1005' },
            NOW,
          ),
        ).toEqual([]);
      });

      it('takes the old chat’s preferences along unless the new chat has its own', async () => {
        const store = await fresh();
        await seed(store, 'telegram:-5');
        await seed(store, 'telegram:-6');
        await store.saveChatPrefs('telegram:-5', { language: 'zh-CN' });
        await store.saveChatPrefs('telegram:-6', { language: 'de' });
        await store.saveChatPrefs('telegram:-1006', { language: 'en' });
        await store.moveChat({ platform: 'telegram', id: '-5' }, { platform: 'telegram', id: '-1005' }, NOW);
        await store.moveChat({ platform: 'telegram', id: '-6' }, { platform: 'telegram', id: '-1006' }, NOW);
        expect(await store.getChatPrefs('telegram:-1005')).toEqual({ language: 'zh-CN' });
        expect(await store.getChatPrefs('telegram:-1006')).toEqual({ language: 'en' });
        expect(await store.getChatPrefs('telegram:-5')).toBeUndefined();
      });
    });

    describe('chat preferences', () => {
      it('keeps a chat’s language, with or without a subscription', async () => {
        const store = await fresh();
        expect(await store.getChatPrefs('telegram:1')).toBeUndefined();
        await store.saveChatPrefs('telegram:1', { language: 'zh-CN' });
        expect(await store.getChatPrefs('telegram:1')).toEqual({ language: 'zh-CN' });
        await store.saveChatPrefs('telegram:1', {});
        expect(await store.getChatPrefs('telegram:1')).toEqual({});
        await seed(store, 'telegram:2');
        await store.saveChatPrefs('telegram:2', { language: 'en' });
        await store.deleteSubscription('telegram:2');
        expect(await store.getChatPrefs('telegram:2')).toEqual({ language: 'en' });
      });

      it('gives each claimed delivery its chat’s language; a forum topic without its own takes the chat’s', async () => {
        const store = await fresh();
        await seed(store, 'telegram:1');
        await seed(store, 'telegram:2');
        await seed(store, 'telegram:-100#5');
        await seed(store, 'telegram:-100#6');
        await store.saveChatPrefs('telegram:1', { language: 'zh-CN' });
        await store.saveChatPrefs('telegram:-100', { language: 'de' });
        await store.saveChatPrefs('telegram:-100#6', { language: 'fr' });
        const claimed = await store.claimDue(query('A'));
        expect(Object.fromEntries(claimed.map((c) => [c.settings.key, c.language]))).toEqual({
          'telegram:1': 'zh-CN',
          'telegram:2': undefined,
          'telegram:-100#5': 'de',
          'telegram:-100#6': 'fr',
        });
      });
    });

    describe('items', () => {
      it('numbers items in sequence and never reuses an id', async () => {
        const store = await fresh();
        const a = await store.addItem(item('2026-01-01T00:00:00.000Z'));
        const b = await store.addItem(item('2026-01-02T00:00:00.000Z'));
        expect(await store.deleteItem(b.id)).toEqual(b);
        expect(await store.deleteItem(b.id)).toBeUndefined();
        const c = await store.addItem(item('2026-01-03T00:00:00.000Z'));
        expect([a.id, b.id, c.id]).toEqual([1, 2, 3]);
        expect(await store.getItem(1)).toEqual(a);
        expect(await store.getItem(2)).toBeUndefined();
      });

      it('replaces an item in place, moving it between days, topics and months', async () => {
        const store = await fresh();
        const a = await store.addItem(item('2026-01-31T23:00:00.000Z'));
        expect(
          await store.replaceItem({
            ...a,
            topic: 'nft',
            publishedAt: '2026-02-01T01:00:00.000Z',
            headline: 'moved',
          }),
        ).toBe(true);
        expect(await store.getItem(a.id)).toMatchObject({ topic: 'nft', headline: 'moved' });
        expect((await store.queryItems({ before: '2026-02-01T00:00:00.000Z' })).total).toBe(0);
        expect(await store.topicStats()).toEqual({ nft: { count: 1, latest: '2026-02-01T01:00:00.000Z' } });
        expect(await store.replaceItem({ ...a, id: 99 })).toBe(false);
      });

      it('queries by day bounds and topics, newest first, with the total before the limit', async () => {
        const store = await fresh();
        // Nine days across a month boundary, odd days mining, even days nft.
        const days = ['01-29', '01-30', '01-31', '02-01', '02-02', '02-03', '02-04', '02-05', '02-06'];
        for (const [i, d] of days.entries())
          await store.addItem(item(`2026-${d}T00:00:00.000Z`, i % 2 ? 'nft' : 'mining'));
        const ids = async (q: Parameters<Store['queryItems']>[0]) =>
          (await store.queryItems(q)).items.map((i) => i.id);
        expect(await ids({ after: '2026-01-30T00:00:00.000Z', upTo: '2026-02-05T00:00:00.000Z' })).toEqual([
          8, 7, 6, 5, 4, 3,
        ]);
        expect(await ids({ from: '2026-01-30T00:00:00.000Z', before: '2026-02-05T00:00:00.000Z' })).toEqual([
          7, 6, 5, 4, 3, 2,
        ]);
        const mining = await store.queryItems({ topics: ['mining'], limit: 2 });
        expect(mining.total).toBe(5);
        expect(mining.items.map((i) => i.id)).toEqual([9, 7]);
        expect(await ids({ topics: ['mining', 'nft'], from: '2026-02-05T00:00:00.000Z', limit: 5 })).toEqual([
          9, 8,
        ]);
        expect(await ids({ topics: [], limit: 1 })).toEqual([9]);
        expect(await ids({ topics: ['policy'] })).toEqual([]);
        expect((await store.queryItems({ upTo: '2026-01-29T00:00:00.000Z' })).total).toBe(1);
      });

      it('imports items as given, ids kept, replacing the same id; later ids go above the largest', async () => {
        const store = await fresh();
        const own = await store.addItem(item('2026-01-05T00:00:00.000Z'));
        const moved: Item[] = [
          { ...item('2025-12-31T23:00:00.000Z', 'nft'), id: 40 },
          { ...item('2026-01-02T00:00:00.000Z'), id: 7, headline: 'seven' },
          { ...item('2026-02-01T00:00:00.000Z'), id: own.id, headline: 'replaced' },
        ];
        await store.importItems(moved);
        await store.importItems([]);
        for (const m of moved) expect(await store.getItem(m.id)).toEqual(m);
        expect((await store.queryItems({})).items.map((i) => i.id)).toEqual([own.id, 7, 40]);
        expect(await store.topicStats()).toEqual({
          mining: { count: 2, latest: '2026-02-01T00:00:00.000Z' },
          nft: { count: 1, latest: '2025-12-31T23:00:00.000Z' },
        });
        expect((await store.addItem(item('2026-02-02T00:00:00.000Z'))).id).toBe(41);
      });

      it('counts items per topic with the latest publication', async () => {
        const store = await fresh();
        expect(await store.topicStats()).toEqual({});
        await store.addItem(item('2026-01-01T00:00:00.000Z', 'mining'));
        await store.addItem(item('2026-01-03T00:00:00.000Z', 'mining'));
        const nft = await store.addItem(item('2026-01-02T00:00:00.000Z', 'nft'));
        await store.deleteItem(nft.id);
        expect(await store.topicStats()).toEqual({
          mining: { count: 2, latest: '2026-01-03T00:00:00.000Z' },
        });
      });
    });

    describe('delivery runs', () => {
      it('keeps the last 50 runs, newest last, each once', async () => {
        const store = await fresh();
        expect(await store.recentRuns(3)).toEqual([]);
        for (let i = 0; i < 55; i++) await store.addRun(run(`run-${i}`));
        await store.addRun(run('run-54'));
        expect((await store.recentRuns(3)).map((r) => r.id)).toEqual(['run-52', 'run-53', 'run-54']);
        expect(await store.recentRuns(100)).toHaveLength(50);
        expect((await store.recentRuns(100))[0]).toEqual(run('run-5'));
      });

      it('keeps a run’s send rate', async () => {
        const store = await fresh();
        const withRate = { ...run('rated'), sendRate: { bucketSeconds: 2, counts: [30, 0, 12] } };
        await store.addRun(withRate);
        expect(await store.recentRuns(1)).toEqual([withRate]);
      });
    });

    describe('the subscriptions page', () => {
      it('lists subscriptions in key order, filtered by platform and status, a page at a time, with the total', async () => {
        const store = await fresh();
        for (const key of ['telegram:3', 'discord:1', 'telegram:1', 'telegram:2', 'console:local'])
          await seed(store, key);
        await store.pauseSubscription('telegram:2', 'blocked', NOW);
        const keys = (page: { records: readonly { settings: { key: string } }[] }) =>
          page.records.map((r) => r.settings.key);
        const all = await store.subscriptionPage({ limit: 10 });
        expect(keys(all)).toEqual(['console:local', 'discord:1', 'telegram:1', 'telegram:2', 'telegram:3']);
        expect(all.total).toBe(5);
        const telegram = await store.subscriptionPage({ platform: 'telegram', limit: 2 });
        expect(keys(telegram)).toEqual(['telegram:1', 'telegram:2']);
        expect(telegram.total).toBe(3);
        const next = await store.subscriptionPage({ platform: 'telegram', after: 'telegram:2', limit: 2 });
        expect(keys(next)).toEqual(['telegram:3']);
        const paused = await store.subscriptionPage({ status: 'paused', limit: 10 });
        expect(keys(paused)).toEqual(['telegram:2']);
        expect(paused.records[0]?.settings.pausedReason).toBe('blocked');
        expect((await store.subscriptionPage({ after: 'telegram:3', limit: 10 })).records).toEqual([]);
      });
    });

    describe('desk sign-in links and sessions', () => {
      const user = { platform: 'telegram', id: '111', name: 'Ed' } as const;
      const token = { hash: 'h1', user, createdAt: NOW, expiresAt: LEASE_END };

      it('uses a sign-in token once, before it expires; of two uses at once one wins', async () => {
        const store = await fresh();
        await store.addSignInToken(token);
        const [a, b] = await Promise.all([store.useSignInToken('h1', NOW), store.useSignInToken('h1', NOW)]);
        expect([a.kind, b.kind].sort()).toEqual(['ok', 'used']);
        expect(a.kind === 'ok' ? a.user : b.kind === 'ok' ? b.user : undefined).toEqual(user);
        expect((await store.findSignInToken('h1'))?.usedAt).toBe(NOW);
        await store.addSignInToken({ ...token, hash: 'h2' });
        expect((await store.useSignInToken('h2', LEASE_END)).kind).toBe('expired');
        expect((await store.useSignInToken('nothing', NOW)).kind).toBe('unknown');
        expect(await store.findSignInToken('nothing')).toBeUndefined();
      });

      it('keeps sessions until deleted or purged, and one signing key for every caller', async () => {
        const store = await fresh();
        const session = { hash: 's1', user, createdAt: NOW, expiresAt: LEASE_END };
        await store.addSession(session);
        await store.addSession({ ...session, hash: 's2', expiresAt: '2026-11-30T08:00:00.000Z' });
        expect(await store.getSession('s1')).toEqual(session);
        expect(await store.deleteSession('s1')).toBe(true);
        expect(await store.deleteSession('s1')).toBe(false);
        expect(await store.getSession('s1')).toBeUndefined();
        await store.addSignInToken(token);
        expect(await store.purgeDesk(LEASE_END)).toBe(1);
        expect(await store.findSignInToken('h1')).toBeUndefined();
        expect(await store.getSession('s2')).toBeDefined();
        expect(await store.deskSigningKey('first')).toBe('first');
        expect(await store.deskSigningKey('second')).toBe('first');
      });

      it('keeps the language of a sign-in token and a session, and leaves it out when there is none', async () => {
        const store = await fresh();
        await store.addSignInToken({ ...token, hash: 'zh', language: 'zh-CN' });
        expect((await store.findSignInToken('zh'))?.language).toBe('zh-CN');
        expect(await store.useSignInToken('zh', NOW)).toEqual({ kind: 'ok', user, language: 'zh-CN' });
        await store.addSignInToken(token);
        expect(await store.useSignInToken('h1', NOW)).toEqual({ kind: 'ok', user });
        const session = { hash: 's1', user, createdAt: NOW, expiresAt: LEASE_END, language: 'zh-CN' };
        await store.addSession(session);
        expect(await store.getSession('s1')).toEqual(session);
        await store.addSession({ hash: 's2', user, createdAt: NOW, expiresAt: LEASE_END });
        expect(await store.getSession('s2')).not.toHaveProperty('language');
      });
    });

    // The wire's data lives in every store too, with its own rules (compare-and-set decisions, seen keys).
    wireStoreContract(`${name}.wire`, async () => (await fresh()).wire);
  });
}

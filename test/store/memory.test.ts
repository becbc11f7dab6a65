import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/store/memory.js';
import { sampleSub } from '../helpers/fixtures.js';

const author = { platform: 'console', id: 'e', name: 'Editor' } as const;
const item = (publishedAt: string, topic = 'mining') => ({
  topic,
  headline: `${topic} ${publishedAt}`,
  body: 'b',
  author,
  publishedAt,
  updatedAt: publishedAt,
});
describe('MemoryStore items', () => {
  it('numbers items sequentially and never reuses an id', async () => {
    const store = new MemoryStore();
    const a = await store.addItem(item('2026-01-01T00:00:00.000Z'));
    const b = await store.addItem(item('2026-01-02T00:00:00.000Z'));
    await store.deleteItem(b.id);
    const c = await store.addItem(item('2026-01-03T00:00:00.000Z'));
    expect([a.id, b.id, c.id]).toEqual([1, 2, 3]);
  });

  it('queries by time bounds and topics, newest first, with the total before the limit', async () => {
    const store = new MemoryStore();
    for (let d = 1; d <= 9; d++)
      await store.addItem(item(`2026-01-0${d}T00:00:00.000Z`, d % 2 ? 'mining' : 'nft'));
    const all = await store.queryItems({
      after: '2026-01-02T00:00:00.000Z',
      upTo: '2026-01-08T00:00:00.000Z',
    });
    expect(all.items.map((i) => i.id)).toEqual([8, 7, 6, 5, 4, 3]);
    const mining = await store.queryItems({ topics: ['mining'], limit: 2 });
    expect(mining).toMatchObject({ total: 5 });
    expect(mining.items.map((i) => i.id)).toEqual([9, 7]);
    const both = await store.queryItems({
      topics: ['mining', 'nft'],
      from: '2026-01-08T00:00:00.000Z',
      limit: 5,
    });
    expect(both.items.map((i) => i.id)).toEqual([9, 8]);
    const before = await store.queryItems({ before: '2026-01-02T00:00:00.000Z' });
    expect(before.items.map((i) => i.id)).toEqual([1]);
  });

  it('keeps items sorted when an edit keeps its time and topic changes', async () => {
    const store = new MemoryStore();
    const a = await store.addItem(item('2026-01-01T00:00:00.000Z'));
    await store.replaceItem({ ...a, topic: 'nft' });
    expect((await store.topicStats()).nft?.count).toBe(1);
    expect((await store.topicStats()).mining).toBeUndefined();
    expect(await store.replaceItem({ ...a, id: 99 })).toBe(false);
  });
});

describe('MemoryStore delivery claims', () => {
  it('lets one owner claim a date, refuses others while the claim lives, and records only for the owner', async () => {
    const store = new MemoryStore();
    await store.saveSubscription(sampleSub());
    const claim = { date: '2026-11-29', owner: 'A', expiresAt: '2026-11-29T08:10:00.000Z' };
    expect(await store.claimDelivery('telegram:1', claim, '2026-11-29T08:00:00.000Z')).toBeDefined();
    expect(
      await store.claimDelivery('telegram:1', { ...claim, owner: 'B' }, '2026-11-29T08:05:00.000Z'),
    ).toBeUndefined();
    expect(await store.finishDelivery('telegram:1', 'B', { lastDigestDate: '2026-11-29' })).toBe(false);
    expect(await store.finishDelivery('telegram:1', 'A', { lastDigestDate: '2026-11-29' })).toBe(true);
    const sub = await store.getSubscription('telegram:1');
    expect(sub?.claim).toBeUndefined();
    expect(
      await store.claimDelivery('telegram:1', { ...claim, owner: 'B' }, '2026-11-29T09:00:00.000Z'),
    ).toBeUndefined();
  });

  it('lets another owner take over an expired claim', async () => {
    const store = new MemoryStore();
    await store.saveSubscription(sampleSub());
    const claim = { date: '2026-11-29', owner: 'A', expiresAt: '2026-11-29T08:10:00.000Z' };
    await store.claimDelivery('telegram:1', claim, '2026-11-29T08:00:00.000Z');
    const taken = await store.claimDelivery(
      'telegram:1',
      { ...claim, owner: 'B' },
      '2026-11-29T08:11:00.000Z',
    );
    expect(taken?.claim?.owner).toBe('B');
  });
});

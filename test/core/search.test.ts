import { describe, expect, it } from 'vitest';
import { itemMatches, searchItems, searchTerms } from '../../src/core/search.js';
import { MemoryStore } from '../../src/store/memory.js';
import { TEST_AUTHOR } from '../helpers/fixtures.js';

const item = (headline: string, body: string, publishedAt = '2022-01-11T00:00:00.000Z') => ({
  topic: 'mining',
  headline,
  body,
  author: TEST_AUTHOR,
  publishedAt,
  updatedAt: publishedAt,
});

describe('search', () => {
  it('matches every term in headline, body or source, in any case and width, Chinese as substrings', () => {
    const found = { id: 1, ...item('比特币挖矿 banned', 'The NDRC acted.'), sourceName: 'Xinhua' };
    expect(itemMatches(found, searchTerms('挖矿'))).toBe(true);
    expect(itemMatches(found, searchTerms('ndrc BANNED'))).toBe(true);
    expect(itemMatches(found, searchTerms('ＮＤＲＣ'))).toBe(true);
    expect(itemMatches(found, searchTerms('xinhua'))).toBe(true);
    expect(itemMatches(found, searchTerms('ndrc nft'))).toBe(false);
    expect(searchTerms('   ')).toEqual([]);
  });

  it('returns the newest matches first with the total', async () => {
    const store = new MemoryStore();
    await store.addItem(item('Old mining news', 'x', '2022-01-01T00:00:00.000Z'));
    await store.addItem(item('New mining news', 'y', '2022-01-05T00:00:00.000Z'));
    await store.addItem(item('Policy', 'z'));
    const result = await searchItems(store, 'mining', 1);
    expect(result.total).toBe(2);
    expect(result.items.map((i) => i.headline)).toEqual(['New mining news']);
    expect((await searchItems(store, '')).total).toBe(0);
  });
});

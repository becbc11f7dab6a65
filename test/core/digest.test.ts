import { describe, expect, it } from 'vitest';
import { DIGEST_MAX_ITEMS, digestKey } from '../../src/core/digest.js';
import { ENGLISH } from '../../src/i18n/translator.js';
import { MemoryStore } from '../../src/store/memory.js';
import { makeNewsroom } from '../helpers/newsroom.js';

const author = { platform: 'console', id: 'e', name: 'Editor' } as const;
const item = (publishedAt: string, topic = 'mining') => ({
  topic,
  headline: `${topic} at ${publishedAt}`,
  body: 'Body.',
  author,
  publishedAt,
  updatedAt: publishedAt,
});

describe('digests', () => {
  it('first time: the last 24 hours', async () => {
    const store = new MemoryStore();
    const { newsroom } = await makeNewsroom({ store, sample: false });
    await store.addItem(item('2026-11-27T07:00:00Z'));
    await store.addItem(item('2026-11-28T09:00:00Z'));
    const digest = await newsroom.digests.select({ topics: [] }, new Date('2026-11-29T08:00:00Z'));
    expect(digest?.sections.flatMap((s) => s.items.map((i) => i.id))).toEqual([2]);
    expect(digest?.window.after).toBe('2026-11-28T08:00:00.000Z');
  });

  it('first time with nothing in 24 hours: the latest briefing day', async () => {
    const { newsroom } = await makeNewsroom();
    const digest = await newsroom.digests.select({ topics: ['nft'] }, new Date('2026-11-29T08:00:00Z'));
    expect(digest?.window.day).toBe('2022-01-11');
    expect(digest?.sections.map((s) => s.topic)).toEqual(['nft']);
    expect(digest?.shown).toBe(1);
  });

  it('afterwards: only items after the cursor, on the subscribed topics', async () => {
    const store = new MemoryStore();
    const { newsroom } = await makeNewsroom({ store, sample: false });
    await store.addItem(item('2026-11-28T07:59:00Z'));
    await store.addItem(item('2026-11-28T08:00:00Z')); // exactly at the cursor: already delivered
    await store.addItem(item('2026-11-28T09:00:00Z', 'nft'));
    await store.addItem(item('2026-11-28T10:00:00Z', 'policy'));
    const digest = await newsroom.digests.select(
      { topics: ['nft', 'policy'], cursor: '2026-11-28T08:00:00.000Z' },
      new Date('2026-11-29T08:00:00Z'),
    );
    expect(digest?.sections.map((s) => [s.topic, s.items.map((i) => i.id)])).toEqual([
      ['policy', [4]],
      ['nft', [3]],
    ]);
  });

  it('nothing new: no digest (no fallback once a cursor exists)', async () => {
    const { newsroom } = await makeNewsroom();
    const digest = await newsroom.digests.select(
      { topics: [], cursor: '2026-11-28T08:00:00.000Z' },
      new Date('2026-11-29T08:00:00Z'),
    );
    expect(digest).toBeUndefined();
  });

  it('caps at 25, newest, and says how many more and where to read them', async () => {
    const store = new MemoryStore();
    const { newsroom } = await makeNewsroom({ store, sample: false });
    for (let i = 0; i < 40; i++) {
      const minute = String(i).padStart(2, '0');
      await store.addItem(item(`2026-11-29T07:${minute}:00.000Z`, i < 10 ? 'policy' : 'mining'));
    }
    const digest = await newsroom.digests.select(
      { topics: [], cursor: '2026-11-28T00:00:00.000Z' },
      new Date('2026-11-29T08:00:00Z'),
    );
    expect(digest?.shown).toBe(DIGEST_MAX_ITEMS);
    expect(digest?.omitted).toBe(15);
    expect(digest?.omittedTopics).toEqual(['mining', 'policy']);
    const shownIds = digest?.sections.flatMap((s) => s.items.map((i) => i.id)) ?? [];
    expect(Math.min(...shownIds)).toBe(16);
    expect(digest?.sections[0]?.items[0]?.id).toBe(40);
    const doc = newsroom.views.digest(digest!, ENGLISH);
    expect(doc.blocks.at(-1)).toMatchObject({
      text: '…and 15 more. See them with /topic mining 10, /topic policy 10.',
    });
  });

  it('keys equal windows and topic sets alike, whatever the order', () => {
    const w = { after: 'a', upTo: 'b' };
    expect(digestKey(['nft', 'mining'], w)).toBe(digestKey(['mining', 'nft'], w));
    expect(digestKey([], w)).not.toBe(digestKey(['mining'], w));
    expect(digestKey([], w)).not.toBe(digestKey([], { ...w, after: 'c' }));
  });
});

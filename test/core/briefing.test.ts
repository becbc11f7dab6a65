import { describe, expect, it } from 'vitest';
import { lede } from '../../src/core/briefing.js';
import type { Item } from '../../src/core/items.js';
import { ENGLISH } from '../../src/i18n/translator.js';
import { MemoryStore } from '../../src/store/memory.js';
import { makeNewsroom } from '../helpers/newsroom.js';

const author = { platform: 'console', id: 'e', name: 'Editor' } as const;
const at = (publishedAt: string, topic = 'mining', headline = `News at ${publishedAt}`) => ({
  topic,
  headline,
  body: 'Body.',
  author,
  publishedAt,
  updatedAt: publishedAt,
});

describe('briefings', () => {
  it('takes the day in the newsroom zone: 23:59 Shanghai is today, 00:00 is tomorrow', async () => {
    const store = new MemoryStore();
    const { newsroom } = await makeNewsroom({ store, sample: false });
    await store.addItem(at('2022-01-10T15:59:59.999Z')); // 23:59:59 on the 10th in Shanghai
    await store.addItem(at('2022-01-10T16:00:00.000Z')); // 00:00 on the 11th
    await store.addItem(at('2022-01-11T15:59:00.000Z', 'nft')); // 23:59 on the 11th
    const day10 = await newsroom.briefings.ofDay('2022-01-10');
    const day11 = await newsroom.briefings.ofDay('2022-01-11');
    expect(day10?.sections.flatMap((s) => s.items.map((i) => i.id))).toEqual([1]);
    expect(day11?.sections.map((s) => [s.topic, s.items.map((i) => i.id)])).toEqual([
      ['mining', [2]],
      ['nft', [3]],
    ]);
    expect(await newsroom.briefings.ofDay('2022-01-12')).toBeUndefined();
  });

  it('groups the sample briefing by topic in catalogue order, newest first', async () => {
    const { newsroom } = await makeNewsroom();
    const briefing = await newsroom.briefings.ofDay('2022-01-11');
    expect(briefing?.sections.map((s) => s.topic)).toEqual(['mining', 'policy', 'nft']);
    expect(briefing?.sections[0]?.items.map((i) => i.id)).toEqual([2, 1]);
  });

  it('opens with a lede of the headlines, oldest first, one sentence each', () => {
    const items = [
      at('2022-01-11T02:00:00Z', 'nft', 'Second!'),
      at('2022-01-11T01:00:00Z', 'mining', 'First'),
    ].map((f, i): Item => ({ ...f, id: i + 1 }));
    expect(lede(items)).toBe('First. Second!');
  });

  it('shows the latest briefing when today has none, and says so', async () => {
    const { newsroom, clock } = await makeNewsroom({ now: '2026-11-29T12:00:00Z' });
    const doc = await newsroom.brief(undefined, clock.now(), ENGLISH);
    expect(doc.title).toBe('Briefing — Tue 11 Jan 2022');
    expect(doc.blocks[0]).toMatchObject({ text: 'Nothing yet today; this is the latest briefing.' });
  });

  it('names the latest briefing when a date has none', async () => {
    const { newsroom, clock } = await makeNewsroom({ now: '2026-11-29T12:00:00Z' });
    const doc = await newsroom.brief('2022-01-12', clock.now(), ENGLISH);
    expect(doc.blocks[0]).toMatchObject({
      text: 'No briefing for Wed 12 Jan 2022. The latest briefing is 2022-01-11: /brief 2022-01-11',
    });
  });
});

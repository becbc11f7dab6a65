import { describe, expect, it } from 'vitest';
import { parseTopics, TopicCatalog } from '../../src/core/topics.js';
import { loadTopics } from '../../src/store/seed.js';

const topic = (slug: string, aliases: string[] = []) => ({
  slug,
  title: slug,
  description: `${slug} news`,
  emoji: '📰',
  aliases,
});

describe('topics', () => {
  it('loads data/topics.json with the three beats and their aliases', async () => {
    const topics = await loadTopics();
    expect(topics.slugs).toEqual(['mining', 'policy', 'nft']);
    expect(topics.resolve('NFTS')?.slug).toBe('nft');
    expect(topics.resolve('Blockchain-Policy')?.slug).toBe('policy');
    expect(topics.resolve(' mining ')?.slug).toBe('mining');
    expect(topics.resolve('weather')).toBeUndefined();
  });

  it('refuses a name used by two topics', () => {
    expect(() => new TopicCatalog([topic('a', ['x']), topic('b', ['X'])])).toThrow(
      /"X" is used by both "a" and "b"/,
    );
  });

  it.each([
    [{}, /JSON array/],
    [[{ ...topic('Bad Slug') }], /slug/],
    [[{ ...topic('a'), title: '' }], /"title"/],
    [[{ ...topic('a'), aliases: 'x' }], /aliases/],
    [[], /at least one topic/],
  ])('explains a bad topics file (%#)', (data, message) => {
    const r = parseTopics(data);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });
});

import { describe, expect, it } from 'vitest';
import { MAX_CHOICES, suggestTimezones, suggestTopics } from '../../../src/adapters/discord/autocomplete.js';
import { loadTopics } from '../../../src/store/seed.js';

const topics = await loadTopics();
const values = (typed: string) => suggestTopics(typed, topics).map((c) => c.value);

describe('suggestTopics', () => {
  it.each([
    ['', ['all', 'mining', 'policy', 'nft']],
    ['n', ['nft', 'mining', 'policy']],
    ['min', ['mining']],
    ['NF', ['nft']],
    ['blockchain', ['policy']],
    ['mining, n', ['mining,nft', 'mining,policy']],
    ['mining,', ['mining,policy', 'mining,nft']],
    ['mining policy ', ['mining,policy,nft']],
    ['mining, zzz', []],
  ])('%j → %j', (typed, expected) => {
    expect(values(typed)).toEqual(expected);
  });

  it('shows the completed list with the new topic’s emoji and title', () => {
    expect(suggestTopics('mining, n', topics)[0]).toEqual({ name: 'mining, 🖼️ NFTs', value: 'mining,nft' });
  });
});

describe('suggestTimezones', () => {
  it.each([
    ['asia/sh', 'Asia/Shanghai'],
    ['berlin', 'Europe/Berlin'],
    ['new york', 'America/New_York'],
    ['utc', 'UTC'],
  ])('%j suggests %s first', (typed, zone) => {
    expect(suggestTimezones(typed)[0]).toEqual({ name: zone, value: zone });
  });

  it('offers at most 25, UTC first when nothing is typed', () => {
    const all = suggestTimezones('');
    expect(all).toHaveLength(MAX_CHOICES);
    expect(all[0]?.value).toBe('UTC');
    expect(suggestTimezones('a')).toHaveLength(MAX_CHOICES);
    expect(suggestTimezones('nowhere/atlantis')).toEqual([]);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { ITEM_LIMITS, isWebUrl, validateDraft } from '../../src/core/items.js';
import type { TopicCatalog } from '../../src/core/topics.js';
import { loadTopics } from '../../src/store/seed.js';

let topics: TopicCatalog;
beforeAll(async () => {
  topics = await loadTopics();
});

const draft = { topic: 'NFTs', headline: '  A   headline ', body: 'Line one  \r\n\r\n\r\n\r\nLine two\n' };

describe('validateDraft', () => {
  it('normalises topic, whitespace and paragraphs', () => {
    const r = validateDraft(
      { ...draft, sourceName: ' OpenSea ', sourceUrl: ' https://opensea.io/ ' },
      topics,
    );
    expect(r).toEqual({
      ok: true,
      value: {
        topic: 'nft',
        headline: 'A headline',
        body: 'Line one\n\nLine two',
        sourceName: 'OpenSea',
        sourceUrl: 'https://opensea.io/',
      },
    });
  });

  it('accepts limits exactly, counting characters not UTF-16 units', () => {
    const headline = '链'.repeat(ITEM_LIMITS.headline);
    const body = '😀'.repeat(ITEM_LIMITS.body);
    expect(validateDraft({ topic: 'mining', headline, body }, topics).ok).toBe(true);
  });

  it.each([
    [{ headline: 'x'.repeat(201) }, 'The headline has 201 characters; the limit is 200.'],
    [{ body: 'x'.repeat(1501) }, 'The body has 1501 characters; the limit is 1500.'],
    [{ headline: '   ' }, 'The headline is empty.'],
    [{ body: '' }, 'The body is empty.'],
    [{ topic: 'weather' }, '"weather" is not a topic; topics are mining, policy, nft.'],
    [
      { sourceUrl: 'javascript:alert(1)' },
      'The source URL "javascript:alert(1)" must start with http:// or https://.',
    ],
    [
      { sourceUrl: 'ftp://example.com/x' },
      'The source URL "ftp://example.com/x" must start with http:// or https://.',
    ],
    [{ sourceName: 'n'.repeat(101) }, 'The source name has 101 characters; the limit is 100.'],
  ])('explains each refusal (%#)', (change, problem) => {
    const r = validateDraft({ ...draft, ...change }, topics);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(problem);
  });

  it('lists every problem at once', () => {
    const r = validateDraft({ topic: 'x', headline: '', body: '' }, topics);
    expect(r.ok ? [] : r.error).toHaveLength(3);
  });
});

describe('isWebUrl', () => {
  it.each([
    ['https://www.ndrc.gov.cn/', true],
    ['http://example.com', true],
    ['javascript:alert(1)', false],
    ['data:text/html,hi', false],
    ['https://', false],
    ['www.example.com', false],
  ])('%s → %s', (url, expected) => expect(isWebUrl(url)).toBe(expected));
});

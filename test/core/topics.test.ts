import { describe, expect, it } from 'vitest';
import { parseTopics, TopicCatalog } from '../../src/core/topics.js';
import { ENGLISH, translatorFor, translators } from '../../src/i18n/translator.js';
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

  it('has a title, a description and aliases in every language Briefcast speaks', async () => {
    const topics = await loadTopics();
    for (const tr of translators().filter((t) => t !== ENGLISH))
      for (const t of topics.topics) {
        expect(t.translations?.[tr.language]?.title, `${t.slug} ${tr.language}`).toBeTruthy();
        expect(t.translations?.[tr.language]?.aliases.length).toBeGreaterThan(0);
      }
    const zh = translatorFor('zh-CN');
    expect(topics.resolve('挖矿')?.slug).toBe('mining');
    expect(topics.resolve('政策')?.slug).toBe('policy');
    expect(topics.resolve('数字藏品')?.slug).toBe('nft');
    const mining = topics.get('mining')!;
    expect(topics.label('mining', zh)).toBe('⛏️ 加密货币挖矿');
    expect(topics.label('mining')).toBe('⛏️ Crypto mining');
    expect(topics.aliases(mining, zh)).toContain('挖矿');
    expect(topics.aliases(mining, ENGLISH)).not.toContain('挖矿');
    expect(topics.names(zh)).toBe('mining (挖矿)、policy (政策)、nft (数字藏品)');
    expect(topics.names(ENGLISH)).toBe('mining, policy, nft');
  });

  it('refuses a translated alias another topic uses, and malformed translations', () => {
    const zhAlias = (slug: string, alias: string) => ({
      ...topic(slug),
      translations: { 'zh-CN': { title: slug, description: slug, aliases: [alias] } },
    });
    expect(parseTopics([zhAlias('a', '挖矿'), zhAlias('b', '挖矿')])).toMatchObject({
      ok: false,
      error: 'topic name "挖矿" is used by both "a" and "b"',
    });
    expect(parseTopics([{ ...topic('a'), translations: { 'zh-CN': { title: '' } } }])).toMatchObject({
      ok: false,
      error: 'topic "a", language "zh-CN": "title" must be a non-empty string',
    });
    expect(parseTopics([{ ...topic('a'), translations: [] }])).toMatchObject({ ok: false });
    expect(parseTopics([zhAlias('a', 'two words')])).toMatchObject({ ok: false });
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

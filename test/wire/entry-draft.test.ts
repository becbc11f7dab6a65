import { describe, expect, it } from 'vitest';
import { loadTopics } from '../../src/store/seed.js';
import {
  entryKey,
  entryToDraft,
  matchTopic,
  parseEntryDate,
  resolveLink,
} from '../../src/wire/entry-draft.js';
import { cutAtSentence, htmlToLine, htmlToText } from '../../src/wire/html-text.js';

const topics = await loadTopics();
const source = { url: 'https://news.example.org/feeds/rss.xml', title: 'Example <b>News</b>' };

describe('htmlToText', () => {
  it.each([
    ['<p>One.</p><p>Two &amp; three.</p>', 'One.\n\nTwo & three.'],
    ['a<br>b<br/>c', 'a\nb\nc'],
    ['<script>alert(1)</script>Safe <style>p{}</style>text', 'Safe text'],
    ['<!-- hidden -->Shown', 'Shown'],
    ['x <a href="javascript:alert(1)">link</a> y', 'x link y'],
    ['&lt;b&gt;not a tag&lt;/b&gt;', '<b>not a tag</b>'],
    ['Unclosed <script>everything after', 'Unclosed'],
    ['a < b and c > d', 'a < b and c > d'],
    ['  lots   of\t\tspace  ', 'lots of space'],
    ['<![CDATA[<i>cdata</i>]]>', 'cdata'],
    ['中文&nbsp;内容', '中文\u00a0内容'.replace('\u00a0', ' ')],
  ])('%j → %j', (html, text) => {
    expect(htmlToText(html)).toBe(text);
  });

  it('takes linear time on a page of unclosed tags', () => {
    // Linear: tens of milliseconds. A backtracking (quadratic) pattern needs minutes on these
    // 600,000 characters, so a 10 s bound tells the two apart even on a busy machine.
    const started = performance.now();
    htmlToText('<a '.repeat(200_000));
    htmlToText('<script>'.repeat(100_000));
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('makes a headline one line', () => {
    expect(htmlToLine('<b>Bold</b>\n  title')).toBe('Bold title');
  });
});

describe('cutAtSentence', () => {
  it('keeps text within the limit as it is', () => {
    expect(cutAtSentence('Short. Text.', 20)).toBe('Short. Text.');
  });
  it('cuts at the last sentence end within the limit', () => {
    expect(cutAtSentence('First sentence here. Second one is longer than the limit.', 40)).toBe(
      'First sentence here.',
    );
  });
  it('cuts at Chinese full stops', () => {
    expect(cutAtSentence('比特币矿场关停。监管部门发布新规定，要求所有矿场在年底前退出市场。', 14)).toBe(
      '比特币矿场关停。',
    );
  });
  it('falls back to a word break with an ellipsis when no sentence ends late enough', () => {
    const cut = cutAtSentence(`${'word '.repeat(400)}end.`, 100);
    expect(Array.from(cut).length).toBeLessThanOrEqual(100);
    expect(cut.endsWith('word…')).toBe(true);
  });
  it('never exceeds 1,500 code points', () => {
    const cut = cutAtSentence('喆'.repeat(5_000), 1_500);
    expect(Array.from(cut)).toHaveLength(1_500);
  });
});

describe('entryKey', () => {
  it('uses the GUID, else the link, else title and date', () => {
    const byGuid = entryKey({ guid: 'g1', link: 'https://a/1', title: 'T', date: 'd1' }, 'https://a/1');
    expect(entryKey({ guid: 'g1', link: 'https://a/2', title: 'T2', date: 'd2' }, 'https://a/2')).toBe(
      byGuid,
    );
    const byLink = entryKey({ link: '/1', title: 'T', date: 'd1' }, 'https://a/1');
    expect(entryKey({ title: 'Other', date: 'd9' }, 'https://a/1')).toBe(byLink);
    expect(entryKey({ title: 'T', date: 'd1' }, undefined)).not.toBe(
      entryKey({ title: 'T', date: 'd2' }, undefined),
    );
    expect(byGuid).toMatch(/^g.{16}$/);
  });
  it('is the same for an entry republished with a new date', () => {
    expect(entryKey({ guid: 'g1', date: 'Mon' }, undefined)).toBe(
      entryKey({ guid: 'g1', date: 'Tue' }, undefined),
    );
    expect(entryKey({ link: 'x', date: 'Mon' }, 'https://a/x')).toBe(
      entryKey({ link: 'x', date: 'Tue' }, 'https://a/x'),
    );
  });
});

describe('resolveLink and parseEntryDate', () => {
  it.each([
    ['/cn/a.html', 'https://news.example.org/cn/a.html'],
    ['b.html', 'https://news.example.org/feeds/b.html'],
    ['//cdn.example.org/x', 'https://cdn.example.org/x'],
    ['javascript:alert(1)', undefined],
    ['mailto:x@y', undefined],
    [undefined, undefined],
  ])('%s → %s', (link, url) => {
    expect(resolveLink(link, source.url)).toBe(url);
  });
  it('reads RFC 822 and ISO dates, and refuses nonsense', () => {
    expect(parseEntryDate('Tue, 09 Jan 2024 10:00:00 +0800')).toBe('2024-01-09T02:00:00.000Z');
    expect(parseEntryDate('2017-06-15T10:29:47-07:00')).toBe('2017-06-15T17:29:47.000Z');
    expect(parseEntryDate('yesterday-ish')).toBeUndefined();
  });
});

describe('matchTopic', () => {
  it.each([
    ['Sichuan miners move their rigs to Kazakhstan', 'mining'],
    ['New crypto mining rules', 'mining'],
    ['Beijing unveils a blockchain regulation plan', 'policy'],
    ['Digital collectibles platform closes; NFT sales fall', 'nft'],
    ['Weather report', undefined],
    ['Undermining confidence', undefined],
    // Chinese has no spaces between words: its aliases are found anywhere in the text.
    ['四川关停比特币挖矿场，矿工转往新疆', 'mining'],
    ['国家发改委发布区块链监管新政策', 'policy'],
    ['多家平台下架数字藏品', 'nft'],
    ['NFT 平台关闭，数藏交易降温', 'nft'],
    ['今日天气晴', undefined],
  ])('%s → %s', (text, slug) => {
    expect(matchTopic(text, topics)).toBe(slug);
  });

  it('counts a Chinese name inside a longer one once (比特币挖矿 is not also 挖矿)', () => {
    // One mining name against two policy names: policy wins, as it would if each were counted once.
    expect(matchTopic('比特币挖矿：监管与政策', topics)).toBe('policy');
    expect(matchTopic('比特币挖矿，矿工，监管', topics)).toBe('mining');
  });
});

describe('entryToDraft', () => {
  it('makes a draft: stripped headline, body cut at a sentence, source, resolved link, date', () => {
    const draft = entryToDraft(
      {
        guid: 'g-1',
        title: '<b>Bold</b> CDATA &amp; title',
        link: '/cn/2024/01/a.html',
        summary: `<p>First sentence. <script>alert(1)</script>Second &amp; <a href="x">link</a>.</p>${'<p>More text. </p>'.repeat(200)}`,
        date: 'Tue, 09 Jan 2024 10:00:00 +0800',
      },
      source,
      topics,
    );
    expect(draft).toMatchObject({
      headline: 'Bold CDATA & title',
      sourceName: 'Example News',
      sourceUrl: 'https://news.example.org/cn/2024/01/a.html',
      entryDate: '2024-01-09T02:00:00.000Z',
    });
    expect(draft.body.startsWith('First sentence. Second & link.')).toBe(true);
    expect(Array.from(draft.body).length).toBeLessThanOrEqual(1_500);
    expect(draft.body.endsWith('More text.')).toBe(true);
    expect(draft.topic).toBeUndefined();
  });

  it("takes the feed's topic, or the entry's words when the feed has none", () => {
    expect(entryToDraft({ title: 'Weather' }, { ...source, topic: 'nft' }, topics).topic).toBe('nft');
    expect(entryToDraft({ title: 'Bitcoin mining ban' }, source, topics).topic).toBe('mining');
  });

  it('uses the content when there is no summary, and the headline when there is neither', () => {
    expect(entryToDraft({ title: 'T', content: '<p>Full text.</p>' }, source, topics).body).toBe(
      'Full text.',
    );
    expect(entryToDraft({ title: 'Only a title' }, source, topics).body).toBe('Only a title');
  });

  it('cuts a long headline to 200 characters', () => {
    const draft = entryToDraft({ title: 'word '.repeat(100) }, source, topics);
    expect(Array.from(draft.headline).length).toBeLessThanOrEqual(200);
  });
});

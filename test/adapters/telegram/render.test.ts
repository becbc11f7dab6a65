import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../../fakes/telegram/index.js';
import {
  escapeAttribute,
  escapeHtml,
  plainOf,
  renderBlockHtml,
  renderTelegram,
  TELEGRAM_MESSAGE_LIMIT,
} from '../../../src/adapters/telegram/render.js';
import type { Block, Doc, ItemView } from '../../../src/core/document.js';

const item = (over: Partial<ItemView> = {}): ItemView => ({
  id: 7,
  topic: 'mining',
  headline: 'China lists crypto mining as an industry to retire',
  body: 'The NDRC put crypto mining in the "to be eliminated" part of its catalogue.',
  sourceName: 'NDRC',
  sourceUrl: 'https://www.ndrc.gov.cn/',
  dateLabel: '11 Jan 2022',
  ...over,
});

/** Parses as Telegram would, failing the test with Telegram's own description when it would refuse. */
function parsed(html: string) {
  const result = parseTelegramHtml(html);
  if (!result.ok) throw new Error(`${result.description}\n${html}`);
  return result;
}

describe('escaping', () => {
  it('escapes & first, then < and >', () => {
    expect(escapeHtml('a & b <script> &lt;')).toBe('a &amp; b &lt;script&gt; &amp;lt;');
  });

  it('also escapes double quotes inside attributes', () => {
    expect(escapeAttribute('https://x.org/?a=1&b="2"')).toBe('https://x.org/?a=1&amp;b=&quot;2&quot;');
  });

  it('shows editor text literally, whatever markup it holds', () => {
    const html = renderBlockHtml({
      type: 'item',
      item: item({ headline: '<script>alert(1)</script> & co', body: 'Tom & Jerry <b>not bold</b>' }),
    });
    const result = parsed(html);
    expect(result.visible).toContain('<script>alert(1)</script> & co');
    expect(result.visible).toContain('Tom & Jerry <b>not bold</b>');
    expect(result.entities.filter((e) => e.type === 'bold')).toHaveLength(1);
  });
});

describe('blocks', () => {
  it('bolds the headline and links an http(s) source', () => {
    const result = parsed(renderBlockHtml({ type: 'item', item: item() }));
    expect(result.visible.split('\n')[0]).toBe('China lists crypto mining as an industry to retire');
    expect(result.entities[0]).toMatchObject({ type: 'bold', offset: 0 });
    expect(result.links).toEqual([{ text: 'NDRC', href: 'https://www.ndrc.gov.cn/' }]);
    expect(result.visible).toContain('— NDRC, 11 Jan 2022');
  });

  it('never links a javascript: URL, even in a forged item view', () => {
    const html = renderBlockHtml({ type: 'item', item: item({ sourceUrl: 'javascript:alert(1)' }) });
    expect(html).not.toContain('javascript');
    expect(html).not.toContain('<a');
    expect(parsed(html).links).toEqual([]);
    expect(parsed(html).visible).toContain('— NDRC, 11 Jan 2022');
  });

  it('escapes a quote in a source URL so the href cannot be broken out of', () => {
    const html = renderBlockHtml({
      type: 'item',
      item: item({ sourceUrl: 'https://example.org/a"><b>x' }),
    });
    const result = parsed(html);
    expect(result.links).toEqual([{ text: 'NDRC', href: 'https://example.org/a"><b>x' }]);
  });

  it('names the host when the source has a URL and no name', () => {
    const { sourceName: _name, ...noName } = item();
    expect(parsed(renderBlockHtml({ type: 'item', item: noName })).links).toEqual([
      { text: 'www.ndrc.gov.cn', href: 'https://www.ndrc.gov.cn/' },
    ]);
  });

  it('shows the id when asked', () => {
    expect(parsed(renderBlockHtml({ type: 'item', item: item(), showId: true })).visible).toContain('[#7]');
  });

  it.each<[string, Block, string]>([
    ['a section as a bold heading', { type: 'section', text: '⛏ Mining & <power>' }, '⛏ Mining & <power>'],
    ['a muted paragraph in italics', { type: 'paragraph', text: 'a < b', style: 'muted' }, 'a < b'],
    ['a list with bullets', { type: 'list', entries: ['/help — x & y'] }, '• /help — x & y'],
    ['fields with bold labels', { type: 'fields', entries: [['Topics', 'all <3']] }, 'Topics: all <3'],
  ])('renders %s', (_name, block, visible) => {
    expect(parsed(renderBlockHtml(block)).visible).toBe(visible);
  });
});

describe('documents', () => {
  it('puts the title first, in bold', () => {
    const [part] = renderTelegram({
      title: 'Briefing — Tue 11 Jan 2022',
      blocks: [{ type: 'paragraph', text: 'Hi' }],
    });
    const result = parsed(part!.html);
    expect(result.visible).toBe('Briefing — Tue 11 Jan 2022\n\nHi');
    expect(result.entities[0]).toEqual({ type: 'bold', offset: 0, length: 26 });
  });

  it('sends nothing for an empty document', () => {
    expect(renderTelegram({ blocks: [] })).toEqual([]);
  });

  it('keeps the plain form: no tags, the characters as written, link URLs kept', () => {
    const [part] = renderTelegram({ blocks: [{ type: 'item', item: item({ body: 'A & B < C' }) }] });
    expect(part!.plain).toBe(
      'China lists crypto mining as an industry to retire\nA & B < C\n— NDRC (https://www.ndrc.gov.cn/), 11 Jan 2022',
    );
    expect(plainOf('<b>&amp;lt;</b>')).toBe('&lt;');
  });

  it('splits a 25-item digest of 1,500-character bodies between items, each part valid and ≤ 4,096', () => {
    const body = `${'Lorem ipsum & dolor <sit> amet. '.repeat(46)}end`.slice(0, 1500);
    const blocks: Block[] = [{ type: 'paragraph', text: '25 new items since Mon 10 Jan:', style: 'muted' }];
    for (let i = 1; i <= 25; i++) {
      if (i % 10 === 1) blocks.push({ type: 'section', text: `Topic ${i}` });
      blocks.push({ type: 'item', item: item({ id: i, headline: `Headline ${i} & <more>`, body }) });
    }
    const doc: Doc = { title: 'Your Briefcast digest', blocks };
    const parts = renderTelegram(doc);
    expect(parts.length).toBeGreaterThanOrEqual(10);
    const visible = parts.map((p) => parsed(p.html).visible);
    for (const [i, text] of visible.entries()) {
      expect(text.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
      expect(parts[i]!.plain.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
      // Every part after the first starts with a heading or a headline: no item is split.
      if (i > 0) expect(text).toMatch(/^(Topic|Headline) \d+/);
    }
    for (let i = 1; i <= 25; i++) {
      expect(visible.filter((t) => t.includes(`Headline ${i} & <more>\n`))).toHaveLength(1);
    }
    expect(visible.join('').split(body).length - 1).toBe(25);
  });

  it('cuts a single block longer than a message as plain text, never inside a tag', () => {
    const entries = Array.from({ length: 400 }, (_, i) => `entry ${i} & <x>`);
    const parts = renderTelegram({ blocks: [{ type: 'list', entries }] }, 1000);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      const result = parsed(part.html);
      expect(result.visible.length).toBeLessThanOrEqual(1000);
    }
    expect(parts.map((p) => parsed(p.html).visible).join('\n')).toContain('• entry 399 & <x>');
  });
});

import { describe, expect, it } from 'vitest';
import { parseTelegramHtml } from '../../../fakes/telegram/index.js';

describe('parseTelegramHtml', () => {
  it('lists links with their decoded href, and only real tags become links', () => {
    const result = parseTelegramHtml(
      '<a href="https://example.com/?a=1&amp;b=2">site</a> &lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;',
    );
    expect(result).toEqual({
      ok: true,
      visible: 'site <a href="javascript:alert(1)">x</a>',
      links: [{ text: 'site', href: 'https://example.com/?a=1&b=2' }],
      entities: [{ type: 'text_link', offset: 0, length: 4, url: 'https://example.com/?a=1&b=2' }],
    });
  });

  it('lists a javascript: link although Telegram would drop it', () => {
    const result = parseTelegramHtml('<a href="javascript:alert(1)">x</a>');
    expect(result).toMatchObject({
      ok: true,
      links: [{ text: 'x', href: 'javascript:alert(1)' }],
      entities: [],
    });
  });

  it('understands pre with a language, expandable quotes, spoilers and numeric references', () => {
    const result = parseTelegramHtml(
      '<pre><code class="language-ts">x</code></pre><blockquote expandable>q</blockquote>' +
        '<span class="tg-spoiler">s</span>&#128512;&#x41;',
    );
    expect(result).toEqual({
      ok: true,
      visible: 'xqs😀A',
      links: [],
      entities: [
        { type: 'pre', offset: 0, length: 1, language: 'ts' },
        { type: 'expandable_blockquote', offset: 1, length: 1 },
        { type: 'spoiler', offset: 2, length: 1 },
      ],
    });
  });

  it('reports byte offsets, not character offsets', () => {
    expect(parseTelegramHtml('é<p>')).toEqual({
      ok: false,
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "p" at byte offset 2',
    });
  });

  it('tolerates bare & and > only when not strict, as the real server does', () => {
    expect(parseTelegramHtml('Tom & Jerry > Bob &nbsp;', { strict: false })).toMatchObject({
      ok: true,
      visible: 'Tom & Jerry > Bob &nbsp;',
    });
    expect(parseTelegramHtml('a > b')).toMatchObject({
      ok: false,
      description: expect.stringContaining('">"'),
    });
    expect(parseTelegramHtml('&amp')).toMatchObject({ ok: false });
  });
});

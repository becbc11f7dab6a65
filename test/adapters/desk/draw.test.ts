import { describe, expect, it } from 'vitest';
import { discordMarkdownToWeb, drawDiscord } from '../../../src/adapters/desk/draw-discord.js';
import {
  drawTelegram,
  telegramHtmlToWeb,
  telegramVisibleLength,
} from '../../../src/adapters/desk/draw-telegram.js';
import { escapeText, renderDiscord } from '../../../src/adapters/discord/render.js';
import { renderTelegram } from '../../../src/adapters/telegram/render.js';
import type { Doc } from '../../../src/core/document.js';
import { ENGLISH } from '../../../src/i18n/translator.js';

const EVIL = '<script>alert(1)</script> & "quotes" **not bold** [x](javascript:alert(2))';
const doc: Doc = {
  title: 'Briefing',
  blocks: [
    { type: 'section', text: '⛏️ Mining' },
    {
      type: 'item',
      item: {
        id: 1,
        topic: 'mining',
        headline: EVIL,
        body: `Body ${EVIL}`,
        sourceName: 'NDRC',
        sourceUrl: 'https://www.ndrc.gov.cn/?a=1&b=2',
        dateLabel: '11 Jan 2022',
      },
    },
  ],
};

describe('drawing Telegram messages', () => {
  it('keeps the renderer’s bold, italic and http(s) links and escapes all text', () => {
    const [part] = renderTelegram(doc);
    const web = telegramHtmlToWeb(part!.html);
    expect(web).toContain('<strong>Briefing</strong>');
    expect(web).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;');
    expect(web).toContain(
      '<a href="https://www.ndrc.gov.cn/?a=1&amp;b=2" rel="noopener noreferrer nofollow" target="_blank">NDRC</a>',
    );
    expect(web).not.toMatch(/<script|<(?!\/?(strong|a)\b)[a-z]/);
  });

  it('drops links that are not http(s) and tags it does not know, and closes what is left open', () => {
    expect(telegramHtmlToWeb('<a href="javascript:alert(1)">x</a><u>y</u><b>z')).toBe(
      'x&lt;u&gt;y&lt;/u&gt;<strong>z</strong>',
    );
  });

  it('counts what Telegram counts and marks a message over the limit', () => {
    const [part] = renderTelegram({ blocks: [{ type: 'paragraph', text: 'a < b' }] });
    expect(telegramVisibleLength(part!)).toBe(5);
    const over = drawTelegram([{ html: 'x'.repeat(4097), plain: 'x'.repeat(4097) }], ENGLISH).value;
    expect(over).toContain('tg-meta over');
    expect(over).toContain('4,097 / 4,096 characters');
  });
});

describe('drawing Discord messages', () => {
  it('reads the markdown the renderer writes and escapes everything else', () => {
    expect(discordMarkdownToWeb(escapeText(EVIL))).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; **not bold** [x](javascript:alert(2))',
    );
    expect(discordMarkdownToWeb('**Bold** *it* [NDRC](https://www.ndrc.gov.cn/) [bad](javascript:x)')).toBe(
      '<strong>Bold</strong> <em>it</em> <a href="https://www.ndrc.gov.cn/" rel="noopener noreferrer nofollow" target="_blank">NDRC</a> bad',
    );
  });

  it('draws embeds with their titles, fields and counts', () => {
    const drawn = drawDiscord(renderDiscord(doc), ENGLISH).value;
    expect(drawn).toContain('class="dc-embed"');
    expect(drawn).toContain('<div class="dc-embed-title">⛏️ Mining</div>');
    expect(drawn).toMatch(/\d+ \/ 6,000 characters in embeds/);
    expect(drawn).not.toContain('<script');
  });
});

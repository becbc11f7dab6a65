import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import {
  DISCORD_LIMITS,
  embedsLength,
  escapeText,
  renderDiscord,
} from '../../../src/adapters/discord/render.js';
import type { Block, Doc, ItemView } from '../../../src/core/document.js';

function item(id: number, overrides: Partial<ItemView> = {}): ItemView {
  return {
    id,
    topic: 'mining',
    headline: `Headline ${id}`,
    body: `Body of item ${id}.`,
    sourceName: 'NDRC',
    sourceUrl: 'https://www.ndrc.gov.cn/',
    dateLabel: '11 Jan 2022',
    ...overrides,
  };
}

/** Every limit Discord enforces on one message. */
function expectWithinLimits(payloads: ReturnType<typeof renderDiscord>): void {
  for (const p of payloads) {
    expect(p.allowed_mentions).toEqual({ parse: [] });
    if (p.content !== undefined) expect(p.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    const embeds: readonly APIEmbed[] = p.embeds ?? [];
    expect(embeds.length).toBeLessThanOrEqual(DISCORD_LIMITS.embedsPerMessage);
    expect(embedsLength(embeds)).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
    for (const e of embeds) {
      expect(e.title?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedTitle);
      expect(e.description?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.embedDescription);
      expect(e.fields?.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.fieldsPerEmbed);
      for (const f of e.fields ?? []) {
        expect(f.name.length).toBeGreaterThan(0);
        expect(f.name.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldName);
        expect(f.value.length).toBeGreaterThan(0);
        expect(f.value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
      }
      expect(e.footer?.text.length ?? 0).toBeLessThanOrEqual(DISCORD_LIMITS.footerText);
      expect(e.title ?? e.description ?? e.fields ?? e.footer).toBeDefined();
    }
    expect(p.content ?? p.embeds).toBeDefined();
  }
}

/** All the text a reader sees, in order. */
function allText(payloads: ReturnType<typeof renderDiscord>): string {
  return payloads
    .flatMap((p) => [
      p.content ?? '',
      ...(p.embeds ?? []).flatMap((e) => [
        e.title ?? '',
        e.description ?? '',
        ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
        e.footer?.text ?? '',
      ]),
    ])
    .join('\n');
}

function digest(items: number, bodyLength: number): Doc {
  const blocks: Block[] = [
    { type: 'paragraph', text: `${items} new items since yesterday.`, style: 'muted' },
  ];
  for (const [t, topic] of ['⛏️ Crypto mining', '🏛️ Blockchain policy', '🖼️ NFTs'].entries()) {
    blocks.push({ type: 'section', text: topic });
    for (let i = t; i < items; i += 3)
      blocks.push({
        type: 'item',
        item: item(i + 1, { body: `${i + 1} ${'x'.repeat(bodyLength - 8)} end` }),
      });
  }
  blocks.push({ type: 'paragraph', text: '…and 4 more. See them with /topic mining 10.', style: 'muted' });
  return { title: 'Your Briefcast digest', blocks };
}

describe('renderDiscord', () => {
  it('sends a short plain answer as content', () => {
    const [p, ...rest] = renderDiscord({ blocks: [{ type: 'paragraph', text: 'Deleted #3: A headline' }] });
    expect(rest).toEqual([]);
    expect(p).toEqual({ content: 'Deleted #3: A headline', allowed_mentions: { parse: [] } });
  });

  it('splits a 25-item digest of 1,500-character bodies within every limit, at item boundaries', () => {
    const payloads = renderDiscord(digest(25, 1500));
    expectWithinLimits(payloads);
    expect(payloads.length).toBeGreaterThan(1);
    const text = allText(payloads);
    for (let id = 1; id <= 25; id++) {
      // Each body is whole in one place: never split between messages.
      const body = `${id} ${'x'.repeat(1492)} end`;
      expect(text).toContain(body);
    }
    expect(text).toContain('…and 4 more');
  });

  it('puts short items in fields of their topic section and keeps their order', () => {
    const [p, ...rest] = renderDiscord(digest(6, 100));
    expect(rest).toEqual([]);
    expectWithinLimits([p!]);
    const embeds = p!.embeds ?? [];
    expect(embeds.map((e) => e.title)).toEqual([
      'Your Briefcast digest',
      '⛏️ Crypto mining',
      '🏛️ Blockchain policy',
      '🖼️ NFTs',
    ]);
    expect(embeds[1]!.fields!.map((f) => f.name)).toEqual(['Headline 1', 'Headline 4']);
    expect(embeds[1]!.fields![0]!.value).toContain('— [NDRC](https://www.ndrc.gov.cn/) · 11 Jan 2022');
    expect(embeds.at(-1)!.footer).toEqual({ text: '…and 4 more. See them with /topic mining 10.' });
  });

  it('puts a long item in the description, and text after fields in a new embed', () => {
    const doc: Doc = {
      title: 'Topic',
      blocks: [
        { type: 'item', item: item(1) },
        { type: 'item', item: item(2, { body: 'y'.repeat(1500) }) },
        { type: 'item', item: item(3) },
      ],
    };
    const embeds = renderDiscord(doc)[0]!.embeds!;
    expect(embeds).toHaveLength(2);
    expect(embeds[0]!.fields!.map((f) => f.name)).toEqual(['Headline 1']);
    expect(embeds[1]!.description).toContain('**Headline 2**\nyyyy');
    expect(embeds[1]!.fields!.map((f) => f.name)).toEqual(['Headline 3']);
  });

  it('gives every payload allowed_mentions parse [] so @everyone in an item pings no one', () => {
    const payloads = [
      ...renderDiscord({
        blocks: [{ type: 'item', item: item(1, { headline: '@everyone look' }) }],
        title: 'x',
      }),
      ...renderDiscord({ blocks: [{ type: 'paragraph', text: 'Deleted #1: @everyone look' }] }),
    ];
    for (const p of payloads) expect(p.allowed_mentions).toEqual({ parse: [] });
  });

  it('links a source only when its URL is http or https', () => {
    const link = (sourceUrl: string) =>
      allText(renderDiscord({ title: 't', blocks: [{ type: 'item', item: item(1, { sourceUrl }) }] }));
    expect(link('https://example.com/a_(b)')).toContain('[NDRC](https://example.com/a_%28b%29)');
    expect(link('javascript:alert(1)')).toContain('— NDRC · 11 Jan 2022');
    expect(link('javascript:alert(1)')).not.toContain('javascript');
  });

  it('escapes markdown in user text so it cannot restyle the message or forge a link', () => {
    const text = allText(
      renderDiscord({
        title: '*Bold* title',
        blocks: [
          {
            type: 'item',
            item: item(1, { headline: '**Not bold** [click](https://evil.example)', sourceName: 'A_B' }),
          },
        ],
      }),
    );
    expect(text).toContain('\\*Bold\\* title');
    expect(text).toContain('\\*\\*Not bold\\*\\* \\[click\\](https://evil.example)');
    expect(text).toContain('[A\\_B](https://www.ndrc.gov.cn/)');
    expect(escapeText('# heading\n- item')).toBe('\\# heading\n\\- item');
  });

  it('shows settings as inline fields and marks errors in red', () => {
    const [p] = renderDiscord({
      title: 'This chat’s subscription',
      tone: 'error',
      blocks: [
        {
          type: 'fields',
          entries: [
            ['Topics', 'all'],
            ['Delivery', '08:00 UTC'],
          ],
        },
      ],
    });
    const [embed] = p!.embeds!;
    expect(embed!.fields).toEqual([
      { name: 'Topics', value: 'all', inline: true },
      { name: 'Delivery', value: '08:00 UTC', inline: true },
    ]);
    expect(embed!.color).toBe(0xc53030);
  });

  it('repeats a section title marked continued when its items go on in the next message', () => {
    const payloads = renderDiscord(digest(12, 1500));
    expectWithinLimits(payloads);
    const titles = payloads.flatMap((p) => p.embeds!.map((e) => e.title)).filter((t) => t !== undefined);
    expect(titles).toContain('⛏️ Crypto mining (continued)');
  });

  it('cuts only a block that alone exceeds the description limit', () => {
    const huge = item(1, {
      body: '*'.repeat(1500),
      headline: '_'.repeat(200),
      sourceUrl: `https://e.com/${'a'.repeat(1980)}`,
    });
    const payloads = renderDiscord({ title: 't', blocks: [{ type: 'item', item: huge }] });
    expectWithinLimits(payloads);
  });

  it('splits long plain content at paragraph boundaries within 2,000 characters', () => {
    const blocks: Block[] = Array.from({ length: 5 }, (_, i) => ({
      type: 'paragraph',
      text: `${i} ${'z'.repeat(700)}`,
    }));
    const payloads = renderDiscord({ blocks });
    expectWithinLimits(payloads);
    expect(payloads.length).toBe(3);
    expect(payloads[0]!.content!.startsWith('0 ')).toBe(true);
  });
});

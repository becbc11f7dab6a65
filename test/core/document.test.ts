import { describe, expect, it } from 'vitest';
import { renderDiscord } from '../../src/adapters/discord/render.js';
import { renderTelegram } from '../../src/adapters/telegram/render.js';
import { cutPlainText, type Doc, sliceWhole } from '../../src/core/document.js';

const LONE_SURROGATE = /\p{Cs}/u;
const FAMILY = '👨‍👩‍👧';
const PICK = '⛏️';

/** Every piece is within the limit, well-formed, and the pieces hold every character of the text. */
function expectWholeCuts(text: string, limit: number): string[] {
  const pieces = cutPlainText(text, limit);
  for (const piece of pieces) {
    expect(piece.length).toBeLessThanOrEqual(limit);
    expect(piece).not.toMatch(LONE_SURROGATE);
  }
  expect(pieces.join('').replace(/\s/g, '')).toBe(text.replace(/\s/g, ''));
  return pieces;
}

describe('cutting text between whole characters', () => {
  it('never ends inside a surrogate pair, an emoji sequence or an emoji with its variation selector', () => {
    expect(sliceWhole(`ab${FAMILY}`, 4)).toBe('ab');
    expect(sliceWhole(`ab${FAMILY}`, 2 + FAMILY.length)).toBe(`ab${FAMILY}`);
    expect(sliceWhole(`a${PICK}`, 2)).toBe('a');
    expect(sliceWhole('a😀b', 2)).toBe('a');
    expect(sliceWhole('中文', 1)).toBe('中');
  });

  it('cuts Chinese without spaces after a sentence or clause, else between characters', () => {
    const sentence = '中国将加密货币挖矿列为淘汰类产业，能源消耗问题引发关注。';
    const pieces = expectWholeCuts(sentence.repeat(20), 100);
    for (const piece of pieces.slice(0, -1)) expect(piece).toMatch(/[。，]$/);
    expectWholeCuts('中'.repeat(1000), 97);
  });

  it('keeps emoji whole in long Chinese text at any limit', () => {
    const text = `矿工${FAMILY}迁往海外${PICK}😀`.repeat(300);
    for (const limit of [9, 10, 11, 50, 4096]) expectWholeCuts(text, limit);
    // A limit smaller than one emoji sequence still never splits a surrogate pair.
    expectWholeCuts(text.slice(0, 400), 5);
  });
});

describe('long Chinese replies on each platform', () => {
  const body = `国家发改委将加密货币挖矿列入淘汰类${FAMILY}${PICK}`.repeat(400);
  const doc: Doc = {
    title: '你的 Briefcast 摘要',
    blocks: [{ type: 'paragraph', text: body }],
    language: 'zh-CN',
  };

  it('Telegram: messages within 4,096 characters, no character cut in two', () => {
    const parts = renderTelegram(doc);
    expect(parts.length).toBeGreaterThan(2);
    for (const part of parts) {
      expect(part.plain.length).toBeLessThanOrEqual(4096);
      expect(part.html).not.toMatch(LONE_SURROGATE);
    }
    expect(
      parts
        .map((p) => p.plain)
        .join('')
        .split(FAMILY).length - 1,
    ).toBe(400);
  });

  it('Discord: embed descriptions within 4,096 and messages within 6,000, no character cut in two', () => {
    const payloads = renderDiscord(doc);
    let families = 0;
    for (const payload of payloads) {
      let size = 0;
      for (const embed of payload.embeds ?? []) {
        const description = embed.description ?? '';
        expect(description.length).toBeLessThanOrEqual(4096);
        expect(description).not.toMatch(LONE_SURROGATE);
        families += description.split(FAMILY).length - 1;
        size += description.length + (embed.title?.length ?? 0);
      }
      expect(size).toBeLessThanOrEqual(6000);
    }
    expect(families).toBe(400);
  });

  it('Discord: a long Chinese title is shortened between whole characters', () => {
    const [first] = renderDiscord({
      title: `${'标题'.repeat(127)}😀😀`,
      blocks: [{ type: 'paragraph', text: '正文' }],
    });
    const title = first!.embeds![0]!.title!;
    expect(title.length).toBeLessThanOrEqual(256);
    expect(title).not.toMatch(LONE_SURROGATE);
    expect(title.endsWith('…')).toBe(true);
  });
});

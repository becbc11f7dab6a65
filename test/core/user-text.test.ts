import { describe, expect, it } from 'vitest';
import { commandAsTyped, MAX_QUOTED_LENGTH, quoted, wellFormed } from '../../src/core/user-text.js';

describe('wellFormed', () => {
  it('replaces lone surrogates and keeps pairs', () => {
    expect(wellFormed('a\uD800b')).toBe('a\uFFFDb');
    expect(wellFormed('\uDC00\uD800')).toBe('\uFFFD\uFFFD');
    expect(wellFormed('\uD83D\uDCF0 news')).toBe('📰 news');
    expect(wellFormed('plain')).toBe('plain');
  });
});

describe('quoted', () => {
  it('quotes short input as it is', () => expect(quoted('tomorrow')).toBe('"tomorrow"'));
  it('cuts long input short', () =>
    expect(quoted('x'.repeat(10_000))).toBe(`"${'x'.repeat(MAX_QUOTED_LENGTH)}…"`));
  it('cuts at whole code points', () =>
    expect(quoted('📰'.repeat(MAX_QUOTED_LENGTH + 1))).toBe(`"${'📰'.repeat(MAX_QUOTED_LENGTH)}…"`));
  it('makes lone surrogates visible', () => expect(quoted('\uD800nft')).toBe('"\uFFFDnft"'));
});

describe('commandAsTyped', () => {
  it('repeats a command name with its slash, cut short', () => {
    expect(commandAsTyped('frobnicate')).toBe('/frobnicate');
    expect(commandAsTyped('y'.repeat(500))).toBe(`/${'y'.repeat(MAX_QUOTED_LENGTH)}…`);
  });
});

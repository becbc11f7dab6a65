import { describe, expect, it } from 'vitest';
import { catalogProblems, flatten, placeholdersOf } from '../../src/i18n/catalog.js';
import type { LanguagePack } from '../../src/i18n/language.js';
import { LANGUAGE_PACKS } from '../../src/i18n/languages.js';
import en from '../../src/i18n/locales/en.js';
import { ENGLISH, languageFromLocale, resolveLanguage, translatorFor } from '../../src/i18n/translator.js';

const zh = translatorFor('zh-CN');

function pack(code: string, messages: LanguagePack['messages']): LanguagePack {
  return { ...en, code, messages };
}

describe('the message catalog', () => {
  it('has every key in every language, with the same placeholders', () => {
    expect(catalogProblems(LANGUAGE_PACKS)).toEqual([]);
  });

  it('has no English left in the Chinese catalog except commands, codes and names', () => {
    const english = flatten(LANGUAGE_PACKS[0].messages);
    const chinese = flatten(LANGUAGE_PACKS[1].messages);
    // A message of placeholders and signs alone (`{{length}} / {{limit}}`) has no words to translate.
    const words = (text: string) => /\p{L}/u.test(text.replace(/\{\{[^}]*\}\}/g, ''));
    const same = [...chinese]
      .filter(([key, text]) => english.get(key) === text && words(text))
      .map(([key]) => key);
    // Usage lines of commands without arguments, the warning sign and a help entry's layout are the same in both.
    expect(same.every((key) => /\.usage$|^usage\.problem$|^help\.entry$|\.examples$/.test(key))).toBe(true);
  });

  it('names a missing key, a missing plural form and a placeholder used in one language only', () => {
    const reference = pack('en', { a: 'A {{name}}', n_one: '{{count}} thing', n_other: '{{count}} things' });
    expect(catalogProblems([reference, pack('zh-CN', { n_other: '{{count}} 个' })])).toEqual([
      'zh-CN: "a" is missing',
    ]);
    expect(catalogProblems([reference, pack('zh-CN', { a: '甲', n_other: '{{count}} 个' })])).toEqual([
      'zh-CN: "a" does not use {{name}}, which en uses',
    ]);
    expect(
      catalogProblems([reference, pack('zh-CN', { a: '{{name}} {{extra}}', n_other: '个', x: '多余' })]),
    ).toEqual([
      'zh-CN: "a" uses {{extra}}, which en does not',
      'zh-CN: "n" does not use {{count}}, which en uses',
      'zh-CN: "x" is not a key of en',
    ]);
    expect(catalogProblems([pack('en', { n_other: '{{count}} things' })])).toEqual([
      'en: "n_one" is missing',
    ]);
    expect(
      catalogProblems([reference, pack('zh-CN', { a: '{{name}}', n_one: '一', n_other: '{{count}}' })]),
    ).toEqual(['zh-CN: "n_one" is not a plural form of zh-CN']);
    expect(catalogProblems([reference, pack('zh-CN', { a: '', n_other: '{{count}}' })])).toContain(
      'zh-CN: "a" is empty',
    );
  });

  it('reads placeholders with and without a format', () => {
    expect([...placeholdersOf('{{count, number}} items since {{ since }}')]).toEqual(['count', 'since']);
  });
});

describe('translators', () => {
  it('fill placeholders, pick plural forms and format numbers in each language', () => {
    expect(ENGLISH.t('topics.items', { count: 1 })).toBe('1 item');
    expect(ENGLISH.t('topics.items', { count: 12345 })).toBe('12,345 items');
    expect(zh.t('topics.items', { count: 1 })).toBe('1 条');
    expect(zh.t('topics.items', { count: 12345 })).toBe('12,345 条');
    expect(zh.t('errors.chatAdminOnly', { command: 'subscribe' })).toBe(
      '在这里只有本聊天的管理员可以使用 /subscribe。',
    );
  });

  it('write dates and times in each language', () => {
    expect(ENGLISH.date('2022-01-11')).toBe('Tue 11 Jan 2022');
    expect(zh.date('2022-01-11')).toBe('2022年1月11日 星期二');
    const instant = new Date('2022-01-11T00:30:00Z');
    expect(ENGLISH.instant(instant, 'Asia/Shanghai')).toBe('Tue 11 Jan 2022, 08:30 (Asia/Shanghai)');
    expect(zh.instant(instant, 'Asia/Shanghai')).toBe('2022年1月11日 星期二 08:30 (Asia/Shanghai)');
    expect(ENGLISH.itemDate('2022-01-10T20:00:00Z', 'Asia/Shanghai')).toBe('11 Jan 2022');
    expect(zh.itemDate('2022-01-10T20:00:00Z', 'Asia/Shanghai')).toBe('2022年1月11日');
  });

  it('show a stored pause reason in the reader’s language, and an unknown one as it is', () => {
    expect(zh.reason('the bot was blocked by the user')).toBe('用户屏蔽了机器人');
    expect(ENGLISH.reason('the bot was blocked by the user')).toBe('the bot was blocked by the user');
    expect(zh.reason('Forbidden: something new')).toBe('Forbidden: something new');
  });
});

describe('languages by name and by locale', () => {
  it.each([
    ['zh', 'zh-CN'],
    ['ZH', 'zh-CN'],
    ['zh-CN', 'zh-CN'],
    ['中文', 'zh-CN'],
    ['Chinese', 'zh-CN'],
    ['en', 'en'],
    ['English', 'en'],
    ['fr', undefined],
    ['', undefined],
  ])('/language %s → %s', (name, code) => {
    expect(resolveLanguage(name)).toBe(code);
  });

  it.each([
    ['zh-hans', 'zh-CN'],
    ['zh-CN', 'zh-CN'],
    ['zh-TW', 'zh-CN'],
    ['zh_CN.UTF-8', 'zh-CN'],
    ['en-GB', 'en'],
    ['en-US', 'en'],
    ['en_US.UTF-8', 'en'],
    ['de', undefined],
    ['C.UTF-8', undefined],
    ['POSIX', undefined],
    [undefined, undefined],
  ])('platform locale %s → %s', (locale, code) => {
    expect(languageFromLocale(locale)).toBe(code);
  });
});

describe('DST notes in /settings', () => {
  it('say a skipped or repeated delivery time in the reader’s language', async () => {
    const { Views } = await import('../../src/core/views.js');
    const { dueInstant } = await import('../../src/core/time.js');
    const { loadTopics } = await import('../../src/store/seed.js');
    const views = new Views(await loadTopics(), 'Asia/Shanghai');
    const berlin = (time: string) => ({ time, timezone: 'Europe/Berlin' });
    const gap = dueInstant('2026-03-29', '02:30', 'Europe/Berlin');
    expect(views.nextDigest(berlin('02:30'), gap, zh)).toBe(
      '2026年3月29日 星期日 03:00 (Europe/Berlin) — 当天时钟跳过 02:30（拨快）',
    );
    expect(views.nextDigest(berlin('02:30'), gap, ENGLISH)).toBe(
      'Sun 29 Mar 2026, 03:00 (Europe/Berlin) — the clocks skip 02:30 that day (they go forward)',
    );
    const fold = dueInstant('2026-10-25', '02:30', 'Europe/Berlin');
    expect(views.nextDigest(berlin('02:30'), fold, zh)).toContain(
      '当天出现两次 02:30（时钟拨回），取第一次；只发一份摘要',
    );
  });
});

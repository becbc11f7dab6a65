import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import type { ChatKind, ChatRef, UserRef } from '../../src/core/chat.js';
import { commandText } from '../../src/core/command.js';
import type { Invocation } from '../../src/core/dispatch.js';
import type { Doc } from '../../src/core/document.js';
import { flatten } from '../../src/i18n/catalog.js';
import { LANGUAGE_PACKS } from '../../src/i18n/languages.js';
import { ENGLISH, type Translator, translatorFor, translators } from '../../src/i18n/translator.js';
import { makeNewsroom } from '../helpers/newsroom.js';

const EDITOR: UserRef = { platform: 'telegram', id: '111', name: 'Editor' };
const CHAT: ChatRef = { platform: 'telegram', id: '111' };
const NOW = '2022-01-11T10:00:00Z';

async function setup() {
  const fixture = await makeNewsroom({ now: NOW, editors: { telegram: ['111'] } });
  const run = async (
    text: string,
    o: { chat?: ChatRef; kind?: ChatKind; user?: UserRef; admin?: boolean; locale?: string } = {},
  ): Promise<Doc> => {
    const match = /^\/(\w+)\s?([\s\S]*)$/.exec(text)!;
    const inv: Invocation = {
      platform: 'telegram',
      command: match[1]!,
      input: { text: match[2] ?? '' },
      chat: o.chat ?? CHAT,
      chatKind: o.kind ?? 'private',
      user: o.user ?? EDITOR,
      isChatAdmin: async () => o.admin ?? false,
      ...(o.locale !== undefined && { locale: o.locale }),
    };
    return fixture.dispatcher.dispatch(inv);
  };
  return { ...fixture, run };
}

/** What a command is run with, and a message of the reply in the chat's language. */
interface Case {
  readonly input: string;
  readonly expects: (tr: Translator) => string;
  /** A mistake the command answers with its usage line. */
  readonly mistake: string;
}

/** One case per command of the index; a command missing here fails the first test. */
const CASES: Record<string, Case> = {
  start: { input: '', expects: (tr) => tr.t('commands.start.welcome'), mistake: 'extra' },
  help: { input: '', expects: (tr) => tr.t('help.editors'), mistake: 'extra' },
  brief: {
    input: '2022-01-11',
    expects: (tr) => tr.t('brief.title', { date: tr.date('2022-01-11') }),
    mistake: 'someday',
  },
  topic: {
    input: 'mining 1',
    expects: (tr) =>
      tr.t('topic.title', {
        topic: `⛏️ ${tr === ENGLISH ? 'Crypto mining' : '加密货币挖矿'}`,
        shown: 1,
        total: 2,
      }),
    mistake: 'weather',
  },
  topics: { input: '', expects: (tr) => tr.t('topics.hint'), mistake: 'extra' },
  subscribe: { input: 'mining 08:30 UTC', expects: (tr) => tr.t('subscribe.created'), mistake: '25:00' },
  unsubscribe: { input: '', expects: (tr) => tr.t('unsubscribe.none'), mistake: 'extra' },
  settings: {
    input: '',
    expects: (tr) => tr.t('settings.none', { time: '08:00', timezone: 'Asia/Shanghai' }),
    mistake: 'extra',
  },
  language: {
    input: '',
    expects: (tr) => tr.t('language.current', { name: tr.pack.name }),
    mistake: 'klingon',
  },
  post: {
    input: 'mining A headline\nThe body.',
    expects: (tr) => tr.t('post.hint', { id: 5 }),
    mistake: 'mining',
  },
  edit: {
    input: '1 mining New headline\nNew body.',
    expects: (tr) => tr.t('edit.title', { id: 1 }),
    mistake: '1 mining',
  },
  delete: { input: '1', expects: (tr) => tr.t('delete.done', { id: 1, headline: '' }), mistake: 'abc' },
  digest: {
    input: '',
    expects: (tr) => tr.t('digest.preview', { title: tr.t('digest.title') }),
    mistake: 'extra',
  },
  stats: { input: '', expects: (tr) => tr.t('stats.title'), mistake: 'extra' },
  feed: { input: 'list', expects: (tr) => tr.t('wire.feed.list.none'), mistake: 'frobnicate' },
  wire: { input: '', expects: (tr) => tr.t('wire.batch.none'), mistake: 'publish abc' },
  desk: { input: '', expects: (tr) => tr.t('desk.off'), mistake: 'extra' },
};

/** English messages long enough to be recognised, and not also used as they are in `tr`'s catalog. */
function englishOnly(tr: Translator): string[] {
  const mine = new Set(flatten(tr.pack.messages).values());
  return [...flatten(LANGUAGE_PACKS[0].messages).values()]
    .flatMap((m) => m.split(/\{\{[^}]*\}\}/))
    .map((piece) => piece.trim())
    .filter((piece) => piece.length >= 12 && !mine.has(piece) && ![...mine].some((m) => m.includes(piece)));
}

describe('every command in every language', () => {
  it('has a case for every command of the index', () => {
    expect(Object.keys(CASES).sort()).toEqual(commands.map((c) => c.name).sort());
  });

  for (const tr of translators()) {
    describe(tr.language, () => {
      for (const command of commands) {
        const c = CASES[command.name]!;
        it(`/${command.name} answers in ${tr.pack.name}`, async () => {
          const { run, newsroom } = await setup();
          await newsroom.languages.setLanguage(CHAT, tr.language);
          const doc = JSON.stringify(await run(`/${command.name} ${c.input}`));
          expect(doc).toContain(JSON.stringify(c.expects(tr)).slice(1, -1));
          if (tr !== ENGLISH) for (const english of englishOnly(tr)) expect(doc).not.toContain(english);
        });

        it(`/${command.name} explains a mistake in ${tr.pack.name}, with its usage line`, async () => {
          const { run, newsroom } = await setup();
          await newsroom.languages.setLanguage(CHAT, tr.language);
          const doc = await run(`/${command.name} ${c.mistake}`);
          expect(doc.tone).toBe('error');
          const text = JSON.stringify(doc);
          expect(text).toContain(JSON.stringify(commandText(command, tr).usage).slice(1, -1));
          if (tr !== ENGLISH) for (const english of englishOnly(tr)) expect(text).not.toContain(english);
        });
      }
    });
  }
});

describe('the chat’s language', () => {
  it('follows the platform’s locale until the chat chooses, then the choice', async () => {
    const { run } = await setup();
    expect(JSON.stringify(await run('/settings', { locale: 'zh-hans' }))).toContain('本聊天还没有订阅');
    expect(JSON.stringify(await run('/settings', { locale: 'en-GB' }))).toContain(
      'This chat has no subscription',
    );
    expect(JSON.stringify(await run('/settings', { locale: 'de' }))).toContain(
      'This chat has no subscription',
    );
    expect(JSON.stringify(await run('/language', { locale: 'zh-CN' }))).toContain('来自平台设置');
    expect(JSON.stringify(await run('/language en', { locale: 'zh-CN' }))).toContain(
      'This chat’s language is now English.',
    );
    expect(JSON.stringify(await run('/settings', { locale: 'zh-CN' }))).toContain(
      'This chat has no subscription',
    );
    expect(JSON.stringify(await run('/language 中文'))).toContain('本聊天的语言已改为中文。');
    expect(JSON.stringify(await run('/language'))).toContain('本聊天的语言：中文。');
  });

  it('in a group, may be shown to anyone and changed only by the chat’s admins', async () => {
    const { run, newsroom } = await setup();
    const group: ChatRef = { platform: 'telegram', id: '-1001' };
    const reader: UserRef = { platform: 'telegram', id: '222', name: 'Reader' };
    const shown = await run('/language', { chat: group, kind: 'group', user: reader });
    expect(shown.tone).toBeUndefined();
    const refused = JSON.stringify(await run('/language zh', { chat: group, kind: 'group', user: reader }));
    expect(refused).toContain("Only this chat's admins can use /language here.");
    expect(await newsroom.languages.languageOf(group)).toBeUndefined();
    await run('/language zh', { chat: group, kind: 'group', user: reader, admin: true });
    expect(await newsroom.languages.languageOf(group)).toBe('zh-CN');
    // Refused in the chat's language now.
    expect(JSON.stringify(await run('/language en', { chat: group, kind: 'group', user: reader }))).toContain(
      '在这里只有本聊天的管理员可以使用 /language。',
    );
    expect(await newsroom.languages.languageOf(group)).toBe('zh-CN');
  });

  it('is fixed by /subscribe when the chat had none: digests keep the language the platform gave posts there', async () => {
    const { newsroom, dispatcher } = await setup();
    const channel: ChatRef = { platform: 'discord', id: '900' };
    await dispatcher.dispatch({
      platform: 'discord',
      command: 'subscribe',
      input: { options: {} },
      chat: channel,
      chatKind: 'group',
      user: { platform: 'discord', id: '5', name: 'Mod' },
      isChatAdmin: async () => true,
      locale: 'en-US',
      chatLocale: 'zh-CN',
    });
    expect(await newsroom.languages.languageOf(channel)).toBe('zh-CN');
    expect((await newsroom.translatorOf(channel)).language).toBe('zh-CN');
  });

  it('accepts /brief 今天 and 昨天, and /topic and /subscribe by Chinese names, in any chat', async () => {
    const { run } = await setup();
    expect(JSON.stringify(await run('/brief 今天'))).toContain('Briefing — Tue 11 Jan 2022');
    expect(JSON.stringify(await run('/brief 昨天'))).toContain('No briefing for Mon 10 Jan 2022');
    expect(JSON.stringify(await run('/topic 挖矿'))).toContain('Crypto mining — latest 2 of 2');
    expect(JSON.stringify(await run('/topic 数字藏品 1'))).toContain('NFTs — latest 1 of 1');
    const subscribed = JSON.stringify(await run('/subscribe 挖矿，政策 08:30'));
    expect(subscribed).toContain('⛏️ Crypto mining, 🏛️ Blockchain policy');
    expect(JSON.stringify(await run('/subscribe 全部'))).toContain('"Topics","all"');
    expect(translatorFor('zh-CN').t('words.today')).toBe('今天');
  });
});

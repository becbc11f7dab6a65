import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DM_ID, GUILD_ID, type Harness, NEWS_ID, startHarness, textOf } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h?.stop();
});

const NEWS = { platform: 'discord', id: NEWS_ID } as const;
const ZH = { locale: 'zh-CN' } as const;

describe('Discord in the reader’s language (a real discord.js client against the fake)', () => {
  it('answers each person in their client’s language until the chat chooses one', async () => {
    expect(textOf(await h.command('help', 'member', {}, ZH))).toContain('命令、话题，以及本聊天的订阅');
    expect(textOf(await h.command('help', 'member', {}, { locale: 'en-GB' }))).toContain(
      'The commands, the topics, and this chat’s subscription',
    );
    // An unknown locale gets DEFAULT_LANGUAGE.
    expect(textOf(await h.command('help', 'member', {}, { locale: 'fr' }))).toContain(
      'The commands, the topics',
    );
  });

  it('lets only the server’s admins change the channel’s language; then everyone is answered in it', async () => {
    const refused = await h.command('language', 'member', { language: 'zh' }, ZH);
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('在这里只有本聊天的管理员可以使用 /language。');
    expect(await h.newsroom.languages.languageOf(NEWS)).toBeUndefined();
    const shown = await h.command('language', 'member', {}, ZH);
    expect(shown.content).toContain('本聊天的语言：中文（来自平台设置，尚未选择）。');
    const changed = await h.command('language', 'moderator', { language: 'zh' });
    expect(changed.content).toBe('本聊天的语言已改为中文。');
    expect(textOf(await h.command('settings', 'member', {}, { locale: 'en-US' }))).toContain(
      '本聊天还没有订阅',
    );
  });

  it('subscribes a server channel in the server’s language, and a DM in its user’s', async () => {
    const answer = await h.command('subscribe', 'moderator', { topics: 'mining' }, ZH);
    // The reply is to the person (Chinese); the channel's digests take the server's language (en-US here).
    expect(answer.embeds?.[0]?.title).toBe('已订阅。本聊天每天都会收到一份摘要。');
    expect(await h.newsroom.languages.languageOf(NEWS)).toBe('en');
    await h.command('subscribe', 'member', {}, { channelId: DM_ID, dm: true, ...ZH });
    expect(await h.newsroom.languages.languageOf({ platform: 'discord', id: DM_ID })).toBe('zh-CN');
  });

  it('opens /post’s form, and suggests topics, in the editor’s language', async () => {
    const opened = await h
      .interact('command', 'editor', { name: 'post', options: { topic: 'mining' }, ...ZH })
      .settled();
    expect(opened.modal?.title).toBe('新闻条目');
    expect(JSON.stringify(opened.modal?.components)).toContain('"label":"标题"');
    const suggested = await h
      .interact('autocomplete', 'member', {
        name: 'subscribe',
        options: { topics: '' },
        focused: 'topics',
        ...ZH,
      })
      .settled();
    expect(suggested.choices?.[0]).toEqual({ name: '全部话题', value: 'all' });
    expect(suggested.choices?.[1]).toEqual({ name: '⛏️ 加密货币挖矿', value: 'mining' });
    const byChinese = await h
      .interact('autocomplete', 'member', {
        name: 'subscribe',
        options: { topics: '挖' },
        focused: 'topics',
        ...ZH,
      })
      .settled();
    expect(byChinese.choices?.[0]).toEqual({ name: '⛏️ 加密货币挖矿', value: 'mining' });
  });

  it('subscribes a channel of a Chinese server in Chinese, whoever asks', async () => {
    await h.stop();
    h = await startHarness({
      fake: {
        guilds: [
          {
            id: GUILD_ID,
            name: '新闻室',
            preferredLocale: 'zh-CN',
            channels: [{ id: NEWS_ID, name: 'news' }],
          },
        ],
      },
    });
    const answer = await h.command('subscribe', 'moderator', { topics: 'nft' }, { locale: 'en-US' });
    expect(answer.embeds?.[0]?.title).toBe('Subscribed. This chat will get a digest every day.');
    expect(await h.newsroom.languages.languageOf(NEWS)).toBe('zh-CN');
    expect((await h.newsroom.translatorOf(NEWS)).language).toBe('zh-CN');
  });
});

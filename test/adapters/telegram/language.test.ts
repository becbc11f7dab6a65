import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TELEGRAM_MESSAGE_LIMIT } from '../../../src/adapters/telegram/render.js';
import { type Bot, startBot } from './harness.js';

const GROUP = { id: -100200, type: 'supergroup', title: 'Miners' } as const;
const ADMIN = { id: 501, first_name: 'Ada', language_code: 'zh-hans' };
const MEMBER = { id: 502, first_name: 'Max', language_code: 'zh-hans' };
const LONE_SURROGATE = /\p{Cs}/u;

describe('Telegram in the reader’s language', () => {
  let bot: Bot;
  beforeEach(async () => {
    bot = await startBot({ now: '2022-01-11T10:00:00Z' });
    bot.fake.setChatMember(GROUP.id, ADMIN.id, 'administrator');
    bot.fake.setChatMember(GROUP.id, MEMBER.id, 'member');
  });
  afterEach(async () => {
    await bot.stop();
  });

  it('answers a private chat in the language of the user’s Telegram app', async () => {
    const zh = await bot.ask({
      chat: { id: 601, type: 'private' },
      from: { id: 601, first_name: 'Li', language_code: 'zh-hans' },
      text: '/help',
    });
    expect(zh.visibleText).toContain('命令、话题，以及本聊天的订阅');
    expect(zh.visibleText).toContain('话题：⛏️ 挖矿、🏛️ 政策、🖼️ 数字藏品。');
    const en = await bot.ask({
      chat: { id: 602, type: 'private' },
      from: { id: 602, first_name: 'Ann', language_code: 'en' },
      text: '/help',
    });
    expect(en.visibleText).toContain('The commands, the topics, and this chat’s subscription');
    const unknown = await bot.ask({
      chat: { id: 603, type: 'private' },
      from: { id: 603, first_name: 'Jo', language_code: 'de' },
      text: '/help',
    });
    expect(unknown.visibleText).toContain('The commands, the topics');
  });

  it('speaks DEFAULT_LANGUAGE in a group until its admin chooses, and refuses the choice to a member', async () => {
    const before = await bot.ask({ chat: GROUP, from: MEMBER, text: '/settings' });
    expect(before.visibleText).toContain('This chat has no subscription');
    const refused = await bot.ask({ chat: GROUP, from: MEMBER, text: '/language zh' });
    expect(refused.visibleText).toContain("Only this chat's admins can use /language here.");
    expect(
      await bot.newsroom.languages.languageOf({ platform: 'telegram', id: String(GROUP.id) }),
    ).toBeUndefined();
    const chosen = await bot.ask({ chat: GROUP, from: ADMIN, text: '/language@briefcast_test_bot zh' });
    expect(chosen.visibleText).toBe('本聊天的语言已改为中文。');
    const after = await bot.ask({ chat: GROUP, from: MEMBER, text: '/settings' });
    expect(after.visibleText).toContain('本聊天还没有订阅');
  });

  it('sends a long Chinese digest in messages within 4,096 characters, no character cut in two', async () => {
    const chat = { id: 604, type: 'private' } as const;
    const from = { id: 604, first_name: 'Wang', language_code: 'zh-hans' };
    await bot.ask({ chat, from, text: '/subscribe 挖矿 07:00 Asia/Shanghai' });
    const sentence = '中国宣布将加密货币挖矿列为淘汰类产业⛏️，能源消耗👨‍👩‍👧问题引发关注。';
    for (let i = 0; i < 12; i++) {
      await bot.store.addItem({
        topic: 'mining',
        headline: `第${i + 1}条：矿工迁往海外🚚`,
        body: sentence.repeat(Math.floor(1400 / sentence.length)),
        author: { platform: 'telegram', id: '111', name: 'Editor' },
        publishedAt: `2022-01-11T0${i % 10}:00:00Z`,
        updatedAt: `2022-01-11T0${i % 10}:00:00Z`,
      });
    }
    const before = bot.fake.sent.length;
    bot.clock.set('2022-01-12T00:00:00Z');
    const { DeliveryEngine } = await import('../../../src/delivery/engine.js');
    const { TelegramGate } = await import('../../../src/delivery/telegram-gate.js');
    const engine = new DeliveryEngine({
      newsroom: bot.newsroom,
      lanes: {
        telegram: {
          sender: bot.adapter.sender,
          gate: new TelegramGate({
            maxPerSecond: 1000,
            perChat: { points: 100, seconds: 1 },
            logger: bot.logger,
          }),
          concurrency: 1,
        },
      },
      logger: bot.logger,
    });
    const run = await engine.tick();
    expect(run, JSON.stringify([run, bot.records.slice(-5)])).toMatchObject({ sent: 1 });
    const parts = bot.fake.sent.slice(before).filter((m) => String(m.chat_id) === '604');
    expect(parts.length).toBeGreaterThan(3);
    expect(parts[0]!.visibleText).toContain('你的 Briefcast 摘要');
    for (const part of parts) {
      expect(part.visibleText.length).toBeLessThanOrEqual(TELEGRAM_MESSAGE_LIMIT);
      expect(part.text).not.toMatch(LONE_SURROGATE);
    }
    const all = parts.map((p) => p.visibleText).join('');
    expect(all.split('👨‍👩‍👧').length - 1).toBe(12 * Math.floor(1400 / sentence.length));
  });
});

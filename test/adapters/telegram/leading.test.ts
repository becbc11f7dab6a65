import { afterEach, describe, expect, it } from 'vitest';
import { type Bot, startBot } from './harness.js';

const READER = { id: 501, first_name: 'Reader' };
const chat = { id: READER.id, type: 'private' as const };

describe('Telegram long polling only while leading', () => {
  let bot: Bot | undefined;
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  const calls = (method: string) => bot?.fake.stats.byMethod[method] ?? 0;

  it('a standby asks getMe, counts as connected and never polls', async () => {
    bot = await startBot({ pollOnlyWhenLeading: true });
    expect(bot.adapter.isConnected()).toBe(true);
    expect(bot.adapter.polling).toBe(false);
    expect(bot.adapter.username).toBe('briefcast_test_bot');
    expect(calls('getMe')).toBe(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(calls('getUpdates')).toBe(0);
  });

  it('polls and answers once leading, stops on standing by, and polls again on leading again', async () => {
    bot = await startBot({ pollOnlyWhenLeading: true });
    bot.fake.sendText({ chat, from: READER, text: '/help' });
    await bot.adapter.startPolling();
    expect(bot.adapter.polling).toBe(true);
    await bot.fake.waitForSent((m) => m.chat_id === READER.id);
    await bot.settle();

    await bot.adapter.stopPolling();
    expect(bot.adapter.polling).toBe(false);
    expect(bot.adapter.isConnected()).toBe(true);
    const polled = calls('getUpdates');
    const before = bot.fake.sentTo(READER.id).length;
    bot.fake.sendText({ chat, from: READER, text: '/topics' });
    await new Promise((r) => setTimeout(r, 150));
    expect(calls('getUpdates')).toBe(polled);
    expect(bot.fake.sentTo(READER.id)).toHaveLength(before);

    // Leading again: the update that waited is answered now.
    await bot.adapter.startPolling();
    await bot.fake.waitForSent((m) => m.chat_id === READER.id && bot!.fake.sentTo(READER.id).length > before);
    expect(calls('getUpdates')).toBeGreaterThan(polled);
  });

  it('ignores startPolling and stopPolling in webhook mode: every process serves its updates', async () => {
    bot = await startBot({
      pollOnlyWhenLeading: true,
      webhookHost: '127.0.0.1',
      config: { webhook: { url: 'https://bot.example.org/telegram', port: 0, secret: 'sekret' } },
    });
    expect(bot.fake.webhook?.url).toBe('https://bot.example.org/telegram');
    await bot.adapter.startPolling();
    await bot.adapter.stopPolling();
    expect(bot.adapter.polling).toBe(false);
    expect(calls('getUpdates')).toBe(0);
    expect(bot.adapter.isConnected()).toBe(true);
  });
});

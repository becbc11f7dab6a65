import { describe, expect, it } from 'vitest';
import { GROUP_ID, startFake, telegramError } from './helpers.js';

describe('FakeTelegram limits', () => {
  it('enforces per-chat, overall and per-group limits with a correct retry_after', async () => {
    const { fake, telegram } = await startFake({ limits: { perChatPerSecond: 1 } });
    await telegram.sendMessage(1, 'a');
    const perChat = await telegramError(telegram.sendMessage(1, 'b'));
    expect([perChat.code, perChat.parameters?.retry_after]).toEqual([429, 1]);
    await expect(telegram.sendMessage(2, 'c')).resolves.toBeDefined();

    fake.setLimits({ perSecond: 3 });
    for (let chat = 10; chat < 13; chat++) await telegram.sendMessage(chat, 'x');
    expect((await telegramError(telegram.sendMessage(13, 'x'))).code).toBe(429);

    fake.setLimits({ perGroupPerMinute: 2 });
    await telegram.sendMessage(GROUP_ID, '1');
    await telegram.sendMessage(GROUP_ID, '2');
    const perGroup = await telegramError(telegram.sendMessage(GROUP_ID, '3'));
    expect(perGroup.parameters?.retry_after).toBeGreaterThanOrEqual(59);
    expect(perGroup.parameters?.retry_after).toBeLessThanOrEqual(60);
    await expect(telegram.sendMessage(1, 'private chats are not groups')).resolves.toBeDefined();
    expect(fake.stats.rejected429).toBe(3);
  });
});

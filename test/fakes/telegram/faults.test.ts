import type { TelegramError } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { startFake, telegramError } from './helpers.js';

describe('FakeTelegram failure injection', () => {
  it('answers 429 with retry_after for an injected flood, then recovers', async () => {
    const { fake, telegram } = await startFake();
    fake.failChat(1, { retryAfter: 7 }, { times: 1 });

    const error = await telegramError(telegram.sendMessage(1, 'hi'));
    expect(error.code).toBe(429);
    expect(error.description).toBe('Too Many Requests: retry after 7');
    expect(error.parameters).toEqual({ retry_after: 7 });
    await expect(telegram.sendMessage(1, 'hi')).resolves.toMatchObject({ text: 'hi' });
    expect(fake.stats).toMatchObject({ accepted: 1, rejected429: 1, byMethod: { sendMessage: 2 } });
  });

  it.each([
    ['blocked', 403, 'Forbidden: bot was blocked by the user'],
    ['kicked', 403, 'Forbidden: bot was kicked from the group chat'],
    ['deactivated', 403, 'Forbidden: user is deactivated'],
    ['not_member', 403, 'Forbidden: bot is not a member of the supergroup chat'],
    ['chat_not_found', 400, 'Bad Request: chat not found'],
    ['no_rights', 400, 'Bad Request: not enough rights to send text messages to the chat'],
    ['server_error', 502, 'Bad Gateway'],
    ['internal_error', 500, 'Internal Server Error'],
  ] as const)('injects %s', async (failure, code, description) => {
    const { fake, telegram } = await startFake();
    fake.failChat(1, failure);
    const error = await telegramError(telegram.sendMessage(1, 'hi'));
    expect([error.code, error.description]).toEqual([code, description]);
    await expect(telegram.sendMessage(2, 'other chat')).resolves.toMatchObject({ chat: { id: 2 } });
  });

  it('drops the connection for a network failure', async () => {
    const { fake, telegram } = await startFake();
    fake.failChat(1, 'network', { times: 1 });
    await expect(telegram.sendMessage(1, 'hi')).rejects.toMatchObject({ name: 'FetchError' });
    await expect(telegram.sendMessage(1, 'hi')).resolves.toMatchObject({ text: 'hi' });
  });

  it('fails every n-th send over all chats', async () => {
    const { fake, telegram } = await startFake();
    fake.failEvery(3, { retryAfter: 2 }, { forMs: 60_000 });

    const codes: number[] = [];
    for (let chat = 1; chat <= 6; chat++) {
      codes.push(
        await telegram.sendMessage(chat, 'hi').then(
          () => 200,
          (error: TelegramError) => error.code,
        ),
      );
    }
    expect(codes).toEqual([200, 200, 429, 200, 200, 429]);
  });
});

import { Telegram } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { LONG_HOLD_MS, PRIVATE_CHAT, PROMPT_MS, SHORT_HOLD_MS, startFake, telegramError } from './helpers.js';

describe('FakeTelegram routes and long polling', () => {
  it('rejects a wrong token with 401 and unknown methods with 404', async () => {
    const { fake, telegram } = await startFake();
    const stranger = new Telegram('123:wrong', { apiRoot: fake.apiRoot });

    const unauthorized = await telegramError(stranger.getMe());
    expect([unauthorized.code, unauthorized.description]).toEqual([401, 'Unauthorized']);
    const unknown = await telegramError(telegram.sendDice(42));
    expect([unknown.code, unknown.description]).toEqual([404, 'Not Found: method not found']);
  });

  it('answers getMe like Telegram', async () => {
    const { telegram } = await startFake({ botUsername: 'news_bot', botId: 99 });
    expect(await telegram.getMe()).toEqual({
      id: 99,
      is_bot: true,
      first_name: 'Briefcast Test',
      username: 'news_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    });
  });

  it('accepts urlencoded bodies and query strings', async () => {
    const { fake } = await startFake();
    const url = `${fake.apiRoot}/bot${fake.token}/sendMessage`;

    const form = await fetch(url, {
      method: 'POST',
      body: new URLSearchParams({ chat_id: '5', text: 'a &amp; b' }),
    });
    const viaQuery = await fetch(`${url}?chat_id=6&text=hi&parse_mode=HTML`);

    expect(await form.json()).toMatchObject({ ok: true, result: { chat: { id: 5 }, text: 'a &amp; b' } });
    expect(await viaQuery.json()).toMatchObject({ ok: true, result: { chat: { id: 6 }, text: 'hi' } });
    expect(fake.sentTo(5)).toHaveLength(1);
  });

  it('holds getUpdates until an update arrives, honours offset and limit', async () => {
    const { fake, telegram } = await startFake({ maxPollHoldMs: LONG_HOLD_MS });
    const held = telegram.getUpdates(50, 100, 0, []);
    await fake.waitForCall('getUpdates');

    const firstId = fake.sendText({ chat: PRIVATE_CHAT, text: 'one' });
    expect((await held).map((u) => u.update_id)).toEqual([firstId]);

    const secondId = fake.sendText({ chat: PRIVATE_CHAT, text: 'two' });
    const thirdId = fake.sendText({ chat: PRIVATE_CHAT, text: 'three' });
    expect((await telegram.getUpdates(0, 2, 0, [])).map((u) => u.update_id)).toEqual([firstId, secondId]);
    expect((await telegram.getUpdates(0, 100, secondId + 1, [])).map((u) => u.update_id)).toEqual([thirdId]);
    expect(fake.pendingUpdates).toBe(1);
    await telegram.getUpdates(0, 1, thirdId + 1, []);
    await expect(fake.waitForUpdatesConsumed(0)).resolves.toBe(true);
  });

  it('caps the hold at maxPollHoldMs', async () => {
    const { telegram } = await startFake({ maxPollHoldMs: SHORT_HOLD_MS });
    const started = Date.now();
    expect(await telegram.getUpdates(50, 100, 0, [])).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(SHORT_HOLD_MS - 10);
    expect(Date.now() - started).toBeLessThan(SHORT_HOLD_MS + PROMPT_MS);
  });

  it('releases a held poll on stop()', async () => {
    const { fake, telegram } = await startFake({ maxPollHoldMs: LONG_HOLD_MS });
    const held = telegram.getUpdates(50, 100, 0, []);
    await fake.waitForCall('getUpdates');

    const started = Date.now();
    await fake.stop();
    expect(await held).toEqual([]);
    expect(Date.now() - started).toBeLessThan(PROMPT_MS);
  });

  it('times out waits with a list of what was sent', async () => {
    const { fake, telegram } = await startFake();
    await telegram.sendMessage(1, 'first');
    await telegramError(telegram.sendMessage(1, '<p>', { parse_mode: 'HTML' }));

    const wait = fake.waitForSent((m) => m.text === 'never', 50);
    await expect(wait).rejects.toThrow(/Sent 1 message\(s\)[\s\S]*"first"[\s\S]*Unsupported start tag "p"/);
  });
});

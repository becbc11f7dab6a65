import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
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

  it('a leader whose polling cannot start tries again until it polls', async () => {
    // A proxy in front of the fake that fails the first deleteWebhook (which starts polling) with a 502.
    let failed = 0;
    const proxy = createServer((req, res) => {
      if (req.url?.endsWith('/deleteWebhook') && failed === 0) {
        failed += 1;
        req.resume();
        res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>');
        return;
      }
      const target = new URL(req.url ?? '/', bot?.fake.apiRoot);
      const upstream = request(target, { method: req.method, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = proxy.address() as AddressInfo;
      bot = await startBot({
        pollOnlyWhenLeading: true,
        pollRetryMs: 50,
        config: { apiRoot: `http://127.0.0.1:${port}` },
        noStart: true,
      });
      await bot.adapter.start();
      bot.fake.sendText({ chat, from: READER, text: '/help' });
      await bot.adapter.startPolling();
      await bot.fake.waitForSent((m) => m.chat_id === READER.id);
      expect(failed).toBe(1);
      expect(bot.adapter.polling).toBe(true);
      expect(bot.records.some((r) => r.msg === 'Telegram long polling is not running; trying again')).toBe(
        true,
      );
    } finally {
      await bot?.stop();
      bot = undefined;
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });
});

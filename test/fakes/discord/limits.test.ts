import { describe, expect, it } from 'vitest';
import { boot, NEWS_ID, newsChannel } from './helpers.js';

describe('FakeDiscord rate limits', () => {
  it('emulates the per-channel bucket so discord.js queues instead of hitting 429', async () => {
    const { fake, client } = await boot({ limits: { channelPerFiveSeconds: 2, channelWindowMs: 200 } });
    const channel = newsChannel(client);
    const started = Date.now();
    await Promise.all(Array.from({ length: 5 }, (_, i) => channel.send(`item ${i}`)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(fake.stats.rejected429).toBe(0);
    expect(fake.messagesIn(NEWS_ID).map((m) => m.content)).toEqual([
      'item 0',
      'item 1',
      'item 2',
      'item 3',
      'item 4',
    ]);
  });

  it('answers the global limit with 429 and x-ratelimit-global', async () => {
    const { fake } = await boot({ limits: { globalPerSecond: 3 } });
    const send = (): Promise<Response> =>
      fetch(`${fake.apiUrl}/v10/channels/${NEWS_ID}/messages`, {
        method: 'POST',
        headers: { authorization: 'Bot fake-token', 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'raw' }),
      });
    // Login's GET /gateway/bot counted too; five sends cross the limit in any one-second window.
    const answers: Response[] = [];
    for (let i = 0; i < 5; i++) answers.push(await send());
    expect(answers[0]?.status).toBe(200);
    const limited = answers.find((r) => r.status === 429);
    expect(limited?.headers.get('x-ratelimit-global')).toBe('true');
    expect(await limited?.json()).toMatchObject({ message: 'You are being rate limited.', global: true });
    expect(answers[0]?.headers.get('x-ratelimit-bucket')).toBeTruthy();
  });
});

import { HTTPError, type RateLimitData, RESTEvents } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { boot, NEWS_ID, newsChannel } from './helpers.js';

describe('FakeDiscord failure injection', () => {
  it('has discord.js retry an injected 429 with bucket headers, then succeed', async () => {
    const { fake, client } = await boot({ limits: {} });
    const limited: RateLimitData[] = [];
    client.rest.on(RESTEvents.RateLimited, (info) => limited.push(info));
    fake.failChannel(NEWS_ID, { rateLimit: { retryAfterSeconds: 0.15 } }, { times: 1 });
    const started = Date.now();
    await newsChannel(client).send('after the limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(fake.stats.rejected429).toBe(1);
    expect(fake.messagesIn(NEWS_ID)).toHaveLength(1);
    expect(fake.stats.byRoute['POST /channels/:id/messages']).toBe(2);
  });

  it('fails every nth message with failEvery until cleared', async () => {
    const { fake, client } = await boot();
    fake.failEvery(2, 'server_error');
    const outcomes: string[] = [];
    for (let i = 0; i < 4; i++) {
      await newsChannel(client)
        .send(`n${i}`)
        .then(
          () => outcomes.push('sent'),
          (error: unknown) =>
            outcomes.push(error instanceof HTTPError ? `http ${error.status}` : String(error)),
        );
    }
    expect(outcomes).toEqual(['sent', 'http 500', 'sent', 'http 500']);
    fake.clearFailures();
    await newsChannel(client).send('n4');
    expect(fake.messagesIn(NEWS_ID).map((m) => m.content)).toEqual(['n0', 'n2', 'n4']);
  });
});

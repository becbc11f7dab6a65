import { afterEach, describe, expect, it } from 'vitest';
import type { FakeFailure } from '../../../fakes/discord/index.js';
import type { DiscordPayload } from '../../../src/adapters/discord/render.js';
import type { ChatRef } from '../../../src/core/chat.js';
import { textDoc } from '../../../src/core/document.js';
import { type Harness, type HarnessOptions, LOCKED_ID, NEWS_ID, startHarness, textOf } from './harness.js';

let h: Harness | undefined;
async function start(options: HarnessOptions = {}): Promise<Harness> {
  h = await startHarness(options);
  return h;
}
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const NEWS: ChatRef = { platform: 'discord', id: NEWS_ID };
const notice = (text: string): DiscordPayload => ({ content: text, allowed_mentions: { parse: [] } });

describe('the Discord sender', () => {
  it('delivers an @everyone item without pinging, with the nonce enforced', async () => {
    const { command, adapter, newsroom, clock, fake } = await start();
    await command('post', 'editor', {
      topic: 'nft',
      headline: '@everyone look at this',
      body: 'Hello @everyone and @here.',
    });
    const digest = await newsroom.digestPreview(NEWS, clock.now());
    const parts = adapter.sender.render(digest);
    expect(parts.length).toBeGreaterThan(0);
    for (const [i, part] of parts.entries()) {
      const outcome = await adapter.sender.send(NEWS, part, {
        nonce: `d:news:2022-01-11:${i}`,
        kind: 'digest',
      });
      expect(outcome).toMatchObject({ kind: 'sent', messageId: expect.any(String) });
    }
    const messages = fake.messagesIn(NEWS_ID);
    expect(messages).toHaveLength(parts.length);
    expect(messages.map(textOf).join('\n')).toContain('@everyone look at this');
    for (const [i, m] of messages.entries()) {
      expect(m).toMatchObject({
        allowed_mentions: { parse: [] },
        nonce: `d:news:2022-01-11:${i}`,
        enforce_nonce: true,
        mention_everyone: false,
      });
    }
    // A plain-content notice naming @everyone pings no one either.
    const [plain] = adapter.sender.render(textDoc('@everyone: the digest is paused.'));
    await adapter.sender.send(NEWS, plain!, { kind: 'notice' });
    expect(fake.messagesIn(NEWS_ID).at(-1)).toMatchObject({
      content: '@everyone: the digest is paused.',
      mention_everyone: false,
    });
  });

  it('posts once when the same nonce is sent twice', async () => {
    const { adapter, fake } = await start();
    const first = await adapter.sender.send(NEWS, notice('once'), {
      nonce: 'sub1:2022-01-11:0',
      kind: 'digest',
    });
    const again = await adapter.sender.send(NEWS, notice('once'), {
      nonce: 'sub1:2022-01-11:0',
      kind: 'digest',
    });
    expect(first).toEqual(again);
    expect(fake.messagesIn(NEWS_ID)).toHaveLength(1);
  });

  it.each<[string, FakeFailure, string, RegExp]>([
    ['10003 Unknown Channel', 'unknown_channel', 'gone', /Unknown Channel/],
    ['10004 Unknown Guild', 'unknown_guild', 'gone', /Unknown Guild/],
    ['50007 Cannot send messages to this user', 'cannot_dm', 'gone', /direct messages/],
    ['50001 Missing Access', 'missing_access', 'forbidden', /Missing Access/],
    ['50013 Missing Permissions', 'missing_permissions', 'forbidden', /Missing Permissions/],
    ['a 500', 'server_error', 'transient', /500/],
    ['a 502 page', 'bad_gateway', 'transient', /502/],
    ['a connection reset', 'network', 'transient', /network error/],
  ])('maps %s to %s', async (_name, failure, kind, reason) => {
    const { adapter, fake } = await start();
    fake.failChannel(NEWS_ID, failure);
    const outcome = await adapter.sender.send(NEWS, notice('x'), { nonce: 'n1', kind: 'digest' });
    expect(outcome.kind).toBe(kind);
    expect('reason' in outcome ? outcome.reason : '').toMatch(reason);
    expect(JSON.stringify(outcome)).not.toContain('fake-bot-token');
  });

  it('maps a channel the bot may not post in to forbidden', async () => {
    const { adapter } = await start();
    const outcome = await adapter.sender.send({ platform: 'discord', id: LOCKED_ID }, notice('x'), {
      kind: 'notice',
    });
    expect(outcome.kind).toBe('forbidden');
  });

  it('waits out a 429 with bucket headers in discord.js’s queue, then sends', async () => {
    const { adapter, fake } = await start();
    fake.failChannel(NEWS_ID, { rateLimit: { retryAfterSeconds: 0.3 } }, { times: 1 });
    const started = Date.now();
    const outcome = await adapter.sender.send(NEWS, notice('after the wait'), {
      nonce: 'rl1',
      kind: 'digest',
    });
    expect(outcome.kind).toBe('sent');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(fake.stats.rejected429).toBe(1);
    expect(fake.messagesIn(NEWS_ID)).toHaveLength(1);
  });

  it('retries a 5xx in discord.js with the same nonce, so it posts once', async () => {
    const { adapter, fake } = await start({ retries: 2 });
    fake.failChannel(NEWS_ID, 'server_error', { times: 1 });
    const outcome = await adapter.sender.send(NEWS, notice('retried'), { nonce: 'r5', kind: 'digest' });
    expect(outcome.kind).toBe('sent');
    expect(fake.messagesIn(NEWS_ID)).toHaveLength(1);
  });
});

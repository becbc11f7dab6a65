import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Failure } from '../../../fakes/telegram/index.js';
import type { ChatRef } from '../../../src/core/chat.js';
import type { Subscription } from '../../../src/core/subscription.js';
import { subscriptionFor } from '../../helpers/fixtures.js';
import { type Bot, RecordingGate, startBot } from './harness.js';

const CHAT_ID = -100500;
const chat: ChatRef = { platform: 'telegram', id: String(CHAT_ID) };

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function subscription(at: ChatRef): Subscription {
  return subscriptionFor(at, { chatKind: 'group' });
}

describe('Telegram sends', () => {
  let bot: Bot | undefined;
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  const part = () =>
    bot!.adapter.sender.render({ blocks: [{ type: 'paragraph', text: 'Digest & more' }] })[0]!;

  it.each<[string, Failure, object]>([
    ['429', { retryAfter: 17 }, { kind: 'retryAfter', seconds: 17 }],
    ['403 blocked', 'blocked', { kind: 'gone', reason: 'the bot was blocked by the user' }],
    ['403 kicked', 'kicked', { kind: 'gone', reason: 'the bot was removed from the chat' }],
    ['403 deactivated', 'deactivated', { kind: 'gone', reason: 'the user deleted their account' }],
    ['403 not a member', 'not_member', { kind: 'gone', reason: 'the bot is not a member of the chat' }],
    ['400 chat not found', 'chat_not_found', { kind: 'gone', reason: 'the chat was not found' }],
    ['400 no rights', 'no_rights', { kind: 'forbidden' }],
    [
      'migrate_to_chat_id',
      { migrateTo: -100777 },
      { kind: 'migrated', to: { platform: 'telegram', id: '-100777' } },
    ],
    ['502', 'server_error', { kind: 'transient' }],
    ['500', 'internal_error', { kind: 'transient' }],
    ['a dropped connection', 'network', { kind: 'transient' }],
  ])('maps %s through the real client', async (_name, failure, expected) => {
    bot = await startBot();
    bot.fake.failChat(CHAT_ID, failure, { times: 1 });
    const outcome = await bot.adapter.sender.send(chat, part(), { kind: 'digest' });
    expect(outcome).toMatchObject(expected);
    expect(JSON.stringify(outcome)).not.toContain(bot.fake.token);
    // The failure was one-off: the next send goes through.
    expect(await bot.adapter.sender.send(chat, part(), { kind: 'digest' })).toMatchObject({ kind: 'sent' });
  });

  it('maps a refused connection to transient, without the token', async () => {
    const port = await closedPort();
    bot = await startBot({ config: { apiRoot: `http://127.0.0.1:${port}` }, noStart: true });
    const outcome = await bot.adapter.sender.send(chat, part(), { kind: 'digest' });
    expect(outcome).toEqual({ kind: 'transient', reason: 'network error: ECONNREFUSED' });
  });

  it('sends a digest part without preview, reply or gate, and returns the message id', async () => {
    const gate = new RecordingGate();
    bot = await startBot({ gate });
    const outcome = await bot.adapter.sender.send(chat, part(), { kind: 'digest', nonce: 'n1' });
    expect(outcome).toMatchObject({ kind: 'sent', messageId: expect.any(String) });
    const [sent] = bot.fake.sentTo(CHAT_ID);
    expect(sent).toMatchObject({ parse_mode: 'HTML', visibleText: 'Digest & more' });
    expect(sent!.link_preview_options).toEqual({ is_disabled: true });
    expect(gate.acquired).toEqual([]);
  });

  it('falls back to plain text when Telegram refuses the HTML', async () => {
    bot = await startBot();
    const outcome = await bot.adapter.sender.send(
      chat,
      { html: '<div>Broken</div> &', plain: 'Broken &' },
      {
        kind: 'digest',
      },
    );
    expect(outcome).toMatchObject({ kind: 'sent' });
    const [sent] = bot.fake.sentTo(CHAT_ID);
    expect(sent).toMatchObject({ text: 'Broken &', visibleText: 'Broken &' });
    expect(sent!.parse_mode).toBeUndefined();
    expect(bot.records.some((r) => String(r.msg).includes('plain text'))).toBe(true);
  });

  it('retries a command reply after a 429, telling the gate to back off', async () => {
    const gate = new RecordingGate();
    bot = await startBot({ gate });
    bot.fake.failChat(CHAT_ID, { retryAfter: 2 }, { times: 1 });
    const reply = await bot.ask({ chat: { id: CHAT_ID, type: 'supergroup' }, text: '/topics' });
    expect(reply.visibleText).toContain('Topics');
    expect(gate.backOffs).toEqual([2]);
    expect(gate.acquired).toHaveLength(2);
  });

  it('drops a reply that would wait too long for flood control, and logs it', async () => {
    bot = await startBot({ gate: new RecordingGate() });
    bot.fake.failChat(CHAT_ID, { retryAfter: 600 }, { times: 1 });
    bot.fake.sendText({ chat: { id: CHAT_ID, type: 'supergroup' }, text: '/topics' });
    await bot.settle();
    expect(bot.fake.sentTo(CHAT_ID)).toHaveLength(0);
    expect(bot.records).toContainEqual(
      expect.objectContaining({
        msg: 'could not send a command reply',
        outcome: { kind: 'failed', reason: 'rate limited for 600 s (more than 30 s)' },
      }),
    );
  });

  it('answers in the supergroup when a group has moved, moving its subscription', async () => {
    bot = await startBot();
    await bot.store.saveSubscription(subscription({ platform: 'telegram', id: '-4001' }));
    bot.fake.failChat(-4001, { migrateTo: -100888 });
    bot.fake.sendText({ chat: { id: -4001, type: 'group' }, text: '/settings' });
    const reply = await bot.fake.waitForSent((m) => m.chat_id === -100888);
    expect(reply.visibleText).toContain('subscription');
    await bot.settle();
    expect(await bot.store.getSubscription('telegram:-4001')).toBeUndefined();
    expect((await bot.store.getSubscription('telegram:-100888'))?.settings).toMatchObject({
      chat: { platform: 'telegram', id: '-100888' },
    });
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Failure } from '../../../fakes/telegram/index.js';
import type { ChatKind } from '../../../src/core/chat.js';
import type { Subscription } from '../../../src/core/subscription.js';
import { DeliveryEngine } from '../../../src/delivery/engine.js';
import { silentLogger } from '../../../src/log.js';
import { subscriptionFor } from '../../helpers/fixtures.js';
import { type Bot, RecordingGate, startBot } from './harness.js';

function subscription(id: number, chatKind: ChatKind = 'group', thread?: number): Subscription {
  const chat = {
    platform: 'telegram' as const,
    id: String(id),
    ...(thread !== undefined && { thread: String(thread) }),
  };
  return subscriptionFor(chat, { chatKind });
}

/**
 * The delivery engine sending digests through this adapter's sender to the fake: each Telegram answer
 * ends in the subscription state PRODUCT.md promises.
 */
describe('Telegram digests through the delivery engine', () => {
  let bot: Bot;
  let gate: RecordingGate;
  let engine: DeliveryEngine;
  beforeEach(async () => {
    gate = new RecordingGate();
    bot = await startBot({ now: '2022-01-11T09:00:00Z', gate });
    engine = new DeliveryEngine({
      newsroom: bot.newsroom,
      lanes: { telegram: { sender: bot.adapter.sender, gate, concurrency: 4 } },
      logger: silentLogger,
      retry: { backoffBaseMs: 1, backoffMaxMs: 5 },
    });
  });
  afterEach(async () => {
    await engine.stop();
    await bot.stop();
  });

  /** Subscribes chat `id`, makes it fail with `failure`, and runs one delivery. */
  async function deliverWith(id: number, failure: Failure | undefined, times?: number) {
    await bot.store.saveSubscription(subscription(id));
    if (failure !== undefined) bot.fake.failChat(id, failure, times === undefined ? {} : { times });
    await engine.tick();
  }

  it.each<[string, Failure, string]>([
    ['blocked', 'blocked', 'the bot was blocked by the user'],
    ['kicked', 'kicked', 'the bot was removed from the chat'],
    ['deactivated', 'deactivated', 'the user deleted their account'],
    ['not a member', 'not_member', 'the bot is not a member of the chat'],
    ['chat not found', 'chat_not_found', 'the chat was not found'],
    ['missing rights', 'no_rights', 'the bot may not send messages in this chat (missing rights)'],
  ])('pauses the subscription when the chat is %s', async (_name, failure, reason) => {
    await deliverWith(-100901, failure);
    expect((await bot.store.getSubscription('telegram:-100901'))?.settings).toMatchObject({
      status: 'paused',
      pausedReason: reason,
    });
    expect(bot.fake.sentTo(-100901)).toHaveLength(0);
  });

  it('moves the subscription and sends the digest to the supergroup on migrate_to_chat_id', async () => {
    await deliverWith(-4902, { migrateTo: -1004902 });
    expect(await bot.store.getSubscription('telegram:-4902')).toBeUndefined();
    expect((await bot.store.getSubscription('telegram:-1004902'))?.delivery.lastDigestDate).toBe(
      '2022-01-11',
    );
    expect((await bot.store.getSubscription('telegram:-1004902'))?.settings).toMatchObject({
      status: 'active',
    });
    expect(bot.fake.sentTo(-1004902).length).toBeGreaterThan(0);
    expect(bot.fake.sentTo(-1004902)[0]?.visibleText).toMatch(/^Your Briefcast digest/);
  });

  it.each<[string, Failure]>([
    ['a 429', { retryAfter: 1 }],
    ['a 502', 'server_error'],
    ['a 500', 'internal_error'],
    ['a dropped connection', 'network'],
  ])('retries after %s and delivers', async (_name, failure) => {
    await deliverWith(-100903, failure, 1);
    expect((await bot.store.getSubscription('telegram:-100903'))?.delivery.lastDigestDate).toBe('2022-01-11');
    expect((await bot.store.getSubscription('telegram:-100903'))?.settings).toMatchObject({
      status: 'active',
    });
    expect(bot.fake.sentTo(-100903).length).toBeGreaterThan(0);
    if (typeof failure === 'object') expect(gate.backOffs).toEqual([1]);
  });

  it('delivers a forum topic’s digest into its topic, without link previews', async () => {
    await bot.store.saveSubscription(subscription(-100904, 'group', 42));
    await engine.tick();
    const sent = bot.fake.sentTo(-100904);
    expect(sent.length).toBeGreaterThan(0);
    for (const message of sent) {
      expect(message).toMatchObject({ message_thread_id: 42, parse_mode: 'HTML' });
      expect(message.link_preview_options).toEqual({ is_disabled: true });
    }
    expect(gate.acquired.every((a) => a.chat.thread === '42')).toBe(true);
  });
});

import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { apiRootOf } from '../../../src/adapters/telegram/telegram.js';
import type { ChatId, ChatRef } from '../../../src/core/chat.js';
import { Dispatcher, type Invocation } from '../../../src/core/dispatch.js';
import type { Doc } from '../../../src/core/document.js';
import type { Subscription, SubscriptionRecord } from '../../../src/core/subscription.js';
import { silentLogger } from '../../../src/log.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { subscriptionFor } from '../../helpers/fixtures.js';
import { type Bot, startBot } from './harness.js';

/** A dispatcher that fails outside its own error handling, as a bug in an adapter's path would. */
class FailingDispatcher extends Dispatcher {
  override dispatch(inv: Invocation): Promise<Doc> {
    return inv.command === 'brief' ? Promise.reject(new Error('adapter-level boom')) : super.dispatch(inv);
  }
}

/** A memory store that fails on demand, as a broken disk or database would. */
class FailingStore extends MemoryStore {
  failing = false;
  override async getSubscription(key: string): Promise<SubscriptionRecord | undefined> {
    if (this.failing) throw new Error('the store is down');
    return super.getSubscription(key);
  }
  override async chatSubscriptions(chat: ChatId): Promise<readonly SubscriptionRecord[]> {
    if (this.failing) throw new Error('the store is down');
    return super.chatSubscriptions(chat);
  }
}

function subscription(chat: ChatRef, chatKind: Subscription['chatKind'] = 'group'): Subscription {
  return subscriptionFor(chat, { chatKind });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

describe('apiRootOf', () => {
  it('keeps the path of a Bot API root', () => {
    expect(apiRootOf('http://127.0.0.1:8081')).toBe('http://127.0.0.1:8081/');
    expect(apiRootOf('https://proxy.example.org/telegram')).toBe('https://proxy.example.org/telegram/');
    expect(apiRootOf('https://proxy.example.org/telegram/')).toBe('https://proxy.example.org/telegram/');
  });
});

describe('Telegram membership, migrations, failures and shutdown', () => {
  let bot: Bot | undefined;
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  it('pauses a group’s subscriptions, forum topics included, when the bot is removed', async () => {
    bot = await startBot();
    const forum = { id: -100600, type: 'supergroup', title: 'Forum', is_forum: true } as const;
    await bot.store.saveSubscription(subscription({ platform: 'telegram', id: '-100600' }));
    await bot.store.saveSubscription(subscription({ platform: 'telegram', id: '-100600', thread: '7' }));
    await bot.store.saveSubscription(subscription({ platform: 'telegram', id: '-100601' }));
    bot.fake.pushMyChatMember(forum, 'kicked');
    await bot.settle();
    for (const key of ['telegram:-100600', 'telegram:-100600#7']) {
      expect((await bot.store.getSubscription(key))?.settings).toMatchObject({
        status: 'paused',
        pausedReason: 'the bot was removed from the chat',
      });
    }
    expect((await bot.store.getSubscription('telegram:-100601'))?.settings).toMatchObject({
      status: 'active',
    });
  });

  it('pauses a private chat’s subscription when the user blocks the bot, and does not resume it when unblocked', async () => {
    bot = await startBot();
    const user = { id: 333, type: 'private', first_name: 'Bea' } as const;
    await bot.store.saveSubscription(subscription({ platform: 'telegram', id: '333' }, 'private'));
    bot.fake.pushMyChatMember(user, 'kicked');
    await bot.settle();
    expect((await bot.store.getSubscription('telegram:333'))?.settings).toMatchObject({
      status: 'paused',
      pausedReason: 'the bot was blocked by the user',
    });
    bot.fake.pushMyChatMember(user, 'member');
    await bot.settle();
    expect((await bot.store.getSubscription('telegram:333'))?.settings).toMatchObject({ status: 'paused' });
    const reply = await bot.ask({ chat: user, text: '/subscribe' });
    expect(reply.visibleText).toContain('Subscription resumed');
  });

  it('pauses a channel’s subscription when the bot is removed from it', async () => {
    bot = await startBot();
    await bot.store.saveSubscription(subscription({ platform: 'telegram', id: '-100700' }, 'channel'));
    bot.fake.pushMyChatMember({ id: -100700, type: 'channel', title: 'C' }, 'left');
    await bot.settle();
    expect((await bot.store.getSubscription('telegram:-100700'))?.settings).toMatchObject({
      status: 'paused',
    });
  });

  it('moves a subscription when its group becomes a supergroup, before any send fails', async () => {
    bot = await startBot();
    await bot.store.saveSubscription(subscription({ platform: 'telegram', id: '-4100' }));
    bot.fake.pushMigration(-4100, -1004100);
    await bot.settle();
    expect(await bot.store.getSubscription('telegram:-4100')).toBeUndefined();
    const moved = (await bot.store.getSubscription('telegram:-1004100'))?.settings;
    expect(moved).toMatchObject({ chat: { platform: 'telegram', id: '-1004100' }, time: '08:00' });
    expect(
      await bot.adapter.sender.send(moved!.chat, { html: 'hi', plain: 'hi' }, { kind: 'digest' }),
    ).toMatchObject({
      kind: 'sent',
    });
  });

  it('apologizes when the store fails, and keeps polling', async () => {
    const store = new FailingStore();
    bot = await startBot({ store });
    const chat = { id: 444, type: 'private' } as const;
    store.failing = true;
    const sorry = await bot.ask({ chat, text: '/settings' });
    expect(sorry.visibleText).toContain('Sorry, something went wrong');
    // A membership update that fails is logged with its id, never its content.
    const updateId = bot.fake.pushMyChatMember({ id: -100800, type: 'supergroup', title: 'G' }, 'kicked');
    await bot.settle();
    expect(bot.records).toContainEqual(expect.objectContaining({ msg: 'Telegram update failed', updateId }));
    store.failing = false;
    const later = await bot.ask({ chat, text: '/settings' });
    expect(later.visibleText).toContain('This chat has no subscription');
  });

  it('apologizes for a failure outside the dispatcher, logging the update id', async () => {
    bot = await startBot({
      dispatcher: (newsroom) =>
        new FailingDispatcher(
          commands,
          newsroom,
          { telegram: new Set(), discord: new Set(), console: new Set() },
          silentLogger,
        ),
    });
    const chat = { id: 445, type: 'private' } as const;
    const sorry = await bot.ask({ chat, text: '/brief' });
    expect(sorry.visibleText).toContain('Sorry, something went wrong');
    const logged = bot.records.find((r) => r.msg === 'Telegram update failed');
    expect(logged).toMatchObject({ updateId: expect.any(Number), err: { message: 'adapter-level boom' } });
    expect(JSON.stringify(bot.records)).not.toContain(bot.fake.token);
    const later = await bot.ask({ chat, text: '/topics' });
    expect(later.visibleText).toContain('Topics');
  });

  it('survives a failed setMyCommands with a warning', async () => {
    bot = await startBot({ noStart: true });
    bot.fake.failChat(111, 'chat_not_found', { methods: ['setMyCommands'] });
    await bot.adapter.start();
    expect(bot.adapter.isConnected()).toBe(true);
    expect(bot.records).toContainEqual(expect.objectContaining({ level: 40, scope: 'chat 111' }));
    expect(bot.fake.commands.map((r) => r.scope)).toEqual([{ type: 'default' }]);
    const reply = await bot.ask({ chat: { id: 446, type: 'private' }, text: '/help' });
    expect(reply.visibleText).toContain('/brief');
  });

  it('rejects start without the token in the error when the server refuses the token', async () => {
    bot = await startBot({ noStart: true, config: { token: '999:wrong-token-abc' } });
    const error = await bot.adapter.start().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.name).toBe('TelegramApiError[401]');
    expect(error?.message).not.toContain('wrong-token-abc');
    expect(bot.adapter.isConnected()).toBe(false);
  });

  it('stops cleanly: no more polling, and reports disconnected', async () => {
    bot = await startBot();
    expect(bot.adapter.isConnected()).toBe(true);
    await bot.adapter.stop();
    expect(bot.adapter.isConnected()).toBe(false);
    const calls = bot.fake.stats.byMethod.getUpdates ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(bot.fake.stats.byMethod.getUpdates ?? 0).toBe(calls);
    await bot.adapter.stop();
  });

  it('serves a webhook with its secret token checked', async () => {
    const port = await freePort();
    bot = await startBot({
      config: { webhook: { url: `https://bot.example.org/tg/hook`, port, secret: 'hook-secret_1' } },
      webhookHost: '127.0.0.1',
    });
    expect(bot.fake.webhook).toMatchObject({
      url: 'https://bot.example.org/tg/hook',
      secret_token: 'hook-secret_1',
    });
    const origin = `http://127.0.0.1:${port}`;
    const update = {
      message: {
        message_id: 1,
        date: 1,
        chat: { id: 447, type: 'private', first_name: 'W' },
        from: { id: 447, is_bot: false, first_name: 'W' },
        text: '/topics',
        entities: [{ type: 'bot_command', offset: 0, length: 7 }],
      },
    };
    expect(await bot.fake.deliverToWebhook(update, { origin, secretToken: 'wrong' })).toBe(403);
    expect(await bot.fake.deliverToWebhook(update, { origin })).toBe(200);
    const reply = await bot.fake.waitForSent((m) => m.chat_id === 447);
    expect(reply.visibleText).toContain('Topics');
    expect(bot.fake.sentTo(447)).toHaveLength(1);
  });
});

import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Telegraf } from 'telegraf';
import { describe, expect, it } from 'vitest';
import {
  afterTest,
  CHANNEL,
  GROUP_ID,
  PING_REPLY,
  PRIVATE_CHAT,
  SUPERGROUP_ID,
  startBot,
  startFake,
  telegramError,
} from './helpers.js';

describe('FakeTelegram with a real telegraf bot', () => {
  it('answers /ping through the whole long-polling path', async () => {
    const { fake, bot, errors } = await startBot((b) => {
      b.command('ping', (ctx) => ctx.reply(PING_REPLY, { parse_mode: 'HTML' }));
    });
    expect(bot.botInfo?.username).toBe('briefcast_test_bot');

    fake.sendText({ chat: PRIVATE_CHAT, text: '/ping' });
    const sent = await fake.waitForSent((m) => m.chat_id === PRIVATE_CHAT.id);

    expect(sent).toMatchObject({ text: PING_REPLY, visibleText: 'pong &', parse_mode: 'HTML' });
    expect(sent.entities).toEqual([{ type: 'bold', offset: 0, length: 4 }]);
    expect(fake.sentTo('42')).toEqual([sent]);
    await fake.waitForUpdatesConsumed();
    expect(errors).toEqual([]);
  });

  it('ignores a command addressed to another bot and matches its own name case-insensitively', async () => {
    const { fake } = await startBot((b) => {
      b.command('ping', (ctx) => ctx.reply(`pong ${ctx.message.message_id}`));
    });

    fake.sendText({ chat: { id: GROUP_ID, type: 'group' }, text: '/ping@otherbot' });
    fake.sendText({ chat: { id: GROUP_ID, type: 'group' }, text: '/ping@Briefcast_Test_Bot now' });
    await fake.waitForUpdatesConsumed();

    expect(fake.sent).toHaveLength(1);
    expect(fake.sent[0]?.chat_id).toBe(GROUP_ID);
  });

  it('delivers channel posts with sender_chat and no from, which bot.command never sees', async () => {
    const posts: unknown[] = [];
    const { fake } = await startBot((b) => {
      b.command('ping', (ctx) => ctx.reply('pong'));
      b.on('channel_post', (ctx) => {
        posts.push(ctx.channelPost);
      });
    });

    fake.sendText({ chat: CHANNEL, text: '/ping' });
    await fake.waitForUpdatesConsumed();

    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ chat: CHANNEL, sender_chat: CHANNEL, text: '/ping' });
    expect(posts[0]).not.toHaveProperty('from');
    expect(fake.sent).toEqual([]);
  });

  it('reports my_chat_member changes and keeps getChatMember in step', async () => {
    const statuses: string[] = [];
    const { fake, bot } = await startBot((b) => {
      b.on('my_chat_member', (ctx) => {
        statuses.push(ctx.myChatMember.new_chat_member.status);
      });
    });

    fake.pushMyChatMember({ id: 7, type: 'private' }, 'kicked');
    await fake.waitForUpdatesConsumed();

    expect(statuses).toEqual(['kicked']);
    const member = await bot.telegram.getChatMember(7, fake.botUser.id);
    expect(member.status).toBe('kicked');
  });

  it('pushes migration service messages and then rejects sends to the old group id', async () => {
    const migrations: number[] = [];
    const { fake, bot } = await startBot((b) => {
      b.on('message', (ctx) => {
        if ('migrate_to_chat_id' in ctx.message) migrations.push(ctx.message.migrate_to_chat_id);
      });
    });

    fake.pushMigration(GROUP_ID, SUPERGROUP_ID);
    await fake.waitForUpdatesConsumed();
    expect(migrations).toEqual([SUPERGROUP_ID]);

    const error = await telegramError(bot.telegram.sendMessage(GROUP_ID, 'hello'));
    expect(error.code).toBe(400);
    expect(error.description).toBe('Bad Request: group chat was upgraded to a supergroup chat');
    expect(error.parameters).toEqual({ migrate_to_chat_id: SUPERGROUP_ID });
    await expect(bot.telegram.sendMessage(SUPERGROUP_ID, 'hello')).resolves.toMatchObject({
      chat: { id: SUPERGROUP_ID, type: 'supergroup' },
    });
  });

  it('serves a webhook: secret header, replies over HTTP and through the webhook response', async () => {
    const { fake, telegram } = await startFake();
    const bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } });
    bot.command('ping', (ctx) => ctx.reply('pong'));
    bot.on('callback_query', (ctx) => ctx.answerCbQuery('done'));
    const callback = await bot.createWebhook({
      domain: 'bot.example.com',
      path: '/hook',
      secret_token: 'sekret_1',
    });
    const server: Server = createServer(callback);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    afterTest(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(fake.webhook).toEqual({ url: 'https://bot.example.com/hook', secret_token: 'sekret_1' });

    const user = { id: 42, is_bot: false, first_name: 'Alice' };
    const chat = { id: 42, type: 'private', first_name: 'Alice' };
    const ping = {
      message: {
        message_id: 1,
        date: 0,
        chat,
        from: user,
        text: '/ping',
        entities: [{ type: 'bot_command', offset: 0, length: 5 }],
      },
    };
    expect(await fake.deliverToWebhook(ping, { origin })).toBe(200);
    expect(fake.sent.map((m) => m.text)).toEqual(['pong']);

    const press = { callback_query: { id: 'cb-1', from: user, chat_instance: '1', data: 'x' } };
    expect(await fake.deliverToWebhook(press, { origin })).toBe(200);
    expect(fake.callbackAnswers).toEqual([
      { method: 'answerCallbackQuery', callback_query_id: 'cb-1', text: 'done' },
    ]);

    expect(await fake.deliverToWebhook(ping, { origin, secretToken: 'wrong' })).toBe(403);
    const conflict = await telegramError(telegram.getUpdates(0, 100, 0, []));
    expect(conflict.code).toBe(409);
  });
});

import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Telegraf, Telegram, TelegramError } from 'telegraf';
import { afterEach, describe, expect, it } from 'vitest';
import type { FakeTelegramOptions } from './telegram-api.js';
import { FakeTelegram, parseTelegramHtml } from './telegram-api.js';

const PRIVATE_CHAT = { id: 42, type: 'private' } as const;
const GROUP_ID = -4_000_000_001;
const SUPERGROUP_ID = -1_002_000_000_001;
const CHANNEL = { id: -1_003_000_000_001, type: 'channel', title: 'Morning News' } as const;
const PING_REPLY = '<b>pong</b> &amp;';
/** A long poll held far longer than any test runs, to prove stop() releases it. */
const LONG_HOLD_MS = 60_000;
const SHORT_HOLD_MS = 150;
/** Far below the 50 s poll timeout, yet generous enough for a loaded CI machine. */
const PROMPT_MS = 2_000;

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  // Last started, first stopped: bots before their fake.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startFake(
  options: FakeTelegramOptions = {},
): Promise<{ fake: FakeTelegram; telegram: Telegram }> {
  const fake = new FakeTelegram(options);
  const { apiRoot } = await fake.start();
  cleanups.push(() => fake.stop());
  return { fake, telegram: new Telegram(fake.token, { apiRoot }) };
}

/** A launched telegraf bot polling the fake; `errors` collects handler and polling errors. */
async function startBot(
  setup: (bot: Telegraf) => void,
  options: FakeTelegramOptions = {},
): Promise<{ fake: FakeTelegram; bot: Telegraf; errors: unknown[] }> {
  const { fake } = await startFake(options);
  const bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.apiRoot } });
  const errors: unknown[] = [];
  bot.catch((error) => {
    errors.push(error);
  });
  setup(bot);
  // launch() resolves only when polling stops, so it is not awaited here.
  const launched = bot.launch({ dropPendingUpdates: false }).catch((error: unknown) => {
    errors.push(error);
  });
  cleanups.push(async () => {
    try {
      bot.stop('test finished');
    } catch {
      // Never got as far as polling.
    }
    await launched;
  });
  await fake.waitForCall('getUpdates');
  return { fake, bot, errors };
}

async function telegramError(call: Promise<unknown>): Promise<TelegramError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TelegramError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

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
    cleanups.push(
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

  it('records commands per scope and validates them', async () => {
    const { fake, telegram } = await startFake();
    const commands = [{ command: 'ping', description: 'Check the bot' }];
    await telegram.setMyCommands(commands, { scope: { type: 'all_group_chats' } });

    expect(fake.commands).toEqual([{ commands, scope: { type: 'all_group_chats' }, language_code: '' }]);
    expect(await telegram.getMyCommands({ scope: { type: 'all_group_chats' } })).toEqual(commands);
    expect(await telegram.getMyCommands()).toEqual([]);
    const invalid = await telegramError(telegram.setMyCommands([{ command: 'Ping!', description: 'x' }]));
    expect(invalid.description).toBe('Bad Request: BOT_COMMAND_INVALID');
  });

  it('fails setMyCommands for a chat scope when the chat is failed for that method', async () => {
    const { fake, telegram } = await startFake();
    const commands = [{ command: 'ping', description: 'Check the bot' }];
    fake.failChat(77, 'chat_not_found', { methods: ['setMyCommands'] });

    const error = await telegramError(
      telegram.setMyCommands(commands, { scope: { type: 'chat', chat_id: 77 } }),
    );
    expect(error.description).toBe('Bad Request: chat not found');
    await telegram.setMyCommands(commands);
    expect(fake.commands).toEqual([{ commands, scope: { type: 'default' }, language_code: '' }]);
  });

  it('answers getChatMember from the table, member by default', async () => {
    const { fake, telegram } = await startFake();
    fake.setChatMember(GROUP_ID, 5, 'administrator');

    expect(await telegram.getChatMember(GROUP_ID, 5)).toMatchObject({
      status: 'administrator',
      can_manage_chat: true,
    });
    expect(await telegram.getChatMember(GROUP_ID, 6)).toMatchObject({ status: 'member', user: { id: 6 } });
  });

  it('edits and deletes only messages that exist', async () => {
    const { fake, telegram } = await startFake();
    const sent = await telegram.sendMessage(1, 'draft');

    await telegram.editMessageText(1, sent.message_id, undefined, '<i>final</i>', { parse_mode: 'HTML' });
    expect(fake.edits).toMatchObject([{ chat_id: 1, message_id: sent.message_id, visibleText: 'final' }]);
    const same = await telegramError(
      telegram.editMessageText(1, sent.message_id, undefined, '<i>final</i>', { parse_mode: 'HTML' }),
    );
    expect(same.description).toMatch(/^Bad Request: message is not modified/);

    expect(await telegram.deleteMessage(1, sent.message_id)).toBe(true);
    const gone = await telegramError(telegram.deleteMessage(1, sent.message_id));
    expect(gone.description).toBe('Bad Request: message to delete not found');
  });
});

describe('FakeTelegram sendMessage validation', () => {
  const cases: [string, string, string][] = [
    ['an unsupported tag', '<div>hi</div>', 'Unsupported start tag "div" at byte offset 0'],
    ['an unclosed tag', '<b>hi', 'Can\'t find end tag corresponding to start tag "b"'],
    ['crossed tags', '<b><i>x</b></i>', 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'],
    ['a stray end tag', 'x</b>', 'Unexpected end tag at byte offset 1'],
    ['a bare ampersand', 'Tom & Jerry', 'Unescaped "&" at byte offset 4'],
    ['a bare less-than', 'a < b', 'Unsupported start tag "" at byte offset 2'],
    [
      'a spoiler span without its class',
      '<span>x</span>',
      'Tag "span" must have class "tg-spoiler" at byte offset 0',
    ],
  ];

  it.each(cases)('rejects %s with a can-not-parse-entities 400', async (_name, text, detail) => {
    const { fake, telegram } = await startFake();
    const error = await telegramError(telegram.sendMessage(1, text, { parse_mode: 'HTML' }));
    expect(error.code).toBe(400);
    expect(error.description).toBe(`Bad Request: can't parse entities: ${detail}`);
    expect(fake.sent).toEqual([]);
  });

  it('counts the visible text, not the markup, against 4096', async () => {
    const { telegram } = await startFake();
    const full = 'x'.repeat(4096);
    await expect(telegram.sendMessage(1, `<b>${full}</b>`, { parse_mode: 'HTML' })).resolves.toMatchObject({
      text: full,
    });

    const tooLong = await telegramError(telegram.sendMessage(1, `${full}y`));
    expect([tooLong.code, tooLong.description]).toEqual([400, 'Bad Request: message is too long']);
    const raw = await telegramError(telegram.sendMessage(1, 'x'.repeat(40_000)));
    expect(raw.description).toBe('Bad Request: Text is too long');
  });

  it('rejects empty text and a missing chat_id', async () => {
    const { telegram } = await startFake();
    expect((await telegramError(telegram.sendMessage(1, ''))).description).toBe(
      'Bad Request: message text is empty',
    );
    const onlyTags = await telegramError(telegram.sendMessage(1, '<b></b>', { parse_mode: 'HTML' }));
    expect(onlyTags.description).toBe('Bad Request: message text is empty');
    const noChat = await telegramError(telegram.callApi('sendMessage', { text: 'hi' } as never));
    expect(noChat.description).toBe('Bad Request: chat_id is empty');
  });

  it('only counts messages when recordSent is off', async () => {
    const { fake, telegram } = await startFake({ recordSent: false });
    await telegram.sendMessage(1, 'a');
    await telegram.sendMessage('1', 'b');

    expect(fake.sent).toEqual([]);
    expect(fake.sentCount(1)).toBe(2);
    expect(fake.stats.accepted).toBe(2);
  });

  it('records thread, reply and preview options and echoes them in the Message', async () => {
    const { fake, telegram } = await startFake();
    const message = await telegram.sendMessage(SUPERGROUP_ID, 'hi', {
      message_thread_id: 3,
      reply_parameters: { message_id: 9 },
      link_preview_options: { is_disabled: true },
    });

    expect(message).toMatchObject({ chat: { id: SUPERGROUP_ID, type: 'supergroup' }, message_thread_id: 3 });
    expect(message.from).toMatchObject({ id: fake.botUser.id, is_bot: true });
    expect(fake.sent[0]).toMatchObject({
      message_thread_id: 3,
      reply_parameters: { message_id: 9 },
      link_preview_options: { is_disabled: true },
    });
  });
});

describe('FakeTelegram failure injection and limits', () => {
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

  it('enforces per-chat, overall and per-group limits with a correct retry_after', async () => {
    const { fake, telegram } = await startFake({ limits: { perChatPerSecond: 1 } });
    await telegram.sendMessage(1, 'a');
    const perChat = await telegramError(telegram.sendMessage(1, 'b'));
    expect([perChat.code, perChat.parameters?.retry_after]).toEqual([429, 1]);
    await expect(telegram.sendMessage(2, 'c')).resolves.toBeDefined();

    fake.setLimits({ perSecond: 3 });
    for (let chat = 10; chat < 13; chat++) await telegram.sendMessage(chat, 'x');
    expect((await telegramError(telegram.sendMessage(13, 'x'))).code).toBe(429);

    fake.setLimits({ perGroupPerMinute: 2 });
    await telegram.sendMessage(GROUP_ID, '1');
    await telegram.sendMessage(GROUP_ID, '2');
    const perGroup = await telegramError(telegram.sendMessage(GROUP_ID, '3'));
    expect(perGroup.parameters?.retry_after).toBeGreaterThanOrEqual(59);
    expect(perGroup.parameters?.retry_after).toBeLessThanOrEqual(60);
    await expect(telegram.sendMessage(1, 'private chats are not groups')).resolves.toBeDefined();
    expect(fake.stats.rejected429).toBe(3);
  });
});

describe('parseTelegramHtml', () => {
  it('lists links with their decoded href, and only real tags become links', () => {
    const result = parseTelegramHtml(
      '<a href="https://example.com/?a=1&amp;b=2">site</a> &lt;a href="javascript:alert(1)"&gt;x&lt;/a&gt;',
    );
    expect(result).toEqual({
      ok: true,
      visible: 'site <a href="javascript:alert(1)">x</a>',
      links: [{ text: 'site', href: 'https://example.com/?a=1&b=2' }],
      entities: [{ type: 'text_link', offset: 0, length: 4, url: 'https://example.com/?a=1&b=2' }],
    });
  });

  it('lists a javascript: link although Telegram would drop it', () => {
    const result = parseTelegramHtml('<a href="javascript:alert(1)">x</a>');
    expect(result).toMatchObject({
      ok: true,
      links: [{ text: 'x', href: 'javascript:alert(1)' }],
      entities: [],
    });
  });

  it('understands pre with a language, expandable quotes, spoilers and numeric references', () => {
    const result = parseTelegramHtml(
      '<pre><code class="language-ts">x</code></pre><blockquote expandable>q</blockquote>' +
        '<span class="tg-spoiler">s</span>&#128512;&#x41;',
    );
    expect(result).toEqual({
      ok: true,
      visible: 'xqs😀A',
      links: [],
      entities: [
        { type: 'pre', offset: 0, length: 1, language: 'ts' },
        { type: 'expandable_blockquote', offset: 1, length: 1 },
        { type: 'spoiler', offset: 2, length: 1 },
      ],
    });
  });

  it('reports byte offsets, not character offsets', () => {
    expect(parseTelegramHtml('é<p>')).toEqual({
      ok: false,
      description: 'Bad Request: can\'t parse entities: Unsupported start tag "p" at byte offset 2',
    });
  });

  it('tolerates bare & and > only when not strict, as the real server does', () => {
    expect(parseTelegramHtml('Tom & Jerry > Bob &nbsp;', { strict: false })).toMatchObject({
      ok: true,
      visible: 'Tom & Jerry > Bob &nbsp;',
    });
    expect(parseTelegramHtml('a > b')).toMatchObject({
      ok: false,
      description: expect.stringContaining('">"'),
    });
    expect(parseTelegramHtml('&amp')).toMatchObject({ ok: false });
  });
});

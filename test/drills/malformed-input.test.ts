/**
 * Fault drill: malformed updates and interactions (issue #6).
 *
 * The real entry point runs as a child process with both platforms on, against the fakes in this
 * process — a child, so that anything unhandled (a rejection, an exception in a library's event
 * handler) would end it as it would end production. Broken payloads are pushed raw through the
 * fakes: updates with missing or mistyped fields, entities pointing past the text, interactions
 * without `data`, `member` or `entitlements` or with `options` that are not an array (the
 * discord.js 14.28.1 crashes PLATFORM.md lists), unknown commands, 10 kB of text and lone UTF-16
 * surrogates. Then: the process is alive, still answers on both platforms, and exits 0 on SIGTERM.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../fakes/discord/index.js';
import { FakeTelegram } from '../../fakes/telegram/index.js';
import { killAll, LEVEL, startChild } from './child-app.js';

const TELEGRAM_TOKEN = '7000000001:AAfake-drill-token_0123456789';
const DISCORD_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.drill-token';
const APPLICATION_ID = '100000000000000001';
const GUILD_ID = '360000000000000001';
const CHANNEL_ID = '360000000000000002';
const EDITOR_ID = 777;
const READY_TIMEOUT_MS = 20_000;
const ANSWER_TIMEOUT_MS = 5_000;
const TEN_KB = 'x'.repeat(10_240);
const LONE_HIGH = '\uD800';
const LONE_LOW = '\uDC00';

/** A `bot_command` entity covering the first word, as Telegram sends it. */
const commandEntity = (text: string) => [
  { type: 'bot_command', offset: 0, length: (text.split(/\s/)[0] ?? '').length },
];

let dir: string;
let telegram: FakeTelegram;
let discord: FakeDiscord;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefcast-drill-malformed-'));
});
afterEach(async () => {
  await killAll();
  await telegram?.stop();
  await discord?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Raw Telegram updates with something missing, mistyped or out of range. */
function malformedUpdates(): Record<string, unknown>[] {
  const date = Math.floor(Date.now() / 1000);
  const chat = (id: number, type = 'private') => ({ id, type, first_name: 'Odd' });
  const from = (id: number) => ({ id, is_bot: false, first_name: 'Odd' });
  const msg = (id: number, fields: Record<string, unknown>) => ({
    message: { message_id: id, date, chat: chat(id), from: from(id), ...fields },
  });
  return [
    // Missing fields.
    { message: { message_id: 1, date, from: from(1), text: '/help', entities: commandEntity('/help') } },
    { message: { message_id: 2, date, chat: chat(2), text: '/help', entities: commandEntity('/help') } },
    msg(3, {}),
    {
      message: {
        message_id: 4,
        date,
        chat: { id: 4 },
        from: from(4),
        text: '/help',
        entities: commandEntity('/help'),
      },
    },
    { message: { date, chat: chat(5), text: '/brief', entities: commandEntity('/brief') } },
    {
      channel_post: {
        message_id: 6,
        date,
        chat: chat(-1006, 'channel'),
        text: '/help',
        entities: commandEntity('/help'),
      },
    },
    { channel_post: { message_id: 7, date, text: '/help', entities: commandEntity('/help') } },
    { my_chat_member: {} },
    { my_chat_member: { chat: chat(8), from: from(8), date } },
    { my_chat_member: { chat: chat(9), from: from(9), date, new_chat_member: {} } },
    {
      message: {
        message_id: 10,
        date,
        chat: chat(-1010, 'group'),
        from: from(10),
        migrate_to_chat_id: 'soon',
      },
    },
    { message: { message_id: 11, date, chat: chat(-1011, 'supergroup'), migrate_from_chat_id: null } },
    {},
    { edited_message: msg(12, { text: '/help' }).message },
    { callback_query: { id: 'q', data: 'x' } },
    // Entities pointing past the text, or not what they should be.
    msg(13, { text: '/he', entities: [{ type: 'bot_command', offset: 0, length: 50 }] }),
    msg(14, { text: '/help', entities: [{ type: 'bot_command', offset: 40, length: 5 }] }),
    msg(15, { text: '/help', entities: [{ type: 'bot_command', offset: -3, length: -1 }] }),
    msg(16, { text: '/help', entities: 'not an array' }),
    msg(17, { text: '/help', entities: [null] }),
    msg(18, { text: '/help', entities: [{}] }),
    msg(19, { text: 42, entities: commandEntity('/help') }),
    msg(20, { text: null, entities: commandEntity('/help') }),
    msg(21, { text: { nested: '/help' }, entities: commandEntity('/help') }),
    // A message that is not an object.
    { message: 'not an object' },
    { message: null },
    { message: 42 },
    { message: [] },
    { channel_post: 'not an object' },
    { my_chat_member: 'not an object' },
    // Chats and senders of the wrong shape.
    msg(22, { chat: null, text: '/help', entities: commandEntity('/help') }),
    msg(23, { chat: 'private', text: '/help', entities: commandEntity('/help') }),
    msg(24, { chat: { id: 'abc', type: 'private' }, text: '/help', entities: commandEntity('/help') }),
    msg(25, { from: 'someone', text: '/help', entities: commandEntity('/help') }),
    msg(26, { from: { id: 'x' }, text: '/settings', entities: commandEntity('/settings') }),
    msg(27, {
      chat: { id: -1027, type: 'group' },
      from: null,
      text: '/subscribe',
      entities: commandEntity('/subscribe'),
    }),
  ];
}

describe('malformed updates and interactions', () => {
  it('are ignored or answered, never crash the process; it still answers and exits 0 on SIGTERM', {
    timeout: 60_000,
  }, async () => {
    telegram = new FakeTelegram({ token: TELEGRAM_TOKEN });
    const { apiRoot } = await telegram.start();
    discord = new FakeDiscord({
      applicationId: APPLICATION_ID,
      guilds: [{ id: GUILD_ID, name: 'Newsroom', channels: [{ id: CHANNEL_ID, name: 'news' }] }],
    });
    const { apiUrl } = await discord.start();
    const app = startChild(
      {
        TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
        TELEGRAM_API_ROOT: apiRoot,
        DISCORD_TOKEN,
        DISCORD_APPLICATION_ID: APPLICATION_ID,
        DISCORD_API_URL: apiUrl,
        DISCORD_GUILD_ID: GUILD_ID,
        ADMIN_TELEGRAM_IDS: String(EDITOR_ID),
        DATABASE_FILE: path.join(dir, 'db.json'),
        SAMPLE_DATA: 'on',
        LOG_LEVEL: 'info',
      },
      dir,
    );
    try {
      await app.waitForLog((l) => l.msg === 'connected to Discord', READY_TIMEOUT_MS);
      await app.waitForLog((l) => l.msg === 'Telegram connected', READY_TIMEOUT_MS);
      await telegram.waitForCall('getUpdates', 2, READY_TIMEOUT_MS);

      // --- Telegram: raw broken updates, then odd but well-formed commands that deserve an answer.
      for (const update of malformedUpdates()) telegram.pushUpdate(update);
      await telegram.waitForUpdatesConsumed(ANSWER_TIMEOUT_MS);
      const answered: [number, string, readonly string[]][] = [
        [101, '/frobnicate', ['/frobnicate is not a command here']],
        [102, `/${TEN_KB}`, ['is not a command here']],
        [103, `/brief ${TEN_KB}`, ['is not a date', 'Usage: /brief']],
        [
          104,
          `/topic ${LONE_HIGH}mining${LONE_LOW}`,
          ['"\uFFFDmining\uFFFD" is not a topic', 'Usage: /topic'],
        ],
        [105, `/subscribe ${TEN_KB} ${LONE_HIGH}`, ['is not a topic', 'Usage: /subscribe']],
        [
          EDITOR_ID,
          `/post mining ${TEN_KB}\n${TEN_KB}`,
          ['the limit is 200', 'the limit is 1500', 'Usage: /post'],
        ],
        [106, `/brief@briefcast_test_bot ${LONE_LOW}${LONE_HIGH}`, ['is not a date', 'Usage: /brief']],
      ];
      for (const [id, text] of answered) {
        telegram.sendText({ chat: { id, type: 'private' }, from: { id, first_name: 'Odd' }, text });
      }
      // 10 kB of text that is no command is ignored, in a private chat as in a group.
      telegram.sendText({ chat: { id: 107, type: 'private' }, text: `${LONE_HIGH}${TEN_KB}` });
      telegram.sendText({ chat: { id: -1108, type: 'group' }, text: TEN_KB });
      for (const [id, , expected] of answered) {
        const reply = await telegram.waitForSent((m) => m.chat_id === id, ANSWER_TIMEOUT_MS);
        for (const part of expected) expect(reply.visibleText).toContain(part);
      }
      await telegram.waitForUpdatesConsumed(ANSWER_TIMEOUT_MS);
      // One short reply each: the quoted input is cut short, so the explanation and the usage fit.
      for (const [id] of answered) expect(telegram.sentTo(id)).toHaveLength(1);
      expect(telegram.sentTo(107)).toHaveLength(0);
      expect(telegram.sentTo(-1108)).toHaveLength(0);

      // --- Discord: interactions discord.js itself chokes on, raw through the gateway.
      const template = discord.interact({
        kind: 'command',
        name: 'help',
        channelId: CHANNEL_ID,
        user: { id: '370000000000000001', username: 'reader' },
      });
      await template.settled(ANSWER_TIMEOUT_MS);
      let nextId = 380_000_000_000_000_000n;
      const broken = (change: (d: Record<string, unknown>) => void) => {
        const d = structuredClone(template.payload);
        nextId += 1n;
        d.id = String(nextId);
        d.token = `broken-token-${nextId}`;
        change(d);
        return d;
      };
      const data = (d: Record<string, unknown>) => d.data as Record<string, unknown>;
      const payloads: unknown[] = [
        broken((d) => delete d.data),
        broken((d) => delete d.member),
        broken((d) => delete d.entitlements),
        broken((d) => {
          data(d).options = 'not an array';
        }),
        broken((d) => {
          data(d).options = { name: 'topic', value: 'nft' };
        }),
        broken((d) => {
          data(d).options = [null, 42];
        }),
        broken((d) => delete d.authorizing_integration_owners),
        broken((d) => {
          delete d.channel;
          delete d.channel_id;
        }),
        broken((d) => {
          d.member = { permissions: 'lots' };
        }),
        broken((d) => {
          d.type = 99;
        }),
        broken((d) => {
          d.type = 3;
        }),
        broken((d) => {
          d.type = 5;
          d.data = { custom_id: 'post:nonsense', components: 'none' };
        }),
        broken((d) => {
          d.type = 4;
          data(d).options = [{ name: 'topic', type: 3, value: 'n', focused: true }, 'x'];
        }),
        broken((d) => {
          data(d).name = undefined;
        }),
        broken((d) => {
          delete d.id;
          delete d.token;
        }),
        {},
        null,
        'not an object',
      ];
      // Each reaches the bot's gateway connection; main.ts logs what discord.js then rejects with.
      for (const d of payloads) expect(discord.dispatch('INTERACTION_CREATE', d)).toBe(1);

      // Odd but well-formed: an unknown command, 10 kB options, lone surrogates — each answered.
      const odd = [
        discord.interact({
          kind: 'command',
          name: 'frobnicate',
          channelId: CHANNEL_ID,
          user: { id: '370000000000000002', username: 'odd' },
        }),
        discord.interact({
          kind: 'command',
          name: 'brief',
          options: { date: TEN_KB },
          channelId: CHANNEL_ID,
          user: { id: '370000000000000003', username: 'odd' },
        }),
        discord.interact({
          kind: 'command',
          name: 'topic',
          options: { topic: `${LONE_HIGH}nft${LONE_LOW}`, count: 3 },
          channelId: CHANNEL_ID,
          user: { id: '370000000000000004', username: 'odd' },
        }),
        discord.interact({
          kind: 'autocomplete',
          name: 'subscribe',
          options: { timezone: `${TEN_KB}${LONE_HIGH}` },
          channelId: CHANNEL_ID,
          user: { id: '370000000000000005', username: 'odd' },
        }),
      ];
      const oddAnswers = await Promise.all(odd.map((r) => r.settled(ANSWER_TIMEOUT_MS)));
      expect(oddAnswers.map((a) => a.kind)).toEqual(['message', 'message', 'message', 'autocomplete']);
      expect(oddAnswers[0]?.content).toContain('/frobnicate is not a command here');
      expect(oddAnswers[1]?.content).toMatch(/is not a date[\s\S]*Usage: \/brief/);
      expect(oddAnswers[2]?.content).toContain('"\uFFFDnft\uFFFD" is not a topic');

      // --- Still alive, still answering on both platforms.
      expect(app.alive()).toBe(true);
      telegram.sendText({ chat: { id: 199, type: 'private' }, text: '/topics' });
      expect((await telegram.waitForSent((m) => m.chat_id === 199, ANSWER_TIMEOUT_MS)).visibleText).toContain(
        'Topics',
      );
      const after = await discord
        .interact({
          kind: 'command',
          name: 'topics',
          channelId: CHANNEL_ID,
          user: { id: '370000000000000009', username: 'after' },
        })
        .settled(ANSWER_TIMEOUT_MS);
      expect(JSON.stringify(after)).toContain('mining');
      expect(app.alive()).toBe(true);

      // Nothing a platform would refuse to carry went out: no lone surrogate in any reply.
      const loneSurrogate = /\p{Cs}/u;
      expect(telegram.sent.filter((m) => loneSurrogate.test(m.text))).toEqual([]);
      expect(oddAnswers.filter((a) => loneSurrogate.test(a.content ?? ''))).toEqual([]);

      const exit = await app.terminate();
      expect(app.otherStderr).toEqual([]);
      expect(app.logs.filter((l) => l.level >= LEVEL.fatal)).toEqual([]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(discord.internalErrors).toEqual([]);
      const errors = app.logs.filter((l) => l.level >= LEVEL.error);
      console.info(
        `malformed-input drill: ${errors.length} error line(s) logged, e.g. ${[...new Set(errors.map((e) => e.msg))].join(' | ')}`,
      );
    } finally {
      await killAll();
    }
  });
});

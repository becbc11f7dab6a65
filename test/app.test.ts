import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PERMISSIONS, FakeDiscord, PERMISSION } from '../fakes/discord/index.js';
import { FakeTelegram } from '../fakes/telegram/index.js';
import { type App, startApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { MemoryStore } from '../src/store/memory.js';
import { TestClock } from './helpers/newsroom.js';

const TOKEN = '123456:TEST-token_value';
const READER = { id: 501, first_name: 'Reader' };
const EDITOR = { id: 777, first_name: 'Editor' };

let app: App | undefined;
let fake: FakeTelegram | FakeDiscord | undefined;
afterEach(async () => {
  await app?.stop();
  await fake?.stop();
  app = undefined;
  fake = undefined;
});

describe('the app with a Telegram token', () => {
  it('serves commands and delivers the daily digest end to end, once', async () => {
    fake = new FakeTelegram({ token: TOKEN, botUsername: 'briefcast_bot' });
    const { apiRoot } = await fake.start();
    const clock = new TestClock('2026-11-29T06:00:00Z');
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      ADMIN_TELEGRAM_IDS: String(EDITOR.id),
      SAMPLE_DATA: 'on',
    });
    app = await startApp({ config, logger: silentLogger, clock, store: new MemoryStore() });
    expect(app.adapters.map((a) => a.name)).toEqual(['telegram']);

    const chat = { id: READER.id, type: 'private' as const };
    fake.sendText({ chat, from: READER, text: '/subscribe nft 08:00 Asia/Shanghai' });
    const reply = await fake.waitForSent(
      (m) => m.chat_id === READER.id && m.visibleText.includes('Subscribed'),
    );
    expect(reply.visibleText).toContain('Next digest: Mon 30 Nov 2026, 08:00 (Asia/Shanghai)');

    const editorChat = { id: EDITOR.id, type: 'private' as const };
    fake.sendText({ chat: editorChat, from: EDITOR, text: '/post nft Fresh NFT news\nA body & <more>.' });
    await fake.waitForSent((m) => m.chat_id === EDITOR.id && m.visibleText.includes('Posted #5'));

    // 08:00 in Shanghai on the 30th.
    clock.set('2026-11-30T00:00:30Z');
    const run = await app.delivery.tick();
    expect(run).toMatchObject({ due: 1, sent: 1 });
    const digest = await fake.waitForSent(
      (m) => m.chat_id === READER.id && m.visibleText.includes('Your Briefcast digest'),
    );
    expect(digest.visibleText).toContain('Fresh NFT news');
    expect(digest.visibleText).toContain('A body & <more>.');

    clock.advance(60_000);
    expect(await app.delivery.tick()).toMatchObject({ due: 0 });
    expect(
      fake.sentTo(READER.id).filter((m) => m.visibleText.includes('Your Briefcast digest')),
    ).toHaveLength(1);
  });
});

describe('the app with a Discord token', () => {
  it('registers commands in the guild, serves /subscribe and delivers the digest with a nonce, once', async () => {
    const GUILD = '300000000000000001';
    const CHANNEL = '300000000000000002';
    const discord = new FakeDiscord({
      applicationId: '100000000000000001',
      guilds: [{ id: GUILD, name: 'Newsroom', channels: [{ id: CHANNEL, name: 'news' }] }],
    });
    fake = discord;
    const { apiUrl } = await discord.start();
    const clock = new TestClock('2026-11-29T06:00:00Z');
    const config = loadConfig({
      DISCORD_TOKEN: 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.token-for-tests',
      DISCORD_APPLICATION_ID: '100000000000000001',
      DISCORD_API_URL: apiUrl,
      DISCORD_GUILD_ID: GUILD,
      SAMPLE_DATA: 'on',
    });
    app = await startApp({ config, logger: silentLogger, clock, store: new MemoryStore() });
    expect(app.adapters.map((a) => a.name)).toEqual(['discord']);
    expect(discord.guildCommands.get(GUILD)?.map((c) => c.name)).toContain('subscribe');

    const moderator = { id: '400000000000000002', username: 'mod' };
    const rec = discord.interact({
      kind: 'command',
      name: 'subscribe',
      options: { topics: 'nft', time: '08:00', timezone: 'Asia/Shanghai' },
      guildId: GUILD,
      channelId: CHANNEL,
      user: moderator,
      permissions: String(DEFAULT_PERMISSIONS | PERMISSION.manageChannels),
    });
    const answer = await rec.settled();
    expect(JSON.stringify(answer)).toContain('Subscribed');

    clock.set('2026-11-30T00:00:30Z');
    expect(await app.delivery.tick()).toMatchObject({ due: 1, sent: 1 });
    const digest = await discord.waitForMessage((m) => m.channel_id === CHANNEL);
    expect(JSON.stringify(digest.embeds)).toContain('Phantabear');
    expect(digest.allowed_mentions).toEqual({ parse: [] });
    expect(digest.enforce_nonce).toBe(true);
    expect(String(digest.nonce).length).toBeLessThanOrEqual(25);

    clock.advance(60_000);
    expect(await app.delivery.tick()).toMatchObject({ due: 0 });
    expect(discord.messagesIn(CHANNEL)).toHaveLength(1);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../fakes/discord/index.js';
import { FakeTelegram } from '../../fakes/telegram/index.js';
import { TelegramAdapter } from '../../src/adapters/telegram/telegram.js';
import { type App, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory.js';
import { TestClock } from '../helpers/newsroom.js';
import { FeedServer, item, rss } from './feed-server.js';

const TOKEN = '123456:TEST-token_value';
const EDITOR = { id: 777, first_name: 'Ed' };
const SECOND = { id: 778, first_name: 'Rita' };
const READER = { id: 501, first_name: 'Reader' };

let app: App | undefined;
let fake: FakeTelegram | FakeDiscord | undefined;
let feeds: FeedServer | undefined;
afterEach(async () => {
  await app?.stop();
  await fake?.stop();
  await feeds?.stop();
  app = undefined;
  fake = undefined;
  feeds = undefined;
});

/** A feed with two entries, one with HTML and an ampersand in its title. */
async function serveFeed(): Promise<string> {
  feeds = await new FeedServer().start();
  return feeds.serve(
    '/mining.xml',
    rss('Mining &amp;amp; Co', [
      item(1, {
        title: 'Miners &amp; &lt;b&gt;rigs&lt;/b&gt; leave Sichuan',
        date: 'Tue, 30 Nov 2026 01:00:00 GMT',
      }),
      item(2, { title: 'Hashrate moves to Texas', date: 'Tue, 30 Nov 2026 00:30:00 GMT' }),
    ]),
  );
}

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

describe('the wire on Telegram, end to end', () => {
  it('notifies each editor once with buttons; one Publish makes one item; the buttons show who; readers get it', async () => {
    const url = await serveFeed();
    const telegram = new FakeTelegram({ token: TOKEN, botUsername: 'briefcast_bot' });
    fake = telegram;
    const { apiRoot } = await telegram.start();
    const clock = new TestClock('2026-11-30T02:00:00Z');
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      ADMIN_TELEGRAM_IDS: `${EDITOR.id},${SECOND.id}`,
      FEED_ALLOW_PRIVATE: '1',
    });
    app = await startApp({
      config,
      logger: silentLogger,
      clock,
      store: new MemoryStore(),
      wirePolling: { jitterMs: 0 },
    });
    const editorChat = { id: EDITOR.id, type: 'private' as const };

    telegram.sendText({ chat: editorChat, from: EDITOR, text: `/feed add ${url} mining` });
    const added = await telegram.waitForSent(
      (m) => m.chat_id === EDITOR.id && m.visibleText.includes('Added feed #1'),
    );
    // The feed's title is escaped like everything else.
    expect(added.text).toContain('Mining &amp; Co');
    // The reply is answered (and counted by the send gate) before the notifications go.
    await settled(app);

    await app.wireScheduler.tick();
    const batchFor = (id: number) =>
      telegram.waitForSent((m) => m.chat_id === id && m.visibleText.includes('2 new drafts on the wire'));
    const [mine, theirs] = await Promise.all([batchFor(EDITOR.id), batchFor(SECOND.id)]);
    expect(mine.text).toContain('Miners &amp; rigs leave Sichuan');
    const keyboard = mine.reply_markup as Keyboard;
    expect(keyboard.inline_keyboard.map((row) => row.map((b) => b.callback_data))).toEqual([
      ['wire publish 2', 'wire skip 2'],
      ['wire publish 1', 'wire skip 1'],
    ]);
    // A second round within minutes sends nothing more.
    clock.advance(60_000);
    await app.wireScheduler.tick();
    expect(telegram.sentTo(EDITOR.id).filter((m) => m.visibleText.includes('new drafts'))).toHaveLength(1);

    // Both editors tap Publish on draft 1 at once.
    telegram.pushCallbackQuery({
      chat: editorChat,
      from: EDITOR,
      data: 'wire publish 2',
      message_id: mine.message_id,
    });
    telegram.pushCallbackQuery({
      chat: { id: SECOND.id, type: 'private' },
      from: SECOND,
      data: 'wire publish 2',
      message_id: theirs.message_id,
    });
    await telegram.waitForUpdatesConsumed();
    await settled(app);
    const answers = await waitFor(() =>
      telegram.callbackAnswers.length >= 2 ? telegram.callbackAnswers : undefined,
    );
    const texts = answers.map((a) => String(a.text));
    expect(texts.filter((t) => /^Published as #\d+\.$/.test(t))).toHaveLength(1);
    expect(texts.filter((t) => t.startsWith('Draft 2: ✅ Published by'))).toHaveLength(1);
    const items = await app.store.queryItems({ topics: ['mining'], limit: 10 });
    expect(items.items.filter((i) => i.headline === 'Miners & rigs leave Sichuan')).toHaveLength(1);

    const edits = await waitFor(() => (telegram.edits.length >= 2 ? telegram.edits : undefined));
    // The winner's message names the item; the loser's may be drawn before the item exists.
    for (const edit of edits) expect(edit.visibleText).toMatch(/✅ Published by (Ed|Rita)( as #\d+)?\./);
    expect(edits.some((edit) => /✅ Published by (Ed|Rita) as #\d+\./.test(edit.visibleText))).toBe(true);

    telegram.pushCallbackQuery({
      chat: editorChat,
      from: EDITOR,
      data: 'wire skip 1',
      message_id: mine.message_id,
    });
    await waitFor(() => (telegram.callbackAnswers.length >= 3 ? true : undefined));
    expect(String(telegram.callbackAnswers.at(-1)?.text)).toBe('Skipped draft 1.');

    // A reader subscribed to mining gets the published item in the digest, and not the skipped one.
    const readerChat = { id: READER.id, type: 'private' as const };
    clock.set('2026-11-30T02:10:00Z');
    telegram.sendText({ chat: readerChat, from: READER, text: '/subscribe mining 11:00 Asia/Shanghai' });
    await telegram.waitForSent((m) => m.chat_id === READER.id && m.visibleText.includes('Subscribed'));
    await settled(app);
    clock.set('2026-11-30T03:00:30Z');
    await app.delivery.tick();
    const digest = await telegram.waitForSent(
      (m) => m.chat_id === READER.id && m.visibleText.includes('Your Briefcast digest'),
    );
    expect(digest.visibleText).toContain('Miners & rigs leave Sichuan');
    expect(digest.visibleText).not.toContain('Hashrate moves to Texas');
  });

  it('refuses a press by someone who is not an editor', async () => {
    const url = await serveFeed();
    const telegram = new FakeTelegram({ token: TOKEN, botUsername: 'briefcast_bot' });
    fake = telegram;
    const { apiRoot } = await telegram.start();
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      ADMIN_TELEGRAM_IDS: String(EDITOR.id),
      FEED_ALLOW_PRIVATE: '1',
    });
    app = await startApp({
      config,
      logger: silentLogger,
      clock: new TestClock('2026-11-30T02:00:00Z'),
      store: new MemoryStore(),
    });
    telegram.sendText({
      chat: { id: EDITOR.id, type: 'private' },
      from: EDITOR,
      text: `/feed add ${url} mining`,
    });
    await telegram.waitForSent((m) => m.visibleText.includes('Added feed #1'));
    telegram.pushCallbackQuery({
      chat: { id: READER.id, type: 'private' },
      from: READER,
      data: 'wire publish 1',
    });
    const [answer] = await waitFor(() =>
      telegram.callbackAnswers.length >= 1 ? telegram.callbackAnswers : undefined,
    );
    expect(String(answer?.text)).toBe("⚠️ /wire is for the newsroom's editors only.");
    expect((await app.wire.store.getDraft(1))?.state).toBe('waiting');
  });
});

describe('the wire on Discord, end to end', () => {
  it('sends the batch to the editor’s DM with buttons; Publish updates the message to show who published', async () => {
    const url = await serveFeed();
    const GUILD = '300000000000000001';
    const CHANNEL = '300000000000000002';
    const editor = { id: '400000000000000009', username: 'ed' };
    const discord = new FakeDiscord({
      applicationId: '100000000000000001',
      guilds: [{ id: GUILD, name: 'Newsroom', channels: [{ id: CHANNEL, name: 'news' }] }],
    });
    fake = discord;
    const { apiUrl } = await discord.start();
    const config = loadConfig({
      DISCORD_TOKEN: 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.token-for-tests',
      DISCORD_APPLICATION_ID: '100000000000000001',
      DISCORD_API_URL: apiUrl,
      DISCORD_GUILD_ID: GUILD,
      ADMIN_DISCORD_IDS: editor.id,
      FEED_ALLOW_PRIVATE: '1',
    });
    app = await startApp({
      config,
      logger: silentLogger,
      clock: new TestClock('2026-11-30T02:00:00Z'),
      store: new MemoryStore(),
      wirePolling: { jitterMs: 0 },
    });
    const command = discord.guildCommands.get(GUILD)?.find((c) => c.name === 'feed');
    expect(command?.options?.map((o) => o.name)).toEqual(['action', 'target', 'topic', 'auto']);

    const added = discord.interact({
      kind: 'command',
      name: 'feed',
      options: { action: 'add', target: url, topic: 'mining' },
      guildId: GUILD,
      channelId: CHANNEL,
      user: editor,
    });
    expect(JSON.stringify(await added.settled())).toContain('Added feed #1');

    await app.wireScheduler.tick();
    const batch = await discord.waitForMessage((m) =>
      JSON.stringify(m.embeds).includes('2 new drafts on the wire'),
    );
    expect(batch.channel_id).not.toBe(CHANNEL);
    expect(batch.allowed_mentions).toEqual({ parse: [] });
    expect(JSON.stringify(batch.components)).toContain('"custom_id":"wire publish 2"');

    const press = discord.interact({
      kind: 'component',
      customId: 'wire publish 2',
      messageId: batch.id,
      channelId: batch.channel_id,
      dm: true,
      user: editor,
    });
    expect((await press.response()).type).toBe(7);
    const updated = discord.messagesIn(batch.channel_id).find((m) => m.id === batch.id)!;
    expect(JSON.stringify(updated.embeds)).toMatch(/Published by ed as #\d+/);
    const rows = updated.components as { components: { custom_id: string; disabled?: boolean }[] }[];
    expect(rows[0]?.components).toEqual([
      expect.objectContaining({ custom_id: 'wire show 2', disabled: true }),
    ]);
    expect(rows[1]?.components.map((b) => b.custom_id)).toEqual(['wire publish 1', 'wire skip 1']);
    const items = await app.store.queryItems({ topics: ['mining'], limit: 10 });
    expect(items.items.map((i) => i.headline)).toContain('Miners & rigs leave Sichuan');
  });
});

/** Every update the Telegram adapter received has been handled, its replies answered. */
async function settled(running: App): Promise<void> {
  for (const adapter of running.adapters) if (adapter instanceof TelegramAdapter) await adapter.settled();
}

/** Polls `probe` every 20 ms until it returns a value, for at most 5 s. */
async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

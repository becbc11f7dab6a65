/**
 * Fault drill: a burst of commands from many chats within one second (issue #6).
 *
 * The whole app runs in this process (`startApp` with the real adapters and the lowdb store in a
 * temporary folder); the burst comes through the fakes, so it crosses the real wire clients.
 *
 * Scaled for CI: at Telegram's default 30 messages/s the 1,000 replies take about 34 s, so the app
 * runs with `TELEGRAM_MAX_PER_SECOND=250`. The property is the same — nothing dropped while a
 * thousand replies queue at the gate, every reply paced by it — and the pacing is still visible
 * (at 1,000/s the app itself, about 600 replies/s on a 2-core machine, would be slower than the gate
 * and the pacing would go untested). The gate counts in fixed one-second windows, so the check is:
 * at least ⌈N / rate⌉ windows were needed, and no sliding second held more than two windows' worth.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, type InteractionRecord } from '../../fakes/discord/index.js';
import { FakeTelegram } from '../../fakes/telegram/index.js';
import { type App, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { TestClock } from '../helpers/newsroom.js';
import { waitUntil } from './child-app.js';

const TELEGRAM_TOKEN = '7000000001:AAfake-drill-token_0123456789';
const TELEGRAM_CHATS = 1_000;
const TELEGRAM_RATE = 250;
const DISCORD_CHANNELS = 100;
const APPLICATION_ID = '100000000000000001';
const GUILD_ID = '330000000000000001';
/** 14:00 in Shanghai: no subscription made during the drill falls due while it runs. */
const NOW = '2026-03-02T06:00:00Z';
const ANSWER_TIMEOUT_MS = 20_000;
/** After the last expected reply, how long to watch for a second one to the same chat. */
const QUIET_MS = 300;
/** Timer and network jitter allowed on the pacing check's lower bound. */
const PACING_SLACK_MS = 100;

/** Commands a reader may send in a private chat, each answered with one message. */
const TELEGRAM_COMMANDS = [
  '/start',
  '/help',
  '/brief',
  '/brief 2022-01-11',
  '/topics',
  '/topic mining 3',
  '/settings',
  '/subscribe nft 09:00 UTC',
];
/** Slash commands, each answered once. */
const DISCORD_COMMANDS: { name: string; options: Record<string, string | number> }[] = [
  { name: 'help', options: {} },
  { name: 'brief', options: { date: '2022-01-11' } },
  { name: 'topics', options: {} },
  { name: 'topic', options: { topic: 'nft', count: 2 } },
  { name: 'settings', options: {} },
];

let dir: string;
let app: App | undefined;
let fake: FakeTelegram | FakeDiscord | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefcast-drill-burst-'));
});
afterEach(async () => {
  await app?.stop();
  await fake?.stop();
  app = undefined;
  fake = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('a burst of commands from many chats within a second', () => {
  it('Telegram: 1,000 commands from 1,000 chats within a second are all answered, each exactly once, paced by the gate', {
    timeout: 40_000,
  }, async () => {
    const telegram = new FakeTelegram({ token: TELEGRAM_TOKEN });
    fake = telegram;
    const { apiRoot } = await telegram.start();
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_API_ROOT: apiRoot,
      TELEGRAM_MAX_PER_SECOND: String(TELEGRAM_RATE),
      DATABASE_FILE: path.join(dir, 'db.json'),
      SAMPLE_DATA: 'on',
    });
    app = await startApp({ config, logger: silentLogger, clock: new TestClock(NOW) });
    await telegram.waitForCall('getUpdates');

    const chatIds = Array.from({ length: TELEGRAM_CHATS }, (_, i) => 2_000_000 + i);
    const pushStarted = Date.now();
    for (const [i, id] of chatIds.entries()) {
      const text = TELEGRAM_COMMANDS[i % TELEGRAM_COMMANDS.length]!;
      telegram.sendText({ chat: { id, type: 'private' }, from: { id, first_name: `Reader ${i}` }, text });
    }
    expect(Date.now() - pushStarted).toBeLessThan(1000);

    await waitUntil(
      () => chatIds.every((id) => telegram.sentCount(id) > 0),
      ANSWER_TIMEOUT_MS,
      () =>
        `${chatIds.filter((id) => telegram.sentCount(id) === 0).length} chats still unanswered ` +
        `(${telegram.pendingUpdates} updates not consumed)`,
    );
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(chatIds.filter((id) => telegram.sentCount(id) !== 1)).toEqual([]);
    expect(telegram.pendingUpdates).toBe(0);

    // Paced: the replies needed ⌈N / rate⌉ one-second windows of the gate, and no sliding second
    // held more than two adjacent windows can (a window's last replies and the next one's first).
    const times = telegram.sent.map((m) => m.at).sort((a, b) => a - b);
    const windows = Math.ceil(TELEGRAM_CHATS / TELEGRAM_RATE);
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual((windows - 1) * 1000 - PACING_SLACK_MS);
    let busiest = 0;
    for (let start = 0, end = 0; end < times.length; end++) {
      while (times[end]! - times[start]! >= 1000) start++;
      busiest = Math.max(busiest, end - start + 1);
    }
    expect(busiest).toBeLessThanOrEqual(2 * TELEGRAM_RATE);
    console.info(
      `burst drill (Telegram): ${TELEGRAM_CHATS} replies at ${TELEGRAM_RATE}/s in ${times.at(-1)! - pushStarted} ms; ` +
        `busiest sliding second ${busiest}`,
    );
  });

  it('Discord: 100 slash commands from 100 channels are all answered, each exactly once', {
    timeout: 30_000,
  }, async () => {
    const channels = Array.from({ length: DISCORD_CHANNELS }, (_, i) => ({
      id: String(340_000_000_000_000_000n + BigInt(i)),
      name: `reading-room-${i}`,
    }));
    const discord = new FakeDiscord({
      applicationId: APPLICATION_ID,
      guilds: [{ id: GUILD_ID, name: 'Readers', channels }],
    });
    fake = discord;
    const { apiUrl } = await discord.start();
    const config = loadConfig({
      DISCORD_TOKEN: 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.drill-token',
      DISCORD_APPLICATION_ID: APPLICATION_ID,
      DISCORD_API_URL: apiUrl,
      DISCORD_GUILD_ID: GUILD_ID,
      DATABASE_FILE: path.join(dir, 'db.json'),
      SAMPLE_DATA: 'on',
    });
    app = await startApp({ config, logger: silentLogger, clock: new TestClock(NOW) });

    const records: InteractionRecord[] = channels.map((channel, i) => {
      const command = DISCORD_COMMANDS[i % DISCORD_COMMANDS.length]!;
      return discord.interact({
        kind: 'command',
        name: command.name,
        options: command.options,
        channelId: channel.id,
        user: { id: String(350_000_000_000_000_000n + BigInt(i)), username: `reader${i}` },
      });
    });
    const answers = await Promise.all(records.map((r) => r.settled(ANSWER_TIMEOUT_MS)));
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(answers.filter((a) => a.kind !== 'message')).toEqual([]);
    // One initial response each (a second would have been refused with 40060), no extra messages.
    expect(records.filter((r) => r.callbacks.length !== 1 || r.followUps.length > 0)).toEqual([]);
    expect(discord.messages).toHaveLength(0);
    const late = records.filter((r) => (r.respondedAfterMs ?? Infinity) > 3000);
    expect(late).toEqual([]);
  });
});

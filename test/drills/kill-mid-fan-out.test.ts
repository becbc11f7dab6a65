/**
 * Fault drill: `kill -9` of the bot in the middle of a fan-out, then a restart (issue #6).
 *
 * The real entry point runs as a child process against a fake platform in this process, with a data
 * file seeded before start: every subscription is due, so the start's catch-up tick fans out at once.
 * The child is SIGKILLed (no shutdown, no flush) once about a third of the digests were accepted,
 * started again on the same data file, and left to finish the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeDiscord, type FakeGuild } from '../../fakes/discord/index.js';
import { FakeTelegram } from '../../fakes/telegram/index.js';
import { DISCORD_CONCURRENCY } from '../../src/delivery/gates.js';
import { type ChildApp, killAll, startChild, waitUntil } from './child-app.js';
import { noonZone, readSubscriptions, seedDataFile, todayIn } from './seed.js';

const TELEGRAM_TOKEN = '7000000001:AAfake-drill-token_0123456789';
const DISCORD_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.drill-token';
const APPLICATION_ID = '100000000000000001';

const TELEGRAM_CHATS = 2_000;
/** Fast enough that the drill takes seconds, slow enough that the kill lands mid-run. */
const TELEGRAM_RATE = 300;
const DISCORD_GUILDS = 4;
const CHANNELS_PER_GUILD = 50;
/** Waiting for a start, a third of a run, or the rest of one; all far above what they take here. */
const START_TIMEOUT_MS = 20_000;
const RUN_TIMEOUT_MS = 30_000;

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefcast-drill-kill-'));
  file = path.join(dir, 'db.json');
});
afterEach(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Waits for the child's run to finish (its log line), or fails with the child's last words. */
const runFinished = (child: ChildApp) =>
  child.waitForLog((l) => l.msg === 'delivery run finished', RUN_TIMEOUT_MS);

describe('kill -9 in the middle of a fan-out, then a restart', () => {
  it('Telegram: every one of 2,000 chats gets its digest; duplicates stay within the in-flight window', {
    timeout: 60_000,
  }, async () => {
    const fake = new FakeTelegram({ token: TELEGRAM_TOKEN, recordSent: false });
    const { apiRoot } = await fake.start();
    try {
      const chatIds = Array.from({ length: TELEGRAM_CHATS }, (_, i) => 1_000_000 + i);
      const zone = noonZone();
      await seedDataFile(
        file,
        chatIds.map((id) => ({ platform: 'telegram', id: String(id) })),
        'private',
        zone,
      );
      const env = {
        TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
        TELEGRAM_API_ROOT: apiRoot,
        TELEGRAM_MAX_PER_SECOND: String(TELEGRAM_RATE),
        DATABASE_FILE: file,
        LOG_LEVEL: 'info',
      };

      const first = startChild(env, dir);
      const third = Math.floor(TELEGRAM_CHATS / 3);
      await waitUntil(
        () => fake.stats.accepted >= third || !first.alive(),
        START_TIMEOUT_MS,
        () => `only ${fake.stats.accepted} digests sent; child output:\n${first.tail()}`,
      );
      if (!first.alive()) throw new Error(`the bot exited before the kill:\n${first.tail()}`);
      expect(await first.kill9()).toEqual({ code: null, signal: 'SIGKILL' });
      const atKill = fake.stats.accepted;
      expect(atKill).toBeLessThan(TELEGRAM_CHATS);

      const second = startChild(env, dir);
      await runFinished(second);
      expect(await second.terminate()).toEqual({ code: 0, signal: null });

      const counts = chatIds.map((id) => fake.sentCount(id));
      const missing = counts.filter((n) => n === 0).length;
      const duplicates = counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0);
      expect(missing).toBe(0);
      // What a kill can repeat is only what was in flight: a send the fake accepted whose outcome
      // the child had not journalled yet (outcomes are journalled as they come, so nothing recorded
      // is lost). At most one part per chat is under way, and at most the lane's concurrency of chats
      // at once — on Telegram TELEGRAM_MAX_PER_SECOND — so that is the bound. Seen here: 100–250,
      // because the gate counts in fixed one-second windows and lets a whole window's sends out at
      // once; the kill lands while the child is still reading their answers.
      expect(duplicates).toBeLessThanOrEqual(TELEGRAM_RATE);
      expect(fake.stats.accepted).toBe(TELEGRAM_CHATS + duplicates);

      const today = todayIn(zone);
      const subs = await readSubscriptions(file);
      expect(subs).toHaveLength(TELEGRAM_CHATS);
      expect(
        subs.filter((s) => s.delivery.lastDigestDate !== today || s.delivery.claim !== undefined),
      ).toEqual([]);
      console.info(
        `kill -9 drill (Telegram): killed at ${atKill} of ${TELEGRAM_CHATS} sent; ${duplicates} duplicate(s) (bound ${TELEGRAM_RATE})`,
      );
    } finally {
      await killAll();
      await fake.stop();
    }
  });

  it('Discord: every one of 200 channels gets its digest exactly once (deterministic nonce)', {
    timeout: 60_000,
  }, async () => {
    const guilds: FakeGuild[] = Array.from({ length: DISCORD_GUILDS }, (_, g) => ({
      id: String(310_000_000_000_000_000n + BigInt(g) * 1000n),
      name: `Guild ${g}`,
      channels: Array.from({ length: CHANNELS_PER_GUILD }, (_, c) => ({
        id: String(320_000_000_000_000_000n + BigInt(g) * 1000n + BigInt(c)),
        name: `news-${c}`,
      })),
    }));
    const channelIds = guilds.flatMap((g) => g.channels.map((c) => c.id));
    // No emulated rate limits: discord.js's own 50/s global throttle already spreads the run over seconds.
    const fake = new FakeDiscord({ applicationId: APPLICATION_ID, guilds });
    const { apiUrl } = await fake.start();
    try {
      const zone = noonZone();
      await seedDataFile(
        file,
        channelIds.map((id) => ({ platform: 'discord', id })),
        'group',
        zone,
      );
      const env = {
        DISCORD_TOKEN,
        DISCORD_APPLICATION_ID: APPLICATION_ID,
        DISCORD_API_URL: apiUrl,
        DATABASE_FILE: file,
        LOG_LEVEL: 'info',
      };

      const first = startChild(env, dir);
      const third = Math.floor(channelIds.length / 3);
      await waitUntil(
        () => fake.messages.length >= third || !first.alive(),
        START_TIMEOUT_MS,
        () => `only ${fake.messages.length} digests posted; child output:\n${first.tail()}`,
      );
      if (!first.alive()) throw new Error(`the bot exited before the kill:\n${first.tail()}`);
      await first.kill9();
      const atKill = fake.messages.length;
      expect(atKill).toBeLessThan(channelIds.length);

      const second = startChild(env, dir);
      await runFinished(second);
      expect(await second.terminate()).toEqual({ code: 0, signal: null });

      const counts = channelIds.map((id) => fake.messagesIn(id).length);
      expect(counts.filter((n) => n !== 1)).toEqual([]);
      // Requests beyond the messages posted are resends the nonce absorbed (at most one per delivery in flight).
      const requests = fake.stats.byRoute['POST /channels/:id/messages'] ?? 0;
      const absorbed = requests - fake.messages.length;
      expect(absorbed).toBeGreaterThanOrEqual(0);
      expect(absorbed).toBeLessThanOrEqual(DISCORD_CONCURRENCY);

      const today = todayIn(zone);
      const subs = await readSubscriptions(file);
      expect(
        subs.filter((s) => s.delivery.lastDigestDate !== today || s.delivery.claim !== undefined),
      ).toEqual([]);
      console.info(
        `kill -9 drill (Discord): killed at ${atKill} of ${channelIds.length} posted; ${absorbed} resend(s) absorbed by the nonce`,
      );
    } finally {
      await killAll();
      await fake.stop();
    }
  });
});

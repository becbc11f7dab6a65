/**
 * The real bot process (`src/main.ts`) under a moved system clock (libfaketime), through the fake
 * Telegram server, across the 2027 transitions in Europe/Berlin (issue 15). Each process starts at a
 * chosen instant and runs at normal speed, so what it does depends only on where its clock starts:
 *
 * - spring forward, 2027-03-28 (02:00–03:00 CET never shows): `/subscribe 02:30` at 01:40 CET names
 *   03:00; the bot, started again at 01:59:57 CET, sends the digest at 03:00 CEST — through its minute
 *   tick when it was up in time, else through its start-up catch-up; either way not before 03:00;
 * - fall back, 2027-10-31 (02:00–03:00 shows twice): `/subscribe 02:30` at 02:25 CEST names the first
 *   02:30; the bot is stopped before it and started at 02:05 CET, inside the fold: the first 02:30
 *   passed while it was down, so the digest goes at once; started again at 02:29:57 CET, the second
 *   02:30 passes without a second digest.
 *
 * The two run side by side (each its own fake server and data folder). Expected instants come from
 * Intl (test/helpers/wall-clock.ts); the child's own clock is read from its log lines' `time`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FakeTelegram, type SentMessage } from '../../fakes/telegram/index.js';
import { described, firstShowing, scanDay } from '../helpers/wall-clock.js';
import { type ChildApp, type LogLine, startChild } from './child-app.js';
import { fakeClockEnv } from './faketime.js';

const TOKEN = '7000000001:AAfake-dst-token_0123456789';
const ZONE = 'Europe/Berlin';
const CHAT = 4_242;
/**
 * Bounds, not expectations: on an idle machine a start takes about two seconds and a reply or a
 * delivery well under one; with a dozen processes sharing two cores a start was seen to take 16 s.
 */
const START_TIMEOUT_MS = 30_000;
const REPLY_TIMEOUT_MS = 10_000;
/**
 * A minute tick can come a minute late: node-cron skips a slot its timer reaches more than a second
 * late (a loaded machine), and the next minute's tick delivers instead.
 */
const DELIVERY_TIMEOUT_MS = 75_000;

/** The bot's life on one data folder and one fake Telegram: processes started at chosen instants. */
async function withBot(
  run: (bot: {
    fake: FakeTelegram;
    start: (at: string | Date) => Promise<ChildApp>;
    say: (text: string) => Promise<SentMessage>;
  }) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'briefcast-dst-'));
  const fake = new FakeTelegram({ token: TOKEN });
  const { apiRoot } = await fake.start();
  const children: ChildApp[] = [];
  const env = {
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    DATABASE_FILE: path.join(dir, 'db.json'),
    SAMPLE_DATA: '1',
    LOG_LEVEL: 'debug',
  };
  const startMs: number[] = [];
  const start = async (at: string | Date) => {
    const began = Date.now();
    const child = startChild({ ...env, ...fakeClockEnv(at) }, dir);
    children.push(child);
    await child.waitForLog((l) => l.msg === 'ready', START_TIMEOUT_MS);
    startMs.push(Date.now() - began);
    return child;
  };
  const say = async (text: string) => {
    const before = fake.sentTo(CHAT).length;
    fake.sendText({ chat: { id: CHAT, type: 'private' }, from: { id: CHAT, first_name: 'Reader' }, text });
    return fake.waitForSent(
      (m) => m.chat_id === CHAT && fake.sentTo(CHAT).indexOf(m) >= before,
      REPLY_TIMEOUT_MS,
    );
  };
  const began = Date.now();
  try {
    await run({ fake, start, say });
    console.info(
      `DST drill: ${startMs.length} starts (ready after ${startMs.join(', ')} ms), ${Date.now() - began} ms in all`,
    );
  } finally {
    await Promise.all(children.map((c) => c.kill9()));
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const isDigest = (m: SentMessage) => m.chat_id === CHAT && m.visibleText.startsWith('Your Briefcast digest');
const runsStarted = (child: ChildApp) => child.logs.filter((l) => l.msg === 'delivery run started');
const loggedAt = (line: LogLine) => new Date(line.time as number);

describe.concurrent('the real bot under a moved system clock, through the fake Telegram server', () => {
  it('spring forward in Europe/Berlin: /subscribe 02:30 names 03:00, and the digest goes at 03:00', {
    timeout: 180_000,
  }, async () => {
    const due = firstShowing('2027-03-28', '02:30', ZONE); // 03:00 CEST, the first instant after the gap
    await withBot(async ({ fake, start, say }) => {
      const before = await start('2027-03-28T00:40:00Z'); // 01:40 CET
      const reply = await say(`/subscribe 02:30 ${ZONE}`);
      expect(reply.visibleText).toContain(
        `Next digest: ${described(due, ZONE)} — the clocks skip 02:30 that day (they go forward)`,
      );
      expect(await before.terminate()).toEqual({ code: 0, signal: null });

      const across = await start(new Date(due.getTime() - 3_000)); // 01:59:57 CET
      const digest = await fake.waitForSent(isDigest, DELIVERY_TIMEOUT_MS);
      expect(digest.visibleText).toContain('Phantabear'); // the sample briefing, the first digest's fallback
      const [run, ...more] = runsStarted(across);
      expect(more).toEqual([]);
      expect(loggedAt(run!).getTime()).toBeGreaterThanOrEqual(due.getTime());
      expect(loggedAt(run!).getTime()).toBeLessThan(due.getTime() + 2 * 60_000);
      expect(await across.terminate()).toEqual({ code: 0, signal: null });
      expect(fake.sentTo(CHAT).filter(isDigest)).toHaveLength(1);
    });
  });

  it('fall back in Europe/Berlin: restarted at 02:05 CET, inside the fold, the owed digest goes at once, and once', {
    timeout: 180_000,
  }, async () => {
    const [first, second] = scanDay('2027-10-31', ZONE).showing[2 * 60 + 30]!; // 02:30 CEST, 02:30 CET
    expect(second!.getTime() - first!.getTime()).toBe(3_600_000);
    await withBot(async ({ fake, start, say }) => {
      const before = await start(new Date(first!.getTime() - 5 * 60_000)); // 02:25 CEST
      const reply = await say(`/subscribe 02:30 ${ZONE}`);
      expect(reply.visibleText).toContain(
        `Next digest: ${described(first!, ZONE)} — the first of the two 02:30s that day (the clocks go back); one digest`,
      );
      expect(await before.terminate()).toEqual({ code: 0, signal: null });
      expect(runsStarted(before)).toEqual([]);

      // Down through the first 02:30; started at 02:05 CET, 25 minutes before the second.
      const inFold = await start(new Date(second!.getTime() - 25 * 60_000));
      const digest = await fake.waitForSent(isDigest, DELIVERY_TIMEOUT_MS);
      expect(digest.visibleText).toContain('Phantabear');
      const [run] = runsStarted(inFold);
      // The start-up catch-up, not a later tick (and long before the second 02:30).
      expect(loggedAt(run!).getTime()).toBeLessThan(second!.getTime() - 24 * 60_000);
      expect(await inFold.terminate()).toEqual({ code: 0, signal: null });

      // Across the second 02:30: a tick at or after it finds nothing due.
      const across = await start(new Date(second!.getTime() - 3_000));
      await across.waitForLog(
        (l) => l.msg === 'delivery tick: nothing due' && Date.parse(l.at as string) >= second!.getTime(),
        DELIVERY_TIMEOUT_MS,
      );
      expect(runsStarted(across)).toEqual([]);
      expect(await across.terminate()).toEqual({ code: 0, signal: null });
      expect(fake.sentTo(CHAT).filter(isDigest)).toHaveLength(1);
    });
  });
});

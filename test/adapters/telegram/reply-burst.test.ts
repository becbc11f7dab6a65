/**
 * A burst of commands in one chat (issue #16): the replies go out at the chat's rate — one a second
 * in a private chat — not one at once, one a second later and the rest 30 s later.
 *
 * The real telegraf client and the real Telegram gate with Telegram's default limits, against the
 * fake Bot API enforcing the same limits (a reply sent too early would draw a 429).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SentMessage } from '../../../fakes/telegram/index.js';
import { TelegramGate } from '../../../src/delivery/telegram-gate.js';
import { silentLogger } from '../../../src/log.js';
import { type Bot, startBot } from './harness.js';

const READER = { id: 2221, type: 'private', first_name: 'Rita' } as const;
const GROUP = { id: -100_800, type: 'supergroup', title: 'Readers' } as const;
/** Telegram's limits as the fake enforces them (sliding windows). */
const LIMITS = { perSecond: 30, perChatPerSecond: 1, perGroupPerMinute: 20 } as const;
const MS_PER_REPLY = 1000;
/** A reply goes a window after the previous reply's answer: the round trip and timers on a busy machine. */
const GAP_SLACK_MS = 400;

/** The replies to `chatId` from `from` on, in the order the fake accepted them. */
function repliesIn(bot: Bot, chatId: number, from: number): SentMessage[] {
  return bot.fake.sent.slice(from).filter((m) => m.chat_id === chatId || m.chat_id === String(chatId));
}

/** Each reply's distance from the one before it, in ms. */
function gaps(replies: readonly SentMessage[]): number[] {
  return replies.slice(1).map((m, i) => m.at - replies[i]!.at);
}

describe('a burst of commands in one Telegram chat', () => {
  let bot: Bot | undefined;
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
  });

  it('answers five commands sent at once in a private chat within 6 s, one reply a second', {
    timeout: 15_000,
  }, async () => {
    bot = await startBot({ gate: new TelegramGate({ logger: silentLogger }), fake: { limits: LIMITS } });
    const commands = ['/help', '/topics', '/brief 2022-01-11', '/settings', '/topic mining 2'];
    const before = bot.fake.sent.length;
    const pushed = Date.now();
    for (const text of commands) bot.fake.sendText({ chat: READER, text });
    await bot.fake.waitForSent(() => repliesIn(bot!, READER.id, before).length === commands.length, 6_000);
    const replies = repliesIn(bot, READER.id, before);
    expect(replies.at(-1)!.at - pushed).toBeLessThan(6_000);
    // Each command answered once (the first part answers its command message).
    const answered = new Set(replies.map((m) => (m.reply_parameters as { message_id: number }).message_id));
    expect(answered.size).toBe(commands.length);
    for (const gap of gaps(replies)) {
      expect(gap).toBeGreaterThanOrEqual(MS_PER_REPLY);
      expect(gap).toBeLessThan(MS_PER_REPLY + GAP_SLACK_MS);
    }
    expect(bot.fake.stats.rejected429).toBe(0);
  });

  it('answers three commands sent at once in a group one a second', { timeout: 15_000 }, async () => {
    bot = await startBot({ gate: new TelegramGate({ logger: silentLogger }), fake: { limits: LIMITS } });
    const before = bot.fake.sent.length;
    for (const text of ['/help', '/topics', '/brief 2022-01-11']) bot.fake.sendText({ chat: GROUP, text });
    await bot.fake.waitForSent(() => repliesIn(bot!, GROUP.id, before).length === 3, 4_000);
    for (const gap of gaps(repliesIn(bot, GROUP.id, before))) {
      expect(gap).toBeGreaterThanOrEqual(MS_PER_REPLY);
      expect(gap).toBeLessThan(MS_PER_REPLY + GAP_SLACK_MS);
    }
    expect(bot.fake.stats.rejected429).toBe(0);
  });
});

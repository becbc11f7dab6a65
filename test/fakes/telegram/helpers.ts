/**
 * Shared set-up for the fake Telegram Bot API's own tests: fakes and telegraf bots that are stopped after
 * each test (bots before their fake), and a helper that expects a Bot API error.
 */
import { Telegraf, Telegram, TelegramError } from 'telegraf';
import { afterEach } from 'vitest';
import type { FakeTelegramOptions } from '../../../fakes/telegram/index.js';
import { FakeTelegram } from '../../../fakes/telegram/index.js';

export const PRIVATE_CHAT = { id: 42, type: 'private' } as const;
export const GROUP_ID = -4_000_000_001;
export const SUPERGROUP_ID = -1_002_000_000_001;
export const CHANNEL = { id: -1_003_000_000_001, type: 'channel', title: 'Morning News' } as const;
export const PING_REPLY = '<b>pong</b> &amp;';
/** A long poll held far longer than any test runs, to prove stop() releases it. */
export const LONG_HOLD_MS = 60_000;
export const SHORT_HOLD_MS = 150;
/** Far below the 50 s poll timeout, yet generous enough for a loaded CI machine. */
export const PROMPT_MS = 2_000;

/** Stops, last started first, after each test of the file that imports this module. */
const cleanups: (() => Promise<void> | void)[] = [];

/** Runs `cleanup` after the current test, before what was registered earlier. */
export function afterTest(cleanup: () => Promise<void> | void): void {
  cleanups.push(cleanup);
}

afterEach(async () => {
  // Last started, first stopped: bots before their fake.
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A started fake (stopped after the test) and a telegraf `Telegram` client for it. */
export async function startFake(
  options: FakeTelegramOptions = {},
): Promise<{ fake: FakeTelegram; telegram: Telegram }> {
  const fake = new FakeTelegram(options);
  const { apiRoot } = await fake.start();
  cleanups.push(() => fake.stop());
  return { fake, telegram: new Telegram(fake.token, { apiRoot }) };
}

/** A launched telegraf bot polling the fake; `errors` collects handler and polling errors. */
export async function startBot(
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

/** The `TelegramError` `call` rejects with; fails the test when it resolves or fails otherwise. */
export async function telegramError(call: Promise<unknown>): Promise<TelegramError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TelegramError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

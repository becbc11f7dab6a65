import type { ChatRef, Platform } from '../core/chat.js';
import type { SendGate } from '../core/sender.js';
import type { Logger } from '../log.js';
import { TELEGRAM_OVERALL_PER_SECOND, TelegramGate } from './telegram-gate.js';
import { sleep } from './wait.js';

/**
 * Digests to Discord in flight at once. discord.js's REST queue already keeps to the per-route
 * buckets and the 50 requests/s global limit and retries 429s itself; this only keeps our own queue
 * from handing it thousands of sends at once.
 */
export const DISCORD_CONCURRENCY = 25;
/** The console prints one digest at a time. */
export const CONSOLE_CONCURRENCY = 1;
/** A paused gate re-checks at most this many times (each wait lasts until the pause as it stands ends). */
const MAX_PAUSE_ROUNDS = 1000;

/**
 * A gate that only honours `backOff`: every send waits while a 429 pause is on. For Discord, whose
 * library handles the rest of its rate limits.
 */
export class PauseGate implements SendGate {
  #pausedUntil = 0;

  constructor(
    private readonly platform: Platform,
    private readonly logger: Logger,
  ) {}

  async acquire(chat: ChatRef): Promise<void> {
    const before = performance.now();
    for (let round = 0; round < MAX_PAUSE_ROUNDS; round++) {
      const left = this.#pausedUntil - Date.now();
      if (left <= 0) break;
      await sleep(left);
    }
    const waited = Math.round(performance.now() - before);
    if (waited > 0) {
      this.logger.debug({ platform: this.platform, chat: chat.id, waitMs: { paused: waited } }, 'gate wait');
    }
  }

  backOff(seconds: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + Math.max(0, seconds) * 1000);
    this.logger.warn(
      { platform: this.platform, retryAfterSeconds: seconds },
      'rate limited: holding every send',
    );
  }
}

/** A gate that never waits (the console). */
export const openGate: SendGate = {
  acquire: async () => {},
  backOff: () => {},
};

/** One gate per platform; give each adapter its own so its command replies share the limits with digests. */
export type DeliveryGates = Readonly<Record<Platform, SendGate>>;

/** The settings the gates are built from (a subset of `Config`). */
export interface GateSettings {
  readonly telegram?: { readonly maxPerSecond: number };
}

/**
 * The gates for a configuration: Telegram's limiter at `TELEGRAM_MAX_PER_SECOND`, a pause-only gate
 * for Discord, none for the console. The app passes `gates.telegram` to the Telegram adapter (for its
 * command replies) and hands every gate to the delivery engine.
 */
export function createGates(config: GateSettings, logger: Logger): DeliveryGates {
  return {
    telegram: new TelegramGate({
      maxPerSecond: config.telegram?.maxPerSecond ?? TELEGRAM_OVERALL_PER_SECOND,
      logger,
    }),
    discord: new PauseGate('discord', logger),
    console: openGate,
  };
}

/**
 * How many digests to a platform are under way at once: for Telegram as many as it may take per
 * second (each send lasts well under a second), for Discord {@link DISCORD_CONCURRENCY}.
 */
export function deliveryConcurrency(platform: Platform, config: GateSettings): number {
  switch (platform) {
    case 'telegram':
      return config.telegram?.maxPerSecond ?? TELEGRAM_OVERALL_PER_SECOND;
    case 'discord':
      return DISCORD_CONCURRENCY;
    case 'console':
      return CONSOLE_CONCURRENCY;
  }
}

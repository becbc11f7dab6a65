/**
 * A worker process delivering a fan-out with Briefcast itself: the delivery engine on the in-memory
 * store, the Telegram adapter's sender (telegraf's client) and the Telegram gate, as `src/app.ts`
 * wires them — only the gate's rate and the lane's concurrency come from the bench.
 */
import { createTelegramAdapter } from '../../src/adapters/telegram/telegram.js';
import { DeliveryEngine } from '../../src/delivery/engine.js';
import { TelegramGate } from '../../src/delivery/telegram-gate.js';
import { createLogger } from '../../src/log.js';
import { benchNewsroom, benchSubscription } from './newsroom.js';
import { type SendArgs, type SendResult, startMeter } from './telegram-contract.js';
import { serve } from './worker.js';

serve({
  async run(args: SendArgs): Promise<SendResult> {
    // Production's level; the engine logs a few lines per run at info, and every wait at debug.
    const logger = createLogger('info', [args.token]);
    const { store, newsroom, dispatcher, clock } = await benchNewsroom(logger);
    for (let i = 0; i < args.chats.count; i++) {
      const chat = { platform: 'telegram', id: String(args.chats.first + i) } as const;
      await store.saveSubscription(benchSubscription(chat, 'private'));
    }
    const adapter = createTelegramAdapter({
      dispatcher,
      newsroom,
      logger,
      config: { token: args.token, apiRoot: args.apiRoot, maxPerSecond: args.perSecond },
      now: () => clock.now(),
    });
    const gate = new TelegramGate({ maxPerSecond: args.perSecond, logger });
    const engine = new DeliveryEngine({
      newsroom,
      lanes: { telegram: { sender: adapter.sender, gate, concurrency: args.concurrency } },
      logger,
    });
    const stop = startMeter();
    const run = await engine.tick();
    const meter = stop();
    await engine.stop();
    const sent = run?.sent ?? 0;
    return { sent, failed: args.chats.count - sent, ...meter };
  },
});

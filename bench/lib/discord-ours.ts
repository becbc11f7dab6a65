/**
 * A worker process delivering a Discord fan-out with Briefcast: the Discord adapter (a real
 * discord.js client logged in to the fake's gateway), its sender, the pause gate and the delivery
 * engine, wired as `src/app.ts` wires them.
 */
import { createDiscordAdapter } from '../../src/adapters/discord/discord.js';
import { DeliveryEngine } from '../../src/delivery/engine.js';
import { createGates, deliveryConcurrency } from '../../src/delivery/gates.js';
import { createLogger } from '../../src/log.js';
import type { DiscordSendArgs, DiscordSendResult } from './discord-contract.js';
import { benchNewsroom, benchSubscription } from './newsroom.js';
import { startMeter } from './telegram-contract.js';
import { serve } from './worker.js';

/** The fake has every guild's channels in READY; no need to wait discord.js's 15 s for stragglers. */
const WAIT_GUILD_MS = 1000;

serve({
  async run(args: DiscordSendArgs): Promise<DiscordSendResult> {
    const logger = createLogger('info');
    const { store, newsroom, dispatcher, clock } = await benchNewsroom(logger);
    for (const id of args.channelIds) {
      await store.saveSubscription(benchSubscription({ platform: 'discord', id }, 'group'));
    }
    const adapter = createDiscordAdapter({
      dispatcher,
      newsroom,
      logger,
      config: { token: 'bench-bot-token', applicationId: args.applicationId, apiUrl: args.apiUrl },
      now: () => clock.now(),
      clientOptions: { waitGuildTimeout: WAIT_GUILD_MS },
    });
    let rateLimitedEvents = 0;
    adapter.client.rest.on('rateLimited', () => {
      rateLimitedEvents++;
    });
    await adapter.start();
    const gates = createGates({}, logger);
    const engine = new DeliveryEngine({
      newsroom,
      lanes: {
        discord: {
          sender: adapter.sender,
          gate: gates.discord,
          concurrency: deliveryConcurrency('discord', {}),
        },
      },
      logger,
    });
    try {
      const stop = startMeter();
      const run = await engine.tick();
      const meter = stop();
      const sent = run?.sent ?? 0;
      return { sent, failed: args.channelIds.length - sent, ...meter, rateLimitedEvents };
    } finally {
      await engine.stop();
      await adapter.stop();
    }
  },
});

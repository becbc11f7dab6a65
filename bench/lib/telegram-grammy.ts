/**
 * A worker process sending a fan-out the way a grammY bot author would: `bot.api.sendMessage` for
 * every chat at once, with the throttler plugin (Bottleneck queues: overall, per chat, per group)
 * set to the bench's rate, and the auto-retry plugin outside it honouring `retry_after`.
 * @see https://grammy.dev/advanced/flood
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { apiThrottler } from '@grammyjs/transformer-throttler';
import { Bot } from 'grammy';
import { DIGEST_EXTRA, type SendArgs, type SendResult, startMeter } from './telegram-contract.js';
import { serve } from './worker.js';

/** Retries of one message before it counts as failed (the plugin's default is unbounded). */
const MAX_RETRIES = 20;

serve({
  async run(args: SendArgs): Promise<SendResult> {
    const bot = new Bot(args.token, { client: { apiRoot: args.apiRoot.replace(/\/$/, '') } });
    const rate = args.perSecond;
    // Installed first, so it runs inside auto-retry: a retried message queues again.
    bot.api.config.use(
      apiThrottler({
        global: { reservoir: rate, reservoirRefreshAmount: rate, reservoirRefreshInterval: 1000 },
      }),
    );
    bot.api.config.use(autoRetry({ maxRetryAttempts: MAX_RETRIES }));
    let sent = 0;
    let failed = 0;
    let firstError: string | undefined;
    const stop = startMeter();
    await Promise.all(
      Array.from({ length: args.chats.count }, (_, i) =>
        bot.api.sendMessage(args.chats.first + i, args.text, DIGEST_EXTRA).then(
          () => {
            sent++;
          },
          (e: unknown) => {
            failed++;
            firstError ??= String(e);
          },
        ),
      ),
    );
    const meter = stop();
    return {
      sent,
      failed,
      ...meter,
      ...(firstError !== undefined && { firstError }),
    };
  },
});

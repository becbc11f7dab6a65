/**
 * A worker process sending a fan-out the way a telegraf bot author would: `bot.telegram.sendMessage`
 * for every chat through one Bottleneck queue at the bench's rate (telegraf sends with no limiter
 * of its own), retrying a message after its `retry_after` on a 429.
 */
import Bottleneck from 'bottleneck';
import { Telegraf, TelegramError } from 'telegraf';
import { DIGEST_EXTRA, type SendArgs, type SendResult, startMeter } from './telegram-contract.js';
import { serve } from './worker.js';

/** Retries of one message before it counts as failed (bounded, but more than a fan-out needs). */
const MAX_RETRIES = 20;
const HTTP_TOO_MANY_REQUESTS = 429;

serve({
  async run(args: SendArgs): Promise<SendResult> {
    const bot = new Telegraf(args.token, { telegram: { apiRoot: args.apiRoot } });
    const rate = args.perSecond;
    // The usual recipe: `rate` per second, spaced evenly (minTime) rather than in one burst a second.
    const limiter = new Bottleneck({
      reservoir: rate,
      reservoirRefreshAmount: rate,
      reservoirRefreshInterval: 1000,
      minTime: 1000 / rate,
    });
    limiter.on('failed', (error: unknown, job) => {
      if (
        error instanceof TelegramError &&
        error.code === HTTP_TOO_MANY_REQUESTS &&
        job.retryCount < MAX_RETRIES
      ) {
        return (error.parameters?.retry_after ?? 1) * 1000;
      }
      return undefined;
    });
    let sent = 0;
    let failed = 0;
    let firstError: string | undefined;
    const stop = startMeter();
    await Promise.all(
      Array.from({ length: args.chats.count }, (_, i) =>
        limiter
          .schedule(() => bot.telegram.sendMessage(args.chats.first + i, args.text, DIGEST_EXTRA))
          .then(
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
    await limiter.stop({ dropWaitingJobs: true });
    return {
      sent,
      failed,
      ...meter,
      ...(firstError !== undefined && { firstError }),
    };
  },
});

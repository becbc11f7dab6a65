/**
 * Discord fan-out (issue #6, part 3): 2,000 channel subscriptions spread over 20 servers, delivered
 * by Briefcast (engine + Discord adapter sender on a real discord.js client) against the fake REST
 * API with Discord's limits — 5 messages per 5 s per channel, 50 requests/s globally — the fake in
 * its own process. Reports the rate against the 50/s limit and the 429s; none missing, none twice.
 */
import { channelIds, type DiscordFakeStats, type DiscordSendResult } from './lib/discord-contract.js';
import { machineLine } from './lib/machine.js';
import { emit, note, round } from './lib/report.js';
import { Worker } from './lib/worker.js';

const BENCH = 'fanout-discord';
const LAYOUT = { guilds: 20, channelsPerGuild: 100, firstId: '500000000000000000' } as const;
/** Discord's documented limits. @see https://discord.com/developers/docs/topics/rate-limits */
const LIMITS = { globalPerSecond: 50, channelPerFiveSeconds: 5 } as const;
const TARGET_OF_LIMIT = 0.9;
const TARGET_429_SHARE = 0.01;
const START_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 300_000;

async function main(): Promise<void> {
  const ids = channelIds(LAYOUT);
  note(machineLine());
  note(
    `${ids.length} channels in ${LAYOUT.guilds} servers; the fake allows ${LIMITS.globalPerSecond} requests/s ` +
      `and ${LIMITS.channelPerFiveSeconds} messages per 5 s per channel`,
  );
  const fake = Worker.start('fake Discord', new URL('./lib/fake-discord-worker.ts', import.meta.url));
  let sender: Worker | undefined;
  try {
    const address = await fake.call<{ apiUrl: string; applicationId: string }>(
      'start',
      { layout: LAYOUT, limits: LIMITS },
      START_TIMEOUT_MS,
    );
    sender = Worker.start('ours', new URL('./lib/discord-ours.ts', import.meta.url));
    const fakeCpuBefore = await fake.call<number>('cpu', undefined, START_TIMEOUT_MS);
    const result = await sender.call<DiscordSendResult>(
      'run',
      { ...address, channelIds: ids },
      RUN_TIMEOUT_MS,
    );
    const stats = await fake.call<DiscordFakeStats>('stats', undefined, START_TIMEOUT_MS);
    const delivered = ids.length - stats.missing;
    const rate = (delivered / result.ms) * 1000;
    const requests = stats.accepted + stats.rejected429 + stats.failed;
    const share429 = requests === 0 ? 0 : stats.rejected429 / requests;
    const others = (result.machineMs - result.cpuMs - (stats.cpuMs - fakeCpuBefore)) / result.ms;
    note(
      `ours: ${delivered} delivered in ${round(result.ms / 1000, 1)} s; busiest second ${stats.peakPerSecond} messages; ` +
        `${stats.rejected429} 429s of ${requests} requests; discord.js waited for a limit ${result.rateLimitedEvents} times; ` +
        `sender CPU ${round(result.cpuMs)} ms; other processes ${round(Math.max(0, others), 2)} cores`,
    );
    emit({ bench: BENCH, metric: 'ours.rate', value: round(rate, 1), unit: 'msg/s' });
    emit({
      bench: BENCH,
      metric: 'ours.rate/limit',
      value: round(rate / LIMITS.globalPerSecond, 3),
      unit: '×',
      target: `≥ ${TARGET_OF_LIMIT}`,
      ok: rate >= TARGET_OF_LIMIT * LIMITS.globalPerSecond,
    });
    emit({
      bench: BENCH,
      metric: 'ours.429s',
      value: stats.rejected429,
      unit: 'count',
      target: `≤ ${TARGET_429_SHARE * 100} % of requests`,
      ok: share429 <= TARGET_429_SHARE,
    });
    emit({
      bench: BENCH,
      metric: 'ours.missing',
      value: stats.missing,
      unit: 'count',
      target: '0',
      ok: stats.missing === 0,
    });
    emit({
      bench: BENCH,
      metric: 'ours.duplicates',
      value: stats.duplicates,
      unit: 'count',
      target: '0',
      ok: stats.duplicates === 0,
    });
  } finally {
    await sender?.close();
    await fake.close();
  }
}

await main();

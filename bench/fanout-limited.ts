/**
 * Fan-out, limited (issue #6, part 2): the fake Bot API enforces L messages per second overall and
 * 1 per second per chat (429 with `retry_after` above them, sliding windows); Briefcast runs with
 * `TELEGRAM_MAX_PER_SECOND = L` (and the lane's concurrency the app derives from it), the peers with
 * their limiters at L. At L = 300 and at L = 1,000 (a paid broadcast), with 20 s worth of chats.
 * Targets at both: ≥ 0.95 × L, 429 answers ≤ 1 % of sends, none missing, none twice, and at least
 * the best peer's rate.
 */
import { deliveryConcurrency } from '../src/delivery/gates.js';
import { machineLine } from './lib/machine.js';
import { emit, note, round } from './lib/report.js';
import { runTelegramSender, type TelegramRun, type TelegramSenderName } from './lib/telegram-run.js';
import { sampleTelegramText } from './lib/telegram-text.js';

const BENCH = 'fanout-limited';
/** The overall limits the fake enforces, messages per second. */
const LIMITS = [300, 1000] as const;
/** How long each run lasts at the limit: enough windows for a steady rate. */
const SECONDS_AT_LIMIT = 20;
const FIRST_CHAT = 200_000_001;
const SENDERS: readonly TelegramSenderName[] = ['ours', 'grammy', 'telegraf'];
const TARGET_OF_LIMIT = 0.95;
const TARGET_429_SHARE = 0.01;
const RUN_TIMEOUT_MS = 600_000;

function describe(run: TelegramRun, limit: number): string {
  const sends = run.fake.accepted + run.fake.rejected429;
  return (
    `L=${limit} ${run.sender}: ${round(run.rate)} msg/s = ${round(run.rate / limit, 3)} × L in ${round(run.result.ms / 1000, 1)} s; ` +
    `${run.fake.rejected429} 429s (${round((run.fake.rejected429 / sends) * 100, 2)} % of ${sends} sends); ` +
    `${run.fake.missing} missing, ${run.fake.duplicates} duplicates; sender gave up on ${run.result.failed}; ` +
    `other processes ${round(run.othersCores, 2)} cores` +
    (run.result.firstError === undefined ? '' : `; first error: ${run.result.firstError}`)
  );
}

async function main(args: readonly string[]): Promise<void> {
  const limits = LIMITS.filter((l) => !args.some((a) => /^\d+$/.test(a)) || args.includes(String(l)));
  const senders = SENDERS.filter((s) => !args.some((a) => !/^\d+$/.test(a)) || args.includes(s));
  const text = await sampleTelegramText();
  note(machineLine());
  for (const limit of limits) {
    const chats = { first: FIRST_CHAT, count: limit * SECONDS_AT_LIMIT };
    note(
      `L = ${limit}/s overall and 1/s per chat on the fake; ${chats.count} private chats, one message each`,
    );
    const runs = new Map<TelegramSenderName, TelegramRun>();
    for (const sender of senders) {
      const run = await runTelegramSender({
        sender,
        limits: { perSecond: limit, perChatPerSecond: 1 },
        chats,
        text,
        perSecond: limit,
        // As the app runs it: as many deliveries under way as may go out per second.
        concurrency: deliveryConcurrency('telegram', { telegram: { maxPerSecond: limit } }),
        timeoutMs: RUN_TIMEOUT_MS,
      });
      runs.set(sender, run);
      note(describe(run, limit));
      const sends = run.fake.accepted + run.fake.rejected429;
      const share429 = sends === 0 ? 0 : run.fake.rejected429 / sends;
      const isOurs = sender === 'ours';
      emit({
        bench: BENCH,
        metric: `L=${limit} ${sender}.rate/L`,
        value: round(run.rate / limit, 3),
        unit: '×',
        ...(isOurs && { target: `≥ ${TARGET_OF_LIMIT}`, ok: run.rate >= TARGET_OF_LIMIT * limit }),
      });
      emit({
        bench: BENCH,
        metric: `L=${limit} ${sender}.429 share`,
        value: round(share429 * 100, 2),
        unit: '%',
        ...(isOurs && { target: `≤ ${TARGET_429_SHARE * 100}`, ok: share429 <= TARGET_429_SHARE }),
      });
      if (isOurs) {
        emit({
          bench: BENCH,
          metric: `L=${limit} ours.missing`,
          value: run.fake.missing,
          unit: 'count',
          target: '0',
          ok: run.fake.missing === 0,
        });
        emit({
          bench: BENCH,
          metric: `L=${limit} ours.duplicates`,
          value: run.fake.duplicates,
          unit: 'count',
          target: '0',
          ok: run.fake.duplicates === 0,
        });
      }
    }
    const ours = runs.get('ours');
    const peers = [runs.get('grammy'), runs.get('telegraf')].filter((r) => r !== undefined);
    if (ours !== undefined && peers.length > 0) {
      const best = Math.max(...peers.map((p) => p.rate));
      emit({
        bench: BENCH,
        metric: `L=${limit} ours/best peer`,
        value: round(ours.rate / best, 2),
        unit: '×',
        target: '≥ 1',
        ok: ours.rate >= best,
      });
    }
  }
}

// Arguments pick limits (300, 1000) and senders (ours, grammy, telegraf); all by default.
await main(process.argv.slice(2));

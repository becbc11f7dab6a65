/**
 * Fan-out, open (issue #6, part 1): 10,000 Telegram chats due at once, against the fake Bot API
 * with no limits, delivered by Briefcast (engine + gate + adapter sender on telegraf) and — each
 * against a fresh fake, each in its own process — by a bare `node:http` client (the ceiling of this
 * machine) and by the peers a bot author would use (grammY + throttler + auto-retry, telegraf +
 * Bottleneck). Targets: ours ≥ 0.4 × bare and ≥ 2 × the best peer.
 *
 * The machine is shared (2 cores, other work comes and goes), so bare and ours — a few seconds
 * each — run {@link ROUNDS} times, alternating, and each keeps its best run; the peers, which their
 * limiter holds to a few hundred messages a second whatever the load, run once.
 */
import { machineLine } from './lib/machine.js';
import { emit, note, round } from './lib/report.js';
import { runTelegramSender, type TelegramRun, type TelegramSenderName } from './lib/telegram-run.js';
import { sampleTelegramText } from './lib/telegram-text.js';

const BENCH = 'fanout-open';
const CHATS = { first: 100_000_001, count: 10_000 };
/**
 * The limiters' rate for this bench: far above what one machine can send, so they never hold a
 * message back (the configuration allows at most 1,000; the gate is built directly here).
 */
const OPEN_PER_SECOND = 100_000;
/** Requests in flight for the bare client. */
const BARE_CONCURRENCY = 64;
/** Deliveries under way at once in our engine's Telegram lane. */
const OURS_CONCURRENCY = 32;
/** Runs of bare and ours each (alternating); the best of each counts. */
const ROUNDS = 3;
const RUN_TIMEOUT_MS = 300_000;
const TARGET_OF_BARE = 0.4;
const TARGET_OF_PEER = 2;

interface Contender {
  readonly name: TelegramSenderName;
  readonly concurrency: number;
  readonly rounds: number;
}

const CONTENDERS: readonly Contender[] = [
  { name: 'bare', concurrency: BARE_CONCURRENCY, rounds: ROUNDS },
  { name: 'ours', concurrency: OURS_CONCURRENCY, rounds: ROUNDS },
  { name: 'grammy', concurrency: 0, rounds: 1 },
  { name: 'telegraf', concurrency: 0, rounds: 1 },
];

function describe(run: TelegramRun): string {
  return (
    `${run.sender}: ${round(run.rate)} msg/s (${run.fake.accepted} accepted in ${round(run.result.ms / 1000, 2)} s; ` +
    `CPU per message ${round((run.result.cpuMs / CHATS.count) * 1000)} µs sender, ` +
    `${round((run.fake.cpuMs / CHATS.count) * 1000)} µs fake; other processes ${round(run.othersCores, 2)} cores; ` +
    `${run.fake.connections} connections; ${run.fake.missing} missing, ${run.fake.duplicates} duplicates)` +
    (run.result.firstError === undefined ? '' : `; first error: ${run.result.firstError}`)
  );
}

async function main(only: readonly string[]): Promise<void> {
  const text = await sampleTelegramText();
  note(machineLine());
  note(`${CHATS.count} private chats, one ${text.length}-character HTML digest each, no limits on the fake`);
  const contenders = CONTENDERS.filter((c) => only.length === 0 || only.includes(c.name));
  const best = new Map<TelegramSenderName, TelegramRun>();
  const rounds = Math.max(...contenders.map((c) => c.rounds));
  for (let r = 0; r < rounds; r++) {
    for (const contender of contenders) {
      if (r >= contender.rounds) continue;
      const run = await runTelegramSender({
        sender: contender.name,
        limits: {},
        chats: CHATS,
        text,
        perSecond: OPEN_PER_SECOND,
        concurrency: contender.concurrency,
        timeoutMs: RUN_TIMEOUT_MS,
      });
      note(describe(run));
      const previous = best.get(contender.name);
      if (previous === undefined || run.rate > previous.rate) best.set(contender.name, run);
    }
  }
  for (const [name, run] of best) {
    emit({ bench: BENCH, metric: `${name}.rate`, value: round(run.rate), unit: 'msg/s' });
  }
  const ours = best.get('ours');
  if (ours !== undefined) {
    emit({
      bench: BENCH,
      metric: 'ours.cpu per message',
      value: round((ours.result.cpuMs / CHATS.count) * 1000),
      unit: 'µs',
    });
    emit({ bench: BENCH, metric: 'ours.connections', value: ours.fake.connections, unit: 'count' });
    emit({
      bench: BENCH,
      metric: 'ours.missing',
      value: ours.fake.missing,
      unit: 'count',
      target: '0',
      ok: ours.fake.missing === 0,
    });
    emit({
      bench: BENCH,
      metric: 'ours.duplicates',
      value: ours.fake.duplicates,
      unit: 'count',
      target: '0',
      ok: ours.fake.duplicates === 0,
    });
  }
  const bare = best.get('bare');
  const peers = [best.get('grammy'), best.get('telegraf')].filter((r) => r !== undefined);
  if (ours === undefined || bare === undefined || peers.length < 2) {
    note('the ratios need all four senders; this run left some out');
    return;
  }
  const ofBare = ours.rate / bare.rate;
  const ofPeer = ours.rate / Math.max(...peers.map((p) => p.rate));
  emit({
    bench: BENCH,
    metric: 'ours/bare',
    value: round(ofBare, 2),
    unit: '×',
    target: `≥ ${TARGET_OF_BARE}`,
    ok: ofBare >= TARGET_OF_BARE,
  });
  emit({
    bench: BENCH,
    metric: 'ours/best peer',
    value: round(ofPeer, 2),
    unit: '×',
    target: `≥ ${TARGET_OF_PEER}`,
    ok: ofPeer >= TARGET_OF_PEER,
  });
}

// Arguments name the senders to run (all by default), for trying one change at a time.
await main(process.argv.slice(2));

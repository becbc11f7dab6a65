import { mkdirSync } from 'node:fs';
import type { ChatRange, FakeLimits, FakeStats, SendArgs, SendResult } from './telegram-contract.js';
import { Worker } from './worker.js';

/** The Telegram senders a bench can run, each a worker module beside this file. */
export const TELEGRAM_SENDERS = {
  ours: new URL('./telegram-ours.ts', import.meta.url),
  bare: new URL('./telegram-bare.ts', import.meta.url),
  grammy: new URL('./telegram-grammy.ts', import.meta.url),
  telegraf: new URL('./telegram-telegraf.ts', import.meta.url),
} as const;

/** A sender's name. */
export type TelegramSenderName = keyof typeof TELEGRAM_SENDERS;

const FAKE_WORKER = new URL('./fake-telegram-worker.ts', import.meta.url);
const START_TIMEOUT_MS = 30_000;

/** One sender's run against a fresh fake. */
export interface TelegramRun {
  readonly sender: TelegramSenderName;
  readonly result: SendResult;
  readonly fake: FakeStats;
  /** Messages accepted by the fake per second of the sender's wall time. */
  readonly rate: number;
  /**
   * CPU used meanwhile by processes other than the sender and the fake, in cores (0–2 here): how
   * much the rest of the machine disturbed the run.
   */
  readonly othersCores: number;
}

/** Options of {@link runTelegramSender}. */
export interface TelegramRunOptions {
  readonly sender: TelegramSenderName;
  readonly limits: FakeLimits;
  readonly chats: ChatRange;
  readonly text: string;
  readonly perSecond: number;
  readonly concurrency: number;
  /** The run is abandoned after this long. */
  readonly timeoutMs: number;
}

/**
 * Runs one sender against a fresh fake Bot API, each in its own process, and collects both sides'
 * figures. `BENCH_CPU_PROF=<dir>` writes CPU profiles of the sender's process to `<dir>/<sender>/`.
 */
export async function runTelegramSender(options: TelegramRunOptions): Promise<TelegramRun> {
  const profileDir = process.env.BENCH_CPU_PROF;
  if (profileDir !== undefined) mkdirSync(`${profileDir}/${options.sender}`, { recursive: true });
  const fake = Worker.start('fake Bot API', FAKE_WORKER);
  let sender: Worker | undefined;
  try {
    const address = await fake.call<{ apiRoot: string; token: string }>(
      'start',
      options.limits,
      START_TIMEOUT_MS,
    );
    sender = Worker.start(options.sender, TELEGRAM_SENDERS[options.sender], {
      ...(profileDir !== undefined && {
        // One folder per sender: the main thread and tsx's loader thread each write a profile.
        nodeOptions: ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${options.sender}`],
      }),
    });
    const args: SendArgs = {
      ...address,
      chats: options.chats,
      text: options.text,
      perSecond: options.perSecond,
      concurrency: options.concurrency,
    };
    const fakeCpuBefore = await fake.call<number>('cpu', undefined, START_TIMEOUT_MS);
    const result = await sender.call<SendResult>('run', args, options.timeoutMs);
    const stats = await fake.call<FakeStats>('stats', options.chats, START_TIMEOUT_MS);
    const delivered = options.chats.count - stats.missing;
    // The fake works only while the sender sends, so its CPU since just before the run is that time's.
    const othersMs = result.machineMs - result.cpuMs - (stats.cpuMs - fakeCpuBefore);
    return {
      sender: options.sender,
      result,
      fake: stats,
      rate: (delivered / result.ms) * 1000,
      othersCores: Math.max(0, othersMs / result.ms),
    };
  } finally {
    await sender?.close();
    await fake.close();
  }
}

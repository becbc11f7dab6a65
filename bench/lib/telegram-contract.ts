import { machineBusyMs } from './machine.js';

/**
 * What the Telegram fan-out benches pass between their processes: the fake's address, the chats,
 * the message, and what each sender reports back.
 */

/** The fake Bot API's limits for a run (see `RateLimits` in fakes/telegram/limits.ts). */
export interface FakeLimits {
  readonly perSecond?: number;
  readonly perChatPerSecond?: number;
}

/** Where the fake listens. */
export interface FakeAddress {
  readonly apiRoot: string;
  readonly token: string;
}

/** The chats of a run: private chats `first`, `first + 1`, … (`count` of them), one message each. */
export interface ChatRange {
  readonly first: number;
  readonly count: number;
}

/** What a sender is asked to do. */
export interface SendArgs extends FakeAddress {
  readonly chats: ChatRange;
  /** The digest's HTML (every sender sends the same message). */
  readonly text: string;
  /** The overall rate the sender is configured for (its limiter), messages per second. */
  readonly perSecond: number;
  /** Sends (or deliveries) in flight at once, where the sender has such a setting. */
  readonly concurrency: number;
}

/** What a sender reports. */
export interface SendResult {
  /** Messages the sender believes went out. */
  readonly sent: number;
  /** Messages it gave up on. */
  readonly failed: number;
  /** Wall time from the first send to the last answer. */
  readonly ms: number;
  /** CPU time of the sender's process over that time. */
  readonly cpuMs: number;
  /** Busy CPU time of the whole machine over that time (every process, this one included). */
  readonly machineMs: number;
  /** The first error a send ended in, if any. */
  readonly firstError?: string;
}

/** What the fake counted over a run. */
export interface FakeStats {
  readonly accepted: number;
  readonly rejected429: number;
  /** TCP connections the fake accepted. */
  readonly connections: number;
  /** Chats of the range with no message. */
  readonly missing: number;
  /** Messages beyond the first in a chat of the range. */
  readonly duplicates: number;
  /** CPU time of the fake's process since it started. */
  readonly cpuMs: number;
}

/** The common Telegram `sendMessage` options of a digest, as our adapter sends them. */
export const DIGEST_EXTRA = {
  parse_mode: 'HTML',
  link_preview_options: { is_disabled: true },
} as const;

/** The CPU time of this process so far, in milliseconds. */
export function cpuMsNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** What {@link startMeter}'s stop function measured. */
export type Meter = Pick<SendResult, 'ms' | 'cpuMs' | 'machineMs'>;

/** Starts measuring wall time, this process's CPU time and the machine's; call the result to stop. */
export function startMeter(): () => Meter {
  const cpu = cpuMsNow();
  const machine = machineBusyMs();
  const start = performance.now();
  return () => ({
    ms: performance.now() - start,
    cpuMs: cpuMsNow() - cpu,
    machineMs: machineBusyMs() - machine,
  });
}

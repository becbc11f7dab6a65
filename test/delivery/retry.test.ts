/**
 * One retry policy for every send (`DEFAULT_RETRY_POLICY`, run by `Retrier`): the same cases are run
 * through both paths that send to a platform — a digest part through `PartSender` (to a fake
 * sender) and a Telegram command reply through the real adapter and telegraf (to the fake Bot API)
 * — each behind a real Telegram gate, and must end the same way.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Failure } from '../../fakes/telegram/index.js';
import type { ChatRef } from '../../src/core/chat.js';
import { textDoc } from '../../src/core/document.js';
import type { SendOutcome } from '../../src/core/sender.js';
import { openGate } from '../../src/delivery/gates.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../src/delivery/outcomes.js';
import { PartSender } from '../../src/delivery/part-sender.js';
import { Retrier } from '../../src/delivery/retry.js';
import { TelegramGate } from '../../src/delivery/telegram-gate.js';
import { silentLogger } from '../../src/log.js';
import { type Bot, recordingLogger, startBot } from '../adapters/telegram/harness.js';
import { subscriptionFor } from '../helpers/fixtures.js';
import { FakeSender } from './fake-sender.js';

/** The default policy, scaled down so that each case takes a second or two. */
const POLICY: RetryPolicy = {
  rateLimitRetries: 2,
  maxRetryAfterSeconds: 2,
  transientRetries: 2,
  backoffBaseMs: 200,
  backoffMaxMs: 1000,
};
const CHAT_ID = 4242;
const CHAT: ChatRef = { platform: 'telegram', id: String(CHAT_ID) };
const RETRY_MESSAGES = new Set(['rate limited; retrying', 'transient failure; retrying']);
/** Timers and the loopback round trip. */
const SLACK_MS = 30;

/**
 * A real Telegram gate that also remembers each `backOff`; its per-chat window is short, so that
 * the retries' own waits, not the chat's one message a second, space the attempts.
 */
class BackOffRecordingGate extends TelegramGate {
  readonly backOffs: number[] = [];
  constructor() {
    super({ logger: silentLogger, perChat: { points: 1, seconds: 0.05 } });
  }

  override backOff(seconds: number): void {
    this.backOffs.push(seconds);
    super.backOff(seconds);
  }
}

/** What the platform answers to the first `times` attempts; every later attempt is delivered. */
interface Answers {
  readonly failure: { retryAfter: number } | 'transient';
  readonly times: number;
}

/** How one message's send went, as a path reports it. */
interface Run {
  readonly result: { kind: 'sent' } | { kind: 'failed'; reason: string } | { kind: string };
  readonly attempts: number;
  readonly backOffs: readonly number[];
  /** The debug lines of each retry, oldest first. */
  readonly retries: readonly Record<string, unknown>[];
  /** `Date.now()` when the message was delivered, if it was. */
  readonly sentAt: number | undefined;
}

interface SendPathUnderTest {
  run(answers: Answers): Promise<Run>;
  stop?(): Promise<void>;
}

function outcomeOf(failure: Answers['failure']): SendOutcome {
  return failure === 'transient'
    ? { kind: 'transient', reason: '502 Bad Gateway' }
    : { kind: 'retryAfter', seconds: failure.retryAfter };
}

/** A digest part: the delivery engine's `PartSender` to a fake sender. */
function digestPath(): SendPathUnderTest {
  return {
    async run({ failure, times }) {
      const { logger, records } = recordingLogger();
      const gate = new BackOffRecordingGate();
      const sender = new FakeSender('telegram');
      sender.script(CHAT, ...Array.from({ length: times }, () => outcomeOf(failure)));
      let sentAt: number | undefined;
      const send = sender.send.bind(sender);
      sender.send = async (...args) => {
        const outcome = await send(...args);
        if (outcome.kind === 'sent') sentAt = Date.now();
        return outcome;
      };
      const parts = new PartSender(POLICY, new AbortController().signal, logger);
      const [part] = sender.render(textDoc('A digest'));
      const sub = subscriptionFor(CHAT, { chatKind: 'private' });
      const result = await parts.send(sub, { sender, gate }, part, 'nonce-1');
      return {
        result,
        attempts: sender.sends.length,
        backOffs: gate.backOffs,
        retries: records.filter((r) => RETRY_MESSAGES.has(String(r.msg))),
        sentAt,
      };
    },
  };
}

/** A command reply: the Telegram adapter's replier, through telegraf, to the fake Bot API. */
function replyPath(): SendPathUnderTest {
  let bot: Bot | undefined;
  return {
    async run({ failure, times }) {
      const gate = new BackOffRecordingGate();
      bot = await startBot({ gate, retry: POLICY });
      const fakeFailure: Failure = failure === 'transient' ? 'server_error' : failure;
      bot.fake.failChat(CHAT_ID, fakeFailure, { times });
      bot.fake.sendText({ chat: { id: CHAT_ID, type: 'private' }, text: '/topics' });
      await bot.settle();
      const [sent] = bot.fake.sentTo(CHAT_ID);
      const notSent = bot.records.find((r) => r.msg === 'could not send a command reply');
      return {
        result: sent !== undefined ? { kind: 'sent' } : (notSent?.outcome as Run['result']),
        attempts: bot.fake.stats.byMethod.sendMessage ?? 0,
        backOffs: gate.backOffs,
        retries: bot.records.filter((r) => RETRY_MESSAGES.has(String(r.msg))),
        sentAt: sent?.at,
      };
    },
    async stop() {
      await bot?.stop();
      bot = undefined;
    },
  };
}

describe.each([
  ['a digest part', digestPath],
  ['a Telegram command reply', replyPath],
])('the retry policy, for %s', (_name, makePath) => {
  const path = makePath();
  afterEach(async () => {
    await path.stop?.();
  });

  it('waits out retry_after in the gate and sends again, with the wait in the log', async () => {
    const run = await path.run({ failure: { retryAfter: 1 }, times: 1 });
    expect(run.result).toMatchObject({ kind: 'sent' });
    expect(run.attempts).toBe(2);
    expect(run.backOffs).toEqual([1]);
    expect(run.retries).toEqual([
      expect.objectContaining({
        msg: 'rate limited; retrying',
        attempt: 1,
        retryAfterSeconds: 1,
        waitMs: 1000,
      }),
    ]);
    expect(run.sentAt! - (run.retries[0]!.time as number)).toBeGreaterThanOrEqual(1000 - SLACK_MS);
  });

  it('gives up after rateLimitRetries retries', { timeout: 10_000 }, async () => {
    const run = await path.run({ failure: { retryAfter: 1 }, times: POLICY.rateLimitRetries + 1 });
    expect(run.result).toEqual({ kind: 'failed', reason: 'rate limited 3 times in a row' });
    expect(run.attempts).toBe(POLICY.rateLimitRetries + 1);
    expect(run.backOffs).toEqual([1, 1, 1]);
  });

  it('does not wait for a retry_after longer than maxRetryAfterSeconds, but still holds the gate', async () => {
    const run = await path.run({ failure: { retryAfter: 3 }, times: 1 });
    expect(run.result).toEqual({ kind: 'failed', reason: 'rate limited for 3 s (more than 2 s)' });
    expect(run.attempts).toBe(1);
    expect(run.backOffs).toEqual([3]);
  });

  it('backs off exponentially, with jitter, after transient failures, and sends', async () => {
    const run = await path.run({ failure: 'transient', times: 2 });
    expect(run.result).toMatchObject({ kind: 'sent' });
    expect(run.attempts).toBe(3);
    expect(run.backOffs).toEqual([]);
    const waits = run.retries.map((r) => r.waitMs as number);
    expect(run.retries.map((r) => [r.msg, r.attempt])).toEqual([
      ['transient failure; retrying', 1],
      ['transient failure; retrying', 2],
    ]);
    // Equal jitter: between half and all of 200 ms, then of 400 ms.
    expect(waits[0]).toBeGreaterThanOrEqual(POLICY.backoffBaseMs / 2);
    expect(waits[0]).toBeLessThanOrEqual(POLICY.backoffBaseMs);
    expect(waits[1]).toBeGreaterThanOrEqual(POLICY.backoffBaseMs);
    expect(waits[1]).toBeLessThanOrEqual(POLICY.backoffBaseMs * 2);
    expect(run.sentAt! - (run.retries[1]!.time as number)).toBeGreaterThanOrEqual(waits[1]! - SLACK_MS);
  });

  it('gives up after transientRetries retries', async () => {
    const run = await path.run({ failure: 'transient', times: POLICY.transientRetries + 1 });
    expect(run.result).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/\(3 attempts\)$/) });
    expect(run.attempts).toBe(POLICY.transientRetries + 1);
  });
});

describe('Retrier', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    [0, 1, 500],
    [1, 1, 1000],
    [0, 2, 1000],
    [1, 3, 4000],
  ])('with random() = %d, waits before transient retry %d for %d ms', async (random, retry, waitMs) => {
    vi.useFakeTimers();
    // A gate that never waits, so that only the backoff spaces the attempts.
    const gate = openGate;
    const retrier = new Retrier(
      DEFAULT_RETRY_POLICY,
      new AbortController().signal,
      silentLogger,
      () => random,
    );
    const attempts: number[] = [];
    const start = performance.now();
    const done = retrier.send(
      { gate, chat: CHAT, chatKind: 'private' },
      async () => {
        attempts.push(performance.now() - start);
        return attempts.length <= retry ? { kind: 'transient', reason: 'ETIMEDOUT' } : { kind: 'sent' };
      },
      {},
    );
    await vi.advanceTimersByTimeAsync(60_000);
    expect(await done).toEqual({ kind: 'sent' });
    expect(attempts.at(-1)! - attempts.at(-2)!).toBe(waitMs);
  });

  it('stops waiting when the signal aborts', async () => {
    const abort = new AbortController();
    const retrier = new Retrier(DEFAULT_RETRY_POLICY, abort.signal, silentLogger);
    const gate = new TelegramGate({ logger: silentLogger });
    const done = retrier.send(
      { gate, chat: CHAT, chatKind: 'private' },
      async () => ({ kind: 'transient', reason: 'ECONNRESET' }),
      {},
    );
    setTimeout(() => abort.abort(), 20);
    expect(await done).toEqual({ kind: 'interrupted' });
  });
});

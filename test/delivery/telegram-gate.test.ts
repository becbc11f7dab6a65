/**
 * Bursts through the Telegram gate on a clock the test controls (vitest's fake timers, which also
 * drive `performance.now()`): each message must go out at the first instant every window it passes
 * allows — never earlier (Telegram would answer 429), never later (issue #16: the third of three
 * replies to one chat went 31 s late, its sender asleep until an unanswered message's 30 s bound).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ChatKind, ChatRef } from '../../src/core/chat.js';
import type { ChatSender, SendOutcome } from '../../src/core/sender.js';
import { DEFAULT_MAX_UNANSWERED_MS } from '../../src/delivery/answer-window.js';
import { DEFAULT_RETRY_POLICY } from '../../src/delivery/outcomes.js';
import { PartSender } from '../../src/delivery/part-sender.js';
import {
  TELEGRAM_PER_CHAT_PER_SECOND,
  TELEGRAM_PER_GROUP_PER_MINUTE,
  TelegramGate,
} from '../../src/delivery/telegram-gate.js';
import { silentLogger } from '../../src/log.js';
import { subscriptionFor } from '../helpers/fixtures.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
/** Far past the slowest burst here (25 messages to one group: about 70 s). */
const RUN_FOR_MS = 5 * MINUTE;
const chat = (id: string): ChatRef => ({ platform: 'telegram', id });

/** A window a message passes: at most `limit` messages counted in any `windowMs`, from their answers. */
interface Window {
  readonly limit: number;
  readonly windowMs: number;
}
const PER_CHAT: Window = { limit: TELEGRAM_PER_CHAT_PER_SECOND, windowMs: SECOND };
const PER_GROUP: Window = { limit: TELEGRAM_PER_GROUP_PER_MINUTE, windowMs: MINUTE };

/** A round trip that varies from message to message (10–150 ms), so answers come at uneven times. */
const latencyOf = (i: number): number => 10 + ((i * 37) % 141);

interface Sent {
  at: number;
  answeredAt: number;
}

/**
 * Sends `n` messages at once, as command replies do: each acquires the gate, is "sent" when it
 * gets through, and is answered `latencyOf(i)` later. Returns each message's times, relative to the
 * burst's start, once every message is answered.
 */
async function burst(
  gate: TelegramGate,
  n: number,
  to: (i: number) => ChatRef,
  kind: ChatKind,
): Promise<Sent[]> {
  const start = performance.now();
  const sent: Sent[] = Array.from({ length: n }, () => ({ at: Number.NaN, answeredAt: Number.NaN }));
  for (let i = 0; i < n; i++) {
    void gate.acquire(to(i), kind).then(() => {
      sent[i]!.at = performance.now() - start;
      setTimeout(() => {
        sent[i]!.answeredAt = performance.now() - start;
        gate.answered(to(i), kind);
      }, latencyOf(i));
    });
  }
  await vi.advanceTimersByTimeAsync(RUN_FOR_MS);
  return sent;
}

/**
 * When message `i` of a burst (all queued at 0, in order) may go out at the earliest: once, in every
 * window it passes, the message `limit` places before it has been answered a window ago.
 */
function earliest(sent: readonly Sent[], i: number, windows: readonly Window[]): number {
  let at = 0;
  for (const { limit, windowMs } of windows) {
    if (i >= limit) at = Math.max(at, sent[i - limit]!.answeredAt + windowMs);
  }
  return at;
}

/** Every message went at the first instant its windows allowed (timers round up to the millisecond). */
function expectAtTheRate(sent: readonly Sent[], windows: readonly Window[]): void {
  for (const [i, s] of sent.entries()) {
    const due = earliest(sent, i, windows);
    expect(s.at, `message ${i} went early`).toBeGreaterThanOrEqual(due);
    expect(s.at, `message ${i} went late`).toBeLessThanOrEqual(due + 1);
  }
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('Telegram gate: bursts go out at each window’s rate', () => {
  it.each([2, 3, 5, 25])(
    'a burst of %i replies to one private chat: one a second after each answer',
    async (n) => {
      const gate = new TelegramGate({ logger: silentLogger });
      const sent = await burst(gate, n, () => chat('42'), 'private');
      expectAtTheRate(sent, [PER_CHAT]);
      // About a second apart: 1 s plus the previous message's round trip, nothing like 30 s.
      for (let i = 1; i < n; i++) expect(sent[i]!.at - sent[i - 1]!.at).toBe(SECOND + latencyOf(i - 1));
    },
  );

  it.each([2, 3, 5, 25])('a burst of %i replies to one group: one a second, and 20 a minute', async (n) => {
    const gate = new TelegramGate({ logger: silentLogger });
    const sent = await burst(gate, n, () => chat('-100777'), 'group');
    expectAtTheRate(sent, [PER_CHAT, PER_GROUP]);
    if (n > TELEGRAM_PER_GROUP_PER_MINUTE) {
      // The 21st waits for the first one's answer to leave the minute, then the chat's rate resumes.
      expect(sent[20]!.at).toBe(sent[0]!.answeredAt + MINUTE);
    }
  });

  it.each([2, 3, 5, 25])(
    'a burst of %i messages to as many chats over an overall limit of 2/s',
    async (n) => {
      const overall: Window = { limit: 2, windowMs: SECOND };
      const gate = new TelegramGate({ logger: silentLogger, maxPerSecond: overall.limit });
      const sent = await burst(gate, n, (i) => chat(String(1000 + i)), 'private');
      expectAtTheRate(sent, [overall]);
    },
  );

  it('a burst to one chat among other chats’ traffic keeps that chat’s rate', async () => {
    const gate = new TelegramGate({ logger: silentLogger, maxPerSecond: 30 });
    // Other chats keep the overall window busy: 20 messages a second to 20 chats.
    for (let s = 0; s < 10; s++) {
      setTimeout(() => {
        for (let c = 0; c < 20; c++) {
          const other = chat(String(5000 + c));
          void gate
            .acquire(other, 'private')
            .then(() => setTimeout(() => gate.answered(other, 'private'), 20));
        }
      }, s * SECOND);
    }
    const sent = await burst(gate, 5, () => chat('42'), 'private');
    expectAtTheRate(sent, [PER_CHAT]);
  });
});

describe('Telegram gate: the 30 s bound is only for an answer that never comes', () => {
  it('lets the next message go maxUnansweredMs after one whose answer never came, then keeps the rate', async () => {
    const gate = new TelegramGate({ logger: silentLogger });
    const start = performance.now();
    const at: number[] = [];
    // The first message is let through and never answered (a lost report).
    await gate.acquire(chat('42'), 'private');
    at.push(performance.now() - start);
    const next = async () => {
      await gate.acquire(chat('42'), 'private');
      at.push(performance.now() - start);
      setTimeout(() => gate.answered(chat('42'), 'private'), 20);
    };
    void next().then(next);
    await vi.advanceTimersByTimeAsync(DEFAULT_MAX_UNANSWERED_MS - 1);
    expect(at).toEqual([0]);
    await vi.advanceTimersByTimeAsync(RUN_FOR_MS);
    // The second goes at the bound; the third a second after the second's answer, not 30 s later.
    expect(at).toEqual([0, DEFAULT_MAX_UNANSWERED_MS, DEFAULT_MAX_UNANSWERED_MS + 20 + SECOND]);
  });

  it('holds an unanswered message’s place in a group for the group’s window, never less', async () => {
    const gate = new TelegramGate({ logger: silentLogger, perGroup: { points: 1, seconds: 60 } });
    const start = performance.now();
    await gate.acquire(chat('-100777'), 'group');
    let secondAt = Number.NaN;
    void gate.acquire(chat('-100777'), 'group').then(() => {
      secondAt = performance.now() - start;
    });
    await vi.advanceTimersByTimeAsync(RUN_FOR_MS);
    // The bound is never shorter than the window: Telegram may count the message at any time in it.
    expect(secondAt).toBe(MINUTE);
  });
});

describe('Telegram gate: a reply racing a digest to the same chat', () => {
  it('sends the digest’s parts and the reply one a second, in the order they asked', async () => {
    const gate = new TelegramGate({ logger: silentLogger });
    const start = performance.now();
    const log: { what: string; at: number }[] = [];
    const DIGEST_LATENCY_MS = 300;
    const sender: ChatSender<string> = {
      platform: 'telegram',
      render: () => ['part 1', 'part 2'],
      send: (_to, part) =>
        new Promise<SendOutcome>((resolve) => {
          log.push({ what: part, at: performance.now() - start });
          setTimeout(() => resolve({ kind: 'sent' }), DIGEST_LATENCY_MS);
        }),
    };
    const parts = new PartSender(DEFAULT_RETRY_POLICY, new AbortController().signal, silentLogger);
    const sub = subscriptionFor(chat('42'), { chatKind: 'private' });
    const path = { sender, gate };
    const digest = (async () => {
      for (const part of sender.render({ blocks: [] })) {
        expect(await parts.send(sub, path, part, 'nonce')).toEqual({ kind: 'sent' });
      }
    })();
    // The reply asks while the digest's first part is on its way (as the Replier does).
    const reply = (async () => {
      await gate.acquire(chat('42'), 'private');
      log.push({ what: 'reply', at: performance.now() - start });
      await new Promise((resolve) => setTimeout(resolve, 20));
      gate.answered(chat('42'), 'private');
    })();
    await vi.advanceTimersByTimeAsync(RUN_FOR_MS);
    await Promise.all([digest, reply]);
    expect(log).toEqual([
      { what: 'part 1', at: 0 },
      // A second after part 1's answer (at 300 ms), not part 1's start + 30 s.
      { what: 'reply', at: DIGEST_LATENCY_MS + SECOND },
      // Part 2 asked at 300 ms, after the reply: a second after the reply's answer.
      { what: 'part 2', at: DIGEST_LATENCY_MS + SECOND + 20 + SECOND },
    ]);
  });
});

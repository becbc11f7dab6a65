import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { ChatKind, ChatRef } from '../../src/core/chat.js';
import {
  CONSOLE_CONCURRENCY,
  createGates,
  DISCORD_CONCURRENCY,
  deliveryConcurrency,
  PauseGate,
} from '../../src/delivery/gates.js';
import { RETRY_AFTER_MARGIN_MS, TelegramGate } from '../../src/delivery/telegram-gate.js';
import { DRAIN_SLICE } from '../../src/delivery/window-queue.js';
import { silentLogger } from '../../src/log.js';

/** A debug logger whose lines a test can read. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const chat = (id: string): ChatRef => ({ platform: 'telegram', id });
/** Timers may fire a millisecond early; allow for it. */
const SLACK_MS = 15;

/** What a sender does with the gate: acquire, send (instantly here), report the answer. */
async function pass(gate: TelegramGate, to: ChatRef, kind?: ChatKind): Promise<void> {
  await gate.acquire(to, kind);
  gate.answered(to, kind);
}

async function timed(f: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await f();
  return performance.now() - started;
}

describe('Telegram gate', () => {
  it('lets a burst within the overall rate through at once and holds the rest for the next second', async () => {
    const gate = new TelegramGate({ maxPerSecond: 20, logger: silentLogger });
    const firstBurst = await timed(() =>
      Promise.all(Array.from({ length: 20 }, (_, i) => pass(gate, chat(String(i))))),
    );
    expect(firstBurst).toBeLessThan(200);
    const next = await timed(() => pass(gate, chat('100')));
    expect(next).toBeGreaterThan(500);
  });

  it('lets a second’s worth of waiting messages through DRAIN_SLICE per turn of the event loop, not all at once', async () => {
    const gate = new TelegramGate({ maxPerSecond: 200, logger: silentLogger });
    await Promise.all(Array.from({ length: 200 }, (_, i) => pass(gate, chat(String(i)))));
    let through = 0;
    let inFirstTurn = 0;
    let snapshot: Promise<void> = Promise.resolve();
    const afterMicrotasks = async () => {
      // Microtasks all run within the turn; the next slice needs the next turn.
      for (let i = 0; i < 20; i++) await Promise.resolve();
      inFirstTurn = through;
    };
    const waiting = Array.from({ length: 200 }, (_, i) =>
      gate.acquire(chat(String(1000 + i))).then(() => {
        through++;
        if (through === 1) snapshot = afterMicrotasks();
      }),
    );
    await Promise.all(waiting);
    await snapshot;
    expect(inFirstTurn).toBe(DRAIN_SLICE);
    expect(through).toBe(200);
  });

  it('lets DRAIN_SLICE through per turn even while the window has room for all (deliveries that waited for one digest)', async () => {
    const gate = new TelegramGate({ maxPerSecond: 1000, logger: silentLogger });
    let through = 0;
    let inFirstTurn = 0;
    // Read in the next turn's check phase, after this turn's microtasks and before its slice.
    setImmediate(() => {
      inFirstTurn = through;
    });
    // 200 at once into an empty window with room for 1,000.
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        gate.acquire(chat(String(i))).then(() => {
          through++;
        }),
      ),
    );
    expect(inFirstTurn).toBe(DRAIN_SLICE);
    expect(through).toBe(200);
  });

  it('spaces messages to one chat by its per-chat window, not other chats', async () => {
    const gate = new TelegramGate({ logger: silentLogger, perChat: { points: 1, seconds: 0.15 } });
    const sameChat = await timed(async () => {
      for (let i = 0; i < 3; i++) await pass(gate, chat('1'), 'private');
    });
    expect(sameChat).toBeGreaterThanOrEqual(300 - SLACK_MS);
    const otherChats = await timed(async () => {
      for (let i = 0; i < 3; i++) await pass(gate, chat(`9${i}`), 'private');
    });
    expect(otherChats).toBeLessThan(100);
  });

  it('limits groups (negative ids or chatKind group) per minute, and not private chats', async () => {
    const gate = new TelegramGate({
      logger: silentLogger,
      perChat: { points: 100, seconds: 1 },
      perGroup: { points: 2, seconds: 0.2 },
    });
    const group = await timed(async () => {
      for (let i = 0; i < 3; i++) await pass(gate, chat('-100123'));
    });
    expect(group).toBeGreaterThanOrEqual(200 - SLACK_MS);
    const kindGroup = await timed(async () => {
      for (let i = 0; i < 3; i++) await pass(gate, chat('555'), 'group');
    });
    expect(kindGroup).toBeGreaterThanOrEqual(200 - SLACK_MS);
    const privateChat = await timed(async () => {
      for (let i = 0; i < 3; i++) await pass(gate, chat('777'), 'private');
    });
    expect(privateChat).toBeLessThan(100);
  });

  it('counts a message from its answer: the next one to that chat waits a window after the answer', async () => {
    const gate = new TelegramGate({ logger: silentLogger, perChat: { points: 1, seconds: 0.1 } });
    await gate.acquire(chat('5'), 'private');
    // The answer comes late (a slow send); only then does the message's window start.
    await new Promise((resolve) => setTimeout(resolve, 150));
    gate.answered(chat('5'), 'private');
    const waited = await timed(() => pass(gate, chat('5'), 'private'));
    expect(waited).toBeGreaterThanOrEqual(100 - SLACK_MS);
  });

  it('holds every send for retry_after after a 429, and logs the wait', async () => {
    const { logger, lines } = capturingLogger();
    const gate = new TelegramGate({ logger });
    gate.backOff(0.2);
    expect(gate.pausedUntil).toBeGreaterThan(Date.now() + 200);
    const waited = await timed(() => pass(gate, chat('42')));
    expect(waited).toBeGreaterThanOrEqual(200 + RETRY_AFTER_MARGIN_MS - SLACK_MS);
    const warn = lines.find((l) => l.msg === 'telegram said 429: holding every send');
    expect(warn).toMatchObject({ retryAfterSeconds: 0.2 });
    const wait = lines.find((l) => l.msg === 'telegram gate wait') as
      | { waitMs: { paused: number } }
      | undefined;
    expect(wait?.waitMs.paused).toBeGreaterThanOrEqual(200 + RETRY_AFTER_MARGIN_MS - SLACK_MS);
  });

  it('logs where a message waited', async () => {
    const { logger, lines } = capturingLogger();
    const gate = new TelegramGate({ logger, perChat: { points: 1, seconds: 0.1 } });
    await pass(gate, chat('1'));
    await pass(gate, chat('1'));
    const waits = lines.filter((l) => l.msg === 'telegram gate wait') as unknown as {
      chat: string;
      waitMs: { chat: number };
    }[];
    expect(waits.at(-1)).toMatchObject({ chat: '1' });
    expect(waits.at(-1)?.waitMs.chat).toBeGreaterThan(50);
  });

  it('releases tens of thousands of messages per second when the rate allows it', async () => {
    const gate = new TelegramGate({ maxPerSecond: 1000, logger: silentLogger });
    const ms = await timed(() =>
      Promise.all(Array.from({ length: 1000 }, (_, i) => pass(gate, chat(String(i))))),
    );
    expect(ms).toBeLessThan(500);
  });
});

describe('other gates', () => {
  it('holds Discord sends only while backed off', async () => {
    const gate = new PauseGate('discord', silentLogger);
    expect(await timed(() => gate.acquire({ platform: 'discord', id: '1' }))).toBeLessThan(20);
    gate.backOff(0.1);
    expect(await timed(() => gate.acquire({ platform: 'discord', id: '1' }))).toBeGreaterThanOrEqual(
      100 - SLACK_MS,
    );
  });

  it('builds one gate per platform from the configuration', async () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: '123:abc', TELEGRAM_MAX_PER_SECOND: '100' });
    const gates = createGates(config, silentLogger);
    expect(gates.telegram).toBeInstanceOf(TelegramGate);
    expect(gates.discord).toBeInstanceOf(PauseGate);
    expect(await timed(() => gates.console.acquire({ platform: 'console', id: 'local' }))).toBeLessThan(20);
    expect(deliveryConcurrency('telegram', config)).toBe(100);
    expect(deliveryConcurrency('telegram', loadConfig({}))).toBe(30);
    expect(deliveryConcurrency('discord', config)).toBe(DISCORD_CONCURRENCY);
    expect(deliveryConcurrency('console', config)).toBe(CONSOLE_CONCURRENCY);
  });
});

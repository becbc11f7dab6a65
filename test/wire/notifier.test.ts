import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type App, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { ChatRef } from '../../src/core/chat.js';
import type { Doc } from '../../src/core/document.js';
import { renderText } from '../../src/core/render-text.js';
import type { SendOutcome } from '../../src/core/sender.js';
import { silentLogger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory.js';
import { MAX_CONSECUTIVE_FAILURES } from '../../src/wire/model.js';
import { type EditorChannel, WireNotifier } from '../../src/wire/notifier.js';
import { TestClock } from '../helpers/newsroom.js';
import { FeedServer, item, rss } from './feed-server.js';
import { makeWire } from './harness.js';

/** A channel that records what it was asked to send, answering with `answer`. */
class RecordingChannel implements EditorChannel {
  readonly platform = 'telegram' as const;
  readonly sent: { chat: ChatRef; doc: Doc }[] = [];
  answer: SendOutcome = { kind: 'sent' };
  async chatOf(userId: string): Promise<ChatRef | undefined> {
    return userId === 'nochat' ? undefined : { platform: 'telegram', id: userId };
  }
  async send(chat: ChatRef, doc: Doc): Promise<SendOutcome> {
    this.sent.push({ chat, doc });
    return this.answer;
  }
}

let server: FeedServer;
let harness: Awaited<ReturnType<typeof makeWire>> | undefined;
beforeAll(async () => {
  server = await new FeedServer().start();
});
afterAll(async () => {
  await server.stop();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe('WireNotifier', () => {
  it('sends each editor one batch per interval, of the drafts new to them, with buttons', async () => {
    harness = await makeWire();
    const w = harness;
    const channel = new RecordingChannel();
    const notifier = new WireNotifier({
      wire: w.wire,
      channels: [channel],
      editors: { telegram: ['1', '2'] },
      logger: silentLogger,
      intervalMs: 180_000,
    });
    await w.run(`/feed add ${server.serve('/n1.xml', rss('N', [item(1), item(2)]))} nft`);
    await notifier.notify(w.clock.now());
    expect(channel.sent.map((s) => s.chat.id)).toEqual(['1', '2']);
    expect(channel.sent[0]?.doc.title).toBe('📰 2 new drafts on the wire');
    expect(channel.sent[0]?.doc.actions).toHaveLength(2);

    // New drafts within the interval wait; after it, only those new to the editor are sent.
    await w.run(`/feed add ${server.serve('/n2.xml', rss('M', [item(3)]))} nft`);
    w.clock.advance(60_000);
    await notifier.notify(w.clock.now());
    expect(channel.sent).toHaveLength(2);
    w.clock.advance(180_000);
    await notifier.notify(w.clock.now());
    expect(channel.sent).toHaveLength(4);
    expect(renderText(channel.sent[2]!.doc)).toContain('1 NEW DRAFT ON THE WIRE');
    expect(renderText(channel.sent[2]!.doc)).not.toContain('Entry 2');

    // A restarted notifier (new memory of send times, stored cursors) repeats nothing.
    const restarted = new WireNotifier({
      wire: w.wire,
      channels: [channel],
      editors: { telegram: ['1', '2'] },
      logger: silentLogger,
    });
    await restarted.notify(w.clock.now());
    expect(channel.sent).toHaveLength(4);
  });

  it('keeps the batch for later on flood control, and gives up on an editor it cannot reach', async () => {
    harness = await makeWire();
    const w = harness;
    const channel = new RecordingChannel();
    const notifier = new WireNotifier({
      wire: w.wire,
      channels: [channel],
      editors: { telegram: ['1', 'nochat'] },
      logger: silentLogger,
    });
    await w.run(`/feed add ${server.serve('/n3.xml', rss('N', [item(1)]))} nft`);
    channel.answer = { kind: 'retryAfter', seconds: 5 };
    await notifier.notify(w.clock.now());
    expect(await w.wireStore.notifiedUpTo('telegram:1')).toBe(0);
    expect(await w.wireStore.notifiedUpTo('telegram:nochat')).toBe(1);
    channel.answer = { kind: 'sent' };
    await notifier.notify(w.clock.now());
    expect(await w.wireStore.notifiedUpTo('telegram:1')).toBe(1);
    expect(channel.sent.filter((s) => s.chat.id === '1')).toHaveLength(2);
  });

  it(`tells the editor who added a feed when it is paused after ${MAX_CONSECUTIVE_FAILURES} failures`, async () => {
    harness = await makeWire();
    const w = harness;
    let failing = false;
    const url = server.route('/dying.xml', (_req, res) => {
      if (failing) return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('Dying', [item(1)]));
    });
    const adder = { platform: 'telegram' as const, id: '9', name: 'Adder' };
    await w.wire.addFeed(url, 'nft', false, adder, w.clock.now());
    const channel = new RecordingChannel();
    const notifier = new WireNotifier({
      wire: w.wire,
      channels: [channel],
      editors: {},
      logger: silentLogger,
    });
    failing = true;
    for (let i = 0; i < MAX_CONSECUTIVE_FAILURES; i++) {
      w.clock.advance(10 * 60_000);
      await notifier.afterRound(await w.scheduler.tick(), w.clock.now());
    }
    expect(channel.sent.map((s) => [s.chat.id, renderText(s.doc)])).toEqual([
      [
        '9',
        '⚠️ Feed #1 (Dying) is paused: failed 10 times in a row; last: HTTP 503 Service Unavailable. Fix the source, then /feed resume 1.',
      ],
    ]);
  });
});

describe('the console editor', () => {
  let app: App | undefined;
  afterEach(async () => {
    await app?.stop();
    app = undefined;
  });

  it('sees the wire’s batches in the console, each button with the command that does the same', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => {
      printed += chunk.toString('utf8');
    });
    app = await startApp({
      config: loadConfig({ FEED_ALLOW_PRIVATE: '1' }),
      logger: silentLogger,
      clock: new TestClock('2026-11-30T02:00:00Z'),
      store: new MemoryStore(),
      input,
      output,
      wirePolling: { jitterMs: 0 },
    });
    const url = server.serve(
      '/console.xml',
      rss('Console feed', [item(1, { title: 'Miners move to Texas' })]),
    );
    input.write(`/feed add ${url} mining\n`);
    await waitFor(() => printed.includes('ADDED FEED #1'));
    await app.wireScheduler.tick();
    await waitFor(() => printed.includes('1 NEW DRAFT ON THE WIRE'));
    expect(printed).toContain('[✅ Publish 1] /wire publish 1   [✖️ Skip 1] /wire skip 1');
    input.write('/wire publish 1\n');
    await waitFor(() => printed.includes('PUBLISHED DRAFT 1 AS #'));
    input.end();
  });
});

async function waitFor(probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

import type { LookupAddress } from 'node:dns';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FetchOptions } from '../../src/wire/fetch-feed.js';
import { dueFeeds } from '../../src/wire/scheduler.js';
import { FeedServer, item, rss } from './feed-server.js';
import { EDITOR, makeWire } from './harness.js';

/** Every name resolves to this machine, so feeds can sit on many "hosts" of one test server. */
const localNames = ((_h: string, _o: unknown, cb: (e: null, a: LookupAddress[]) => void) =>
  cb(null, [{ address: '127.0.0.1', family: 4 }])) as unknown as NonNullable<FetchOptions['lookup']>;

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

/** Adds feeds straight to the store (as if added earlier), on hosts `h0.test`… */
async function addFeeds(w: Awaited<ReturnType<typeof makeWire>>, count: number, hosts: number) {
  const port = new URL(server.url('/')).port;
  for (let i = 0; i < count; i++)
    await w.wireStore.addFeed({
      url: `http://h${i % hosts}.test:${port}/slow.xml?feed=${i}`,
      auto: false,
      status: 'active',
      addedBy: EDITOR,
      addedAt: w.clock.now().toISOString(),
      failures: 0,
      entriesSeen: 0,
    });
}

describe('WireScheduler', () => {
  it('fetches at most 4 feeds at once, and one at a time per host', async () => {
    let inFlight = 0;
    let peak = 0;
    const perHost = new Map<string, number>();
    let hostPeak = 0;
    server.route('/slow.xml', (req, res) => {
      const host = String(req.headers.host);
      inFlight++;
      perHost.set(host, (perHost.get(host) ?? 0) + 1);
      peak = Math.max(peak, inFlight);
      hostPeak = Math.max(hostPeak, perHost.get(host)!);
      setTimeout(() => {
        inFlight--;
        perHost.set(host, perHost.get(host)! - 1);
        res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('Slow', [item(1)]));
      }, 40);
    });
    harness = await makeWire({ fetch: { lookup: localNames } });
    await addFeeds(harness, 16, 8);
    const outcomes = await harness.scheduler.tick();
    expect(outcomes).toHaveLength(16);
    expect(peak).toBe(4);
    expect(hostPeak).toBe(1);
  });

  it('waits a random pause of up to the jitter before each fetch', async () => {
    server.serve('/slow.xml', rss('Quick', [item(1)]));
    harness = await makeWire({ fetch: { lookup: localNames }, jitterMs: 200, random: () => 1 });
    await addFeeds(harness, 4, 4);
    const started = Date.now();
    await harness.scheduler.tick();
    const took = Date.now() - started;
    // Four hosts in parallel, each after a 200 ms pause.
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(2_000);
  });

  it('stops cleanly: pauses are cut short, no round after stop', async () => {
    server.serve('/slow.xml', rss('Quick', [item(1)]));
    harness = await makeWire({ fetch: { lookup: localNames }, jitterMs: 60_000, random: () => 1 });
    await addFeeds(harness, 2, 2);
    const round = harness.scheduler.tick();
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await harness.scheduler.stop();
    expect(await round).toEqual([]);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await harness.scheduler.tick()).toEqual([]);
  });

  it('polls nothing when this process is not the one that should', async () => {
    const { WireScheduler } = await import('../../src/wire/scheduler.js');
    const { silentLogger } = await import('../../src/log.js');
    harness = await makeWire();
    await addFeeds(harness, 1, 1);
    const follower = new WireScheduler({
      wire: harness.wire,
      clock: harness.clock,
      logger: silentLogger,
      shouldPoll: () => false,
    });
    expect(await follower.tick()).toEqual([]);
    expect((await harness.wireStore.getFeed(1))?.lastPolledAt).toBeUndefined();
  });
});

describe('dueFeeds', () => {
  const base = {
    url: 'x',
    auto: false,
    addedBy: EDITOR,
    addedAt: '2026-11-30T00:00:00Z',
    failures: 0,
    entriesSeen: 0,
  };
  it('takes active feeds never polled or polled an interval ago, the longest waiting first', () => {
    const now = new Date('2026-11-30T01:00:00Z');
    const feeds = [
      { ...base, id: 1, status: 'active' as const, lastPolledAt: '2026-11-30T00:55:00Z' },
      { ...base, id: 2, status: 'active' as const, lastPolledAt: '2026-11-30T00:50:00Z' },
      { ...base, id: 3, status: 'paused' as const },
      { ...base, id: 4, status: 'active' as const },
      { ...base, id: 5, status: 'active' as const, lastPolledAt: '2026-11-30T00:40:00Z' },
    ];
    expect(dueFeeds(feeds, now, 10).map((f) => f.id)).toEqual([4, 5, 2]);
  });
});

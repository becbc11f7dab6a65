import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryRun } from '../src/core/store.js';
import type { DeliveryStatus } from '../src/delivery/engine.js';
import { type HealthServer, startHealthServer } from '../src/health.js';
import { silentLogger } from '../src/log.js';

const RUN: DeliveryRun = {
  id: 'r1',
  startedAt: '2026-11-29T08:00:00.000Z',
  finishedAt: '2026-11-29T08:00:02.500Z',
  due: 10,
  sent: 7,
  empty: 1,
  failed: 1,
  paused: 1,
  byPlatform: { telegram: { sent: 7, failed: 1, paused: 1 } },
};

let server: HealthServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(
  adapters: { name: string; connected: boolean }[],
  status: DeliveryStatus = {},
  run?: DeliveryRun,
  cluster?: { leader: boolean; shards: number[] | null },
) {
  server = await startHealthServer({
    port: 0,
    host: '127.0.0.1',
    logger: silentLogger,
    adapters: adapters.map((a) => ({ name: a.name, isConnected: () => a.connected })),
    delivery: { status: () => status, lastRun: async () => run },
    ...(cluster && { cluster: { isLeader: () => cluster.leader, shards: () => cluster.shards } }),
  });
  return `http://127.0.0.1:${server.port}`;
}

describe('GET /healthz', () => {
  it('reports adapters, the last tick and the last run with 200 when all are connected', async () => {
    const base = await start(
      [
        { name: 'telegram', connected: true },
        { name: 'discord', connected: true },
      ],
      { lastTick: '2026-11-29T08:01:00.000Z' },
      RUN,
    );
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({
      status: 'ok',
      role: 'leader',
      leader: true,
      shards: null,
      adapters: { telegram: true, discord: true },
      lastTick: '2026-11-29T08:01:00.000Z',
      running: null,
      lastRun: {
        startedAt: RUN.startedAt,
        finishedAt: RUN.finishedAt,
        seconds: 2.5,
        due: 10,
        sent: 7,
        empty: 1,
        failed: 1,
        paused: 1,
      },
    });
  });

  it('says whether this process leads and which Discord shards it runs; a standby is still ok', async () => {
    const standby = await start([{ name: 'discord', connected: true }], {}, undefined, {
      leader: false,
      shards: [1],
    });
    const res = await fetch(`${standby}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', role: 'standby', leader: false, shards: [1] });
    await server?.close();
    const leader = await start([{ name: 'discord', connected: true }], {}, undefined, {
      leader: true,
      shards: [0, 2],
    });
    expect(await (await fetch(`${leader}/healthz`)).json()).toMatchObject({
      role: 'leader',
      leader: true,
      shards: [0, 2],
    });
  });

  it('answers 503 when an adapter is down', async () => {
    const adapters = [
      { name: 'telegram', connected: true },
      { name: 'discord', connected: false },
    ];
    const base = await start(adapters);
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({
      status: 'degraded',
      adapters: { telegram: true, discord: false },
      lastTick: null,
      lastRun: null,
    });
    adapters[1]!.connected = true;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });

  it('shows a run under way', async () => {
    const base = await start([{ name: 'console', connected: true }], {
      lastTick: '2026-11-29T08:01:00.000Z',
      running: { runId: 'r2', due: 100, sent: 40 },
    });
    expect(await (await fetch(`${base}/healthz`)).json()).toMatchObject({
      running: { runId: 'r2', due: 100, sent: 40 },
    });
  });

  it('answers 404 to anything else', async () => {
    const base = await start([]);
    expect((await fetch(`${base}/`)).status).toBe(404);
    expect((await fetch(`${base}/healthz/more`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(404);
    const head = await fetch(`${base}/healthz`, { method: 'HEAD' });
    expect(head.status).toBe(200);
  });
});

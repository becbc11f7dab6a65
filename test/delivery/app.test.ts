import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { MemoryStore } from '../../src/store/memory.js';
import { sampleSub } from '../helpers/fixtures.js';
import { TestClock } from '../helpers/newsroom.js';

/** The console app on a memory store, its output collected. */
async function consoleApp(options: { healthPort?: number; subscribed?: boolean } = {}) {
  const store = new MemoryStore();
  if (options.subscribed ?? true) {
    await store.saveSubscription(sampleSub('console:local', { startDate: '2022-01-01', time: '08:00' }));
  }
  const output = new PassThrough();
  let text = '';
  output.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const config = {
    ...loadConfig({}),
    ...(options.healthPort !== undefined && { healthPort: options.healthPort }),
  };
  const app = await startApp({
    config,
    logger: silentLogger,
    store,
    clock: new TestClock('2022-01-11T08:30:00Z'),
    input: new PassThrough(),
    output,
  });
  return { app, store, output: () => text };
}

describe('the app runs delivery', () => {
  it('delivers what fell due while it was down, at start, to the console chat', async () => {
    const { app, store, output } = await consoleApp();
    expect(app.scheduler.running).toBe(true);
    await app.scheduler.startTick();
    expect(output()).toContain('YOUR BRIEFCAST DIGEST');
    expect(output()).toContain('Phantabear');
    expect((await store.getSubscription('console:local'))?.delivery.lastDigestDate).toBe('2022-01-11');
    expect(await app.delivery.tick()).toMatchObject({ due: 0, sent: 0 });
    expect(await app.newsroom.stats().then((d) => JSON.stringify(d))).toContain('1 due, 1 sent');
    await app.stop();
    expect(app.scheduler.running).toBe(false);
  });

  it('gives every platform a gate, for adapters to pass their command replies through', async () => {
    const { app } = await consoleApp({ subscribed: false });
    expect(Object.keys(app.gates).sort()).toEqual(['console', 'discord', 'telegram']);
    await app.stop();
  });

  it('serves /healthz when HEALTH_PORT is set', async () => {
    const { app } = await consoleApp({ healthPort: 0 });
    await app.scheduler.startTick();
    const res = await fetch(`http://127.0.0.1:${app.health!.port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: 'ok',
      adapters: { console: true },
      lastTick: '2022-01-11T08:30:00.000Z',
      lastRun: { due: 1, sent: 1 },
    });
    await app.stop();
    await expect(fetch(`http://127.0.0.1:${app.health!.port}/healthz`)).rejects.toThrow();
  });

  it('refuses to start when HEALTH_PORT is taken, naming the variable', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, resolve));
    const { port } = taken.address() as AddressInfo;
    await expect(consoleApp({ healthPort: port })).rejects.toThrow(`HEALTH_PORT ${port} cannot be used`);
    await new Promise((resolve) => taken.close(resolve));
  });
});

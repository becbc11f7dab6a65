import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/log.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { sampleSub } from '../../helpers/fixtures.js';
import { TestClock } from '../../helpers/newsroom.js';
import { freePort } from './harness.js';

describe('the desk in the app', () => {
  it('runs in the bot’s process when DESK_PORT is set: /desk in the console signs in, and the deliveries page charts the last run', async () => {
    const store = new MemoryStore();
    await store.saveSubscription(sampleSub('console:local', { startDate: '2022-01-01', time: '08:00' }));
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (d: Buffer) => {
      text += d.toString();
    });
    const port = await freePort();
    const app = await startApp({
      config: loadConfig({ DESK_PORT: String(port), DESK_PUBLIC_URL: `http://127.0.0.1:${port}` }),
      logger: silentLogger,
      store,
      clock: new TestClock('2022-01-11T08:30:00Z'),
      input,
      output,
    });
    try {
      await app.scheduler.startTick();
      input.write('/desk\n');
      await expect.poll(() => /\/sign-in\/([0-9a-f]{64})/.exec(text)?.[1]).toBeDefined();
      const token = /\/sign-in\/([0-9a-f]{64})/.exec(text)![1]!;
      const signIn = await fetch(`http://127.0.0.1:${port}/sign-in`, {
        method: 'POST',
        body: new URLSearchParams({ token }),
        headers: { origin: `http://127.0.0.1:${port}` },
        redirect: 'manual',
      });
      const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
      const page = await (await fetch(`http://127.0.0.1:${port}/deliveries`, { headers: { cookie } })).text();
      expect(page).toContain('<figure class="chart">');
      expect(page).toMatch(/1 sent over \d+ s/);
    } finally {
      input.end();
      await app.stop();
    }
  });

  it('stops the start with a line naming DESK_PORT when the port is taken', async () => {
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => taken.once('listening', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      await expect(
        startApp({
          config: loadConfig({ DESK_PORT: String(port) }),
          logger: silentLogger,
          store: new MemoryStore(),
          input: new PassThrough(),
          output: new PassThrough(),
        }),
      ).rejects.toThrow(new RegExp(`^DESK_PORT ${port} cannot be used`));
    } finally {
      taken.close();
    }
  });
});

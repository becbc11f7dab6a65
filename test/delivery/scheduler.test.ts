import cron from 'node-cron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Scheduler, TICK_TASK_NAME } from '../../src/delivery/scheduler.js';
import { silentLogger } from '../../src/log.js';

const MINUTE = 60_000;

/** An engine that counts ticks; a tick lasts until `finish()` when `hold` is set. */
class CountingEngine {
  ticks = 0;
  hold = false;
  #release: (() => void) | undefined;
  async tick(): Promise<void> {
    this.ticks += 1;
    if (this.hold) await new Promise<void>((resolve) => (this.#release = resolve));
  }
  finish(): void {
    this.#release?.();
  }
}

afterEach(() => {
  vi.useRealTimers();
});

describe('scheduler', () => {
  it('ticks once at start (catch-up), then every minute, until stopped', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-29T08:00:30Z') });
    const engine = new CountingEngine();
    const scheduler = new Scheduler(engine, { logger: silentLogger });
    scheduler.start();
    await scheduler.startTick();
    expect(engine.ticks).toBe(1);
    expect(scheduler.running).toBe(true);
    expect([...cron.getTasks().values()].some((t) => t.name === TICK_TASK_NAME)).toBe(true);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(engine.ticks).toBe(2);
    await vi.advanceTimersByTimeAsync(2 * MINUTE);
    expect(engine.ticks).toBe(4);
    await scheduler.stop();
    expect(scheduler.running).toBe(false);
    expect([...cron.getTasks().values()].some((t) => t.name === TICK_TASK_NAME)).toBe(false);
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    expect(engine.ticks).toBe(4);
  });

  it('skips a minute while the previous tick is still running, rather than stacking ticks', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-29T08:00:30Z') });
    const engine = new CountingEngine();
    const scheduler = new Scheduler(engine, { logger: silentLogger });
    scheduler.start();
    await scheduler.startTick();
    engine.hold = true;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(engine.ticks).toBe(2);
    await vi.advanceTimersByTimeAsync(3 * MINUTE);
    expect(engine.ticks).toBe(2);
    engine.hold = false;
    engine.finish();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(engine.ticks).toBe(3);
    await scheduler.stop();
  });

  it('keeps going when a tick throws', async () => {
    vi.useFakeTimers({ now: new Date('2026-11-29T08:00:30Z') });
    let ticks = 0;
    const scheduler = new Scheduler(
      {
        tick: async () => {
          ticks += 1;
          throw new Error('boom');
        },
      },
      { logger: silentLogger },
    );
    scheduler.start();
    await scheduler.startTick();
    await vi.advanceTimersByTimeAsync(MINUTE);
    expect(ticks).toBe(2);
    await scheduler.stop();
  });
});

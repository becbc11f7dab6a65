import { describe, expect, it } from 'vitest';
import { MAX_STARTS_PER_TURN, runBounded, runPaged } from '../../src/delivery/queue.js';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('runBounded', () => {
  it('runs every item with at most `concurrency` at once', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await runBounded(
      Array.from({ length: 50 }, (_, i) => i),
      4,
      async (i) => {
        running++;
        most = Math.max(most, running);
        await new Promise((r) => setTimeout(r, 1));
        done.push(i);
        running--;
      },
    );
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(most).toBe(4);
  });

  it('starts at most MAX_STARTS_PER_TURN items per turn of the event loop, so 1,000 workers do not stall it', async () => {
    let started = 0;
    const run = runBounded(
      Array.from({ length: 1000 }, (_, i) => i),
      1000,
      async () => {
        started++;
        await new Promise((r) => setTimeout(r, 5));
      },
    );
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(started).toBe(MAX_STARTS_PER_TURN);
    await turn();
    expect(started).toBeLessThanOrEqual(2 * MAX_STARTS_PER_TURN);
    await run;
    expect(started).toBe(1000);
  });

  it('takes no new item once told to stop, and reports a failing item without stopping', async () => {
    const seen: number[] = [];
    const errors: number[] = [];
    let stop = false;
    await runBounded(
      Array.from({ length: 100 }, (_, i) => i),
      2,
      async (i) => {
        seen.push(i);
        if (i === 3) throw new Error('boom');
        if (i === 9) stop = true;
      },
      { shouldStop: () => stop, onError: (_e, i) => errors.push(i) },
    );
    expect(errors).toEqual([3]);
    expect(seen.length).toBeLessThan(12);
  });
});

describe('runPaged', () => {
  it('starts at most MAX_STARTS_PER_TURN items in the turn a page comes, however many workers waited for it', async () => {
    let started = 0;
    let pages = 0;
    // How many had started when the turn each page came in ended (read before the next turn's starts).
    const startedByPageTurn: number[] = [];
    const nextPage = () =>
      new Promise<number[]>((resolve) =>
        setTimeout(() => {
          pages += 1;
          const before = started;
          setImmediate(() => startedByPageTurn.push(started - before));
          resolve(pages > 2 ? [] : Array.from({ length: 500 }, (_, i) => i));
        }, 20),
      );
    const unstarted = await runPaged(nextPage, 1000, async () => {
      started++;
      await new Promise((r) => setTimeout(r, 5));
    });
    expect(unstarted).toEqual([]);
    expect(started).toBe(1000);
    // Before, every worker waiting for the page (up to 500) started in the turn it came.
    expect(startedByPageTurn.slice(0, 2).every((n) => n <= MAX_STARTS_PER_TURN)).toBe(true);
  });
});

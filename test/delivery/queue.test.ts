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

/** Pages of `size` numbered items, `count` pages, then empty ones; records each call. */
function pager(size: number, count: number) {
  const calls: { page: number; workedBefore: number; outstanding: number }[] = [];
  let worked = 0;
  let outstanding = 0;
  let served = 0;
  const nextPage = async (): Promise<number[]> => {
    const page = served++;
    outstanding++;
    calls.push({ page, workedBefore: worked, outstanding });
    await new Promise((r) => setTimeout(r, 2));
    outstanding--;
    return page < count ? Array.from({ length: size }, (_, i) => page * size + i) : [];
  };
  return { calls, nextPage, worked: () => worked, count: () => worked++ };
}

describe('runPaged', () => {
  it('works every item of every page once, asking for the next page while the current one is worked', async () => {
    const p = pager(10, 5);
    const done: number[] = [];
    const left = await runPaged(p.nextPage, 3, async (i) => {
      await new Promise((r) => setTimeout(r, 1));
      done.push(i);
      p.count();
    });
    expect(left).toEqual([]);
    expect(done.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    // Five pages and the empty one that ends the run; never two fetches at once.
    expect(p.calls.map((c) => c.page)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Math.max(...p.calls.map((c) => c.outstanding))).toBe(1);
    // The second page was asked for as soon as the first arrived, before any of its items was done.
    expect(p.calls[1]!.workedBefore).toBe(0);
  });

  it('keeps at most one page ahead of the one being worked', async () => {
    const p = pager(5, 20);
    let started = 0;
    await runPaged(p.nextPage, 2, async () => {
      started++;
      await new Promise((r) => setTimeout(r, 3));
      p.count();
    });
    // When page k is asked for, the items of pages before k-1 have all been started.
    for (const call of p.calls.slice(2)) {
      expect(call.workedBefore).toBeGreaterThanOrEqual((call.page - 2) * 5 - 2);
    }
    expect(started).toBe(100);
  });

  it('gives back the rest of the current page and the page ahead when told to stop', async () => {
    const p = pager(10, 100);
    const done: number[] = [];
    let stop = false;
    const left = await runPaged(
      p.nextPage,
      2,
      async (i) => {
        await new Promise((r) => setTimeout(r, 1));
        done.push(i);
        if (i === 4) stop = true;
      },
      { shouldStop: () => stop },
    );
    // Every item fetched is either done or given back, none both, none lost.
    const fetched = p.calls.filter((c) => c.page < 100).length * 10;
    expect(done.length + left.length).toBe(fetched);
    expect(new Set([...done, ...left]).size).toBe(fetched);
    expect(left.length).toBeGreaterThanOrEqual(10); // the page ahead, at least
    expect(p.calls.length).toBeLessThanOrEqual(2);
  });

  it('ends when a page cannot be fetched, reporting it, after working the pages before it', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const done: number[] = [];
    const left = await runPaged(
      async () => {
        calls++;
        if (calls === 3) throw new Error('database gone');
        return [calls * 10, calls * 10 + 1];
      },
      4,
      async (i) => {
        done.push(i);
      },
      { onPageError: (e) => errors.push(e) },
    );
    expect(done.sort((a, b) => a - b)).toEqual([10, 11, 20, 21]);
    expect(errors).toHaveLength(1);
    expect(calls).toBe(3);
    expect(left).toEqual([]);
  });
});

describe('runPaged and the start permits', () => {
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

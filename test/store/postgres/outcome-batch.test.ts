import { describe, expect, it } from 'vitest';
import { OutcomeBatcher, type PendingOutcome } from '../../../src/store/postgres/outcome-batch.js';

const released = (key: string, owner = 'A'): PendingOutcome => ({
  key,
  owner,
  outcome: { kind: 'released' },
});

describe('OutcomeBatcher', () => {
  it('writes outcomes added together as one batch, each caller told about its own key', async () => {
    const batches: string[][] = [];
    const batcher = new OutcomeBatcher(
      async (batch) => {
        batches.push(batch.map((p) => p.key));
        return new Set(batch.filter((p) => p.owner === 'A').map((p) => p.key));
      },
      { windowMs: 1, maxBatch: 100 },
    );
    const answers = await Promise.all([batcher.add(released('k1')), batcher.add(released('k2', 'B'))]);
    expect(answers).toEqual([true, false]);
    expect(batches).toEqual([['k1', 'k2']]);
  });

  it('writes an outcome added the moment the previous batch was answered (no lost wake-up)', async () => {
    const batcher = new OutcomeBatcher(async (batch) => new Set(batch.map((p) => p.key)), {
      windowMs: 1,
      maxBatch: 100,
    });
    // Callers a few promise turns away from the batcher, as the store's are.
    const finish = async (key: string) => batcher.add(released(key));
    const finishLater = async (key: string) => await finish(key);
    for (let i = 0; i < 50; i++) {
      expect(await finish(`k${i}`)).toBe(true);
      expect(await finishLater(`l${i}`)).toBe(true);
    }
  });

  it('puts a second outcome for one key in the next batch, and splits at maxBatch', async () => {
    const batches: string[][] = [];
    const batcher = new OutcomeBatcher(
      async (batch) => {
        batches.push(batch.map((p) => p.key));
        return new Set();
      },
      { windowMs: 1, maxBatch: 2 },
    );
    await Promise.all(['a', 'a', 'b', 'c'].map((k) => batcher.add(released(k))));
    expect(batches).toEqual([['a'], ['a', 'b'], ['c']]);
  });

  it('fails only the outcome the database refuses when a batch is refused', async () => {
    const batcher = new OutcomeBatcher(
      async (batch) => {
        if (batch.some((p) => p.key === 'bad'))
          throw Object.assign(new Error('invalid input'), { code: '22007' });
        return new Set(batch.map((p) => p.key));
      },
      { windowMs: 1, maxBatch: 100 },
    );
    const results = await Promise.allSettled(['ok1', 'bad', 'ok2'].map((k) => batcher.add(released(k))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('fails the whole batch at once when the connection stays lost', async () => {
    let writes = 0;
    const batcher = new OutcomeBatcher(
      async () => {
        writes += 1;
        throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      },
      { windowMs: 1, maxBatch: 100 },
    );
    const results = await Promise.allSettled(['a', 'b', 'c'].map((k) => batcher.add(released(k))));
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(writes).toBe(1);
  });

  it('flush() writes what waits in its window at once', async () => {
    const batcher = new OutcomeBatcher(async (batch) => new Set(batch.map((p) => p.key)), {
      windowMs: 60_000,
      maxBatch: 100,
    });
    const answer = batcher.add(released('k'));
    expect(batcher.pending).toBe(1);
    await batcher.flush();
    expect(batcher.pending).toBe(0);
    expect(await answer).toBe(true);
  });
});

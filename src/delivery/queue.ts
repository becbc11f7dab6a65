/**
 * Runs `work` on each item with at most `concurrency` running at once: `concurrency` workers pull
 * from one shared iterator, so 100,000 chats never become 100,000 promises at once. Once
 * `shouldStop()` turns true, workers take no new item and the call resolves when the ones under way
 * have finished. `work` must not throw (a rejection is passed to `onError` and the worker goes on).
 */
export async function runBounded<T>(
  items: Iterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
  options: { readonly shouldStop?: () => boolean; readonly onError?: (e: unknown, item: T) => void } = {},
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const worker = async (): Promise<void> => {
    // Each turn consumes one item of a finite iterator, so the loop ends.
    for (;;) {
      if (options.shouldStop?.()) return;
      const next = iterator.next();
      if (next.done) return;
      try {
        await work(next.value);
      } catch (e) {
        options.onError?.(e, next.value);
      }
    }
  };
  const workers = Math.max(1, Math.floor(concurrency));
  await Promise.all(Array.from({ length: workers }, worker));
}

/**
 * Items started per turn of the event loop, at most. Starting a delivery claims it and may select
 * and render its digest (about a millisecond the first time a digest is seen); 1,000 workers starting
 * at once held the event loop for 400–700 ms at 100,000 chats. Ten a turn keeps a turn short
 * while still starting thousands of items a second.
 */
export const MAX_STARTS_PER_TURN = 10;

/**
 * Hands out start permits, {@link MAX_STARTS_PER_TURN} per turn of the event loop: a worker without
 * one waits for the next turn (`setImmediate`, after timers and I/O have run).
 */
class StartPermits {
  #left = MAX_STARTS_PER_TURN;
  readonly #waiting: (() => void)[] = [];
  #refillArmed = false;

  /** Resolves when this worker may start an item. */
  take(): Promise<void> | undefined {
    this.#armRefill();
    if (this.#left > 0) {
      this.#left -= 1;
      return undefined;
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #armRefill(): void {
    if (this.#refillArmed) return;
    this.#refillArmed = true;
    setImmediate(() => {
      this.#refillArmed = false;
      this.#left = MAX_STARTS_PER_TURN;
      while (this.#left > 0 && this.#waiting.length > 0) {
        this.#left -= 1;
        this.#waiting.shift()!();
      }
      if (this.#waiting.length > 0) this.#armRefill();
    });
  }
}

/**
 * Runs `work` on each item with at most `concurrency` running at once: `concurrency` workers pull
 * from one shared iterator, so 100,000 chats never become 100,000 promises at once, and at most
 * {@link MAX_STARTS_PER_TURN} items start per turn of the event loop, so starting 1,000 workers does
 * not stall it. Once `shouldStop()` turns true, workers take no new item and the call resolves when
 * the ones under way have finished. `work` must not throw (a rejection is passed to `onError` and the
 * worker goes on).
 */
export async function runBounded<T>(
  items: Iterable<T>,
  concurrency: number,
  work: (item: T) => Promise<void>,
  options: { readonly shouldStop?: () => boolean; readonly onError?: (e: unknown, item: T) => void } = {},
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  const permits = new StartPermits();
  const worker = async (): Promise<void> => {
    // Each turn consumes one item of a finite iterator, so the loop ends.
    for (;;) {
      await permits.take();
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

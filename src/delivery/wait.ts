/** What {@link AbortRace.run} resolves to when the signal fired first. */
export const ABORTED: unique symbol = Symbol('aborted');

/**
 * Resolves to `true` after `ms` milliseconds, or to `false` as soon as `signal` aborts (at once when
 * it already has). The timer does not keep the process alive.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    timer.unref();
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Races waits (a rate limiter's queue) that shutdown should not sit through against one signal.
 * One listener serves them all: adding and removing a listener per wait — thousands a second in a
 * fan-out — cost more than the wait itself. The raced promises themselves keep running.
 */
export class AbortRace {
  readonly #waiting = new Set<() => void>();

  constructor(private readonly signal: AbortSignal) {
    signal.addEventListener(
      'abort',
      () => {
        for (const abort of this.#waiting) abort();
        this.#waiting.clear();
      },
      { once: true },
    );
  }

  /** Resolves like `promise`, or to {@link ABORTED} as soon as the signal aborts. */
  run<T>(promise: Promise<T>): Promise<T | typeof ABORTED> {
    if (this.signal.aborted) return Promise.resolve(ABORTED);
    return new Promise((resolve, reject) => {
      const abort = () => resolve(ABORTED);
      this.#waiting.add(abort);
      promise.then(
        (value) => {
          this.#waiting.delete(abort);
          resolve(value);
        },
        (e: unknown) => {
          this.#waiting.delete(abort);
          reject(e);
        },
      );
    });
  }
}

/** What {@link unlessAborted} resolves to when the signal fired first. */
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
 * Resolves like `promise`, or to {@link ABORTED} as soon as `signal` aborts; for waits (a rate
 * limiter's queue) that shutdown should not sit through. The promise itself keeps running.
 */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | typeof ABORTED> {
  if (signal.aborted) return Promise.resolve(ABORTED);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

/**
 * Bounded waits of the fake Discord: a {@link Signal} re-checks its waiters whenever something they may wait
 * for happened. Real timers: do not use under vitest fake timers.
 */

/** How long a wait lasts unless told otherwise. */
export const DEFAULT_WAIT_MS = 3_000;

/** A set of waiters re-checked whenever something they may wait for happened. */
export class Signal {
  private readonly listeners = new Set<() => void>();

  notify(): void {
    if (this.listeners.size === 0) return;
    for (const listener of [...this.listeners]) listener();
  }

  wait<T>(check: () => T | undefined, timeoutMs: number, describe: () => string): Promise<T> {
    const ready = check();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise<T>((resolve, reject) => {
      const cleanup = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
      };
      const listener = (): void => {
        let value: T | undefined;
        try {
          value = check();
        } catch (error) {
          cleanup();
          reject(error);
          return;
        }
        if (value !== undefined) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`FakeDiscord: timed out after ${timeoutMs} ms waiting for ${describe()}`));
      }, timeoutMs);
      this.listeners.add(listener);
    });
  }
}

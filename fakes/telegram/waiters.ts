/**
 * Bounded waits on the fake's state: a waiter re-checks its condition whenever the state it watches changes,
 * and rejects with a diagnostic after its timeout. Real timers: do not use under vitest fake timers.
 */

interface Waiter<T> {
  readonly check: () => T | undefined;
  readonly resolve: (value: T) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** The pending waits on one kind of event (messages sent, updates consumed, calls made). */
export class Waiters<T> {
  private readonly pending = new Set<Waiter<T>>();

  /** How many waits are pending (callers skip {@link notify} when none are). */
  get size(): number {
    return this.pending.size;
  }

  /**
   * Resolves with `check()` once it is defined (at once if it already is); rejects with `describe()` after
   * `timeoutMs`, or at once when the fake is `stopped`.
   */
  wait(check: () => T | undefined, timeoutMs: number, describe: () => string, stopped: boolean): Promise<T> {
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    if (stopped) return Promise.reject(new Error('FakeTelegram stopped'));
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter<T> = {
        check,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.pending.delete(waiter);
          reject(new Error(describe()));
        }, timeoutMs),
      };
      this.pending.add(waiter);
    });
  }

  /** Re-checks every pending wait; a check that throws rejects its wait. */
  notify(): void {
    for (const waiter of this.pending) {
      let value: T | undefined;
      try {
        value = waiter.check();
      } catch (error) {
        this.pending.delete(waiter);
        clearTimeout(waiter.timer);
        waiter.reject(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      if (value === undefined) continue;
      this.pending.delete(waiter);
      clearTimeout(waiter.timer);
      waiter.resolve(value);
    }
  }

  /** Rejects every pending wait with `error`. */
  rejectAll(error: Error): void {
    for (const waiter of this.pending) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.pending.clear();
  }
}

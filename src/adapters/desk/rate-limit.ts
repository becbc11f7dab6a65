/**
 * Counts failures per key (a client address) in fixed windows and says when a key has failed too
 * often: the desk's brake on guessing sign-in links. Bounded: past {@link FailureLimiterOptions.maxKeys}
 * keys the oldest window is forgotten first.
 */
export class FailureLimiter {
  readonly #windows = new Map<string, { start: number; failures: number }>();

  constructor(private readonly options: FailureLimiterOptions) {}

  /** Whether `key` is held back at `now` (ms since the epoch); when so, for how many more ms. */
  blocked(key: string, now: number): number | undefined {
    const window = this.#current(key, now);
    if (!window || window.failures < this.options.maxFailures) return undefined;
    return window.start + this.options.windowMs - now;
  }

  /** Records one failure of `key` at `now`. */
  fail(key: string, now: number): void {
    const window = this.#current(key, now);
    if (window) {
      window.failures++;
      return;
    }
    if (this.#windows.size >= this.options.maxKeys) {
      // Maps iterate in insertion order: the first key is the oldest window.
      const oldest = this.#windows.keys().next().value;
      if (oldest !== undefined) this.#windows.delete(oldest);
    }
    this.#windows.set(key, { start: now, failures: 1 });
  }

  #current(key: string, now: number): { start: number; failures: number } | undefined {
    const window = this.#windows.get(key);
    if (window && now - window.start >= this.options.windowMs) {
      this.#windows.delete(key);
      return undefined;
    }
    return window;
  }
}

/** How a {@link FailureLimiter} counts. */
export interface FailureLimiterOptions {
  /** Failures allowed in one window; the next attempt is refused. */
  readonly maxFailures: number;
  readonly windowMs: number;
  /** Keys remembered at most. */
  readonly maxKeys: number;
}

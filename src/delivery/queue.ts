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
  /** Turns of the event loop that refilled the permits so far: tells a worker its permit is from an earlier turn. */
  turn = 0;
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
      this.turn += 1;
      this.#left = MAX_STARTS_PER_TURN;
      while (this.#left > 0 && this.#waiting.length > 0) {
        this.#left -= 1;
        this.#waiting.shift()!();
      }
      if (this.#waiting.length > 0) this.#armRefill();
    });
  }
}

/** What stops a bounded run and where its failures go. */
export interface BoundedOptions<T> {
  /** Once true, workers take no new item. */
  readonly shouldStop?: () => boolean;
  /** A rejection of `work`; the worker goes on. */
  readonly onError?: (e: unknown, item: T) => void;
}

/**
 * `concurrency` workers, each taking the next item from `next` (`undefined`: no more) and working it,
 * at most {@link MAX_STARTS_PER_TURN} starts per turn of the event loop. A worker whose item came in
 * a later turn than its permit (it waited for a page) takes a permit again: otherwise every worker
 * that waited for a page started in the turn the page came, all at once — with a lane of 1,000 and
 * pages of 500, 500 deliveries selected, rendered and sent back to back held the event loop for
 * about 200 ms at the start of a PostgreSQL fan-out.
 */
async function runWorkers<T>(
  next: () => T | undefined | Promise<T | undefined>,
  concurrency: number,
  work: (item: T) => Promise<void>,
  options: BoundedOptions<T>,
): Promise<void> {
  const permits = new StartPermits();
  const worker = async (): Promise<void> => {
    // Each turn consumes one item of a finite source, so the loop ends.
    for (;;) {
      await permits.take();
      if (options.shouldStop?.()) return;
      const permitTurn = permits.turn;
      const item = await next();
      if (item === undefined) return;
      // The permit was for an earlier turn: this item starts in one of its own.
      if (permits.turn !== permitTurn) await permits.take();
      try {
        await work(item);
      } catch (e) {
        options.onError?.(e, item);
      }
    }
  };
  const workers = Math.max(1, Math.floor(concurrency));
  await Promise.all(Array.from({ length: workers }, worker));
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
  options: BoundedOptions<T> = {},
): Promise<void> {
  const iterator = items[Symbol.iterator]();
  await runWorkers(
    () => {
      const next = iterator.next();
      return next.done ? undefined : next.value;
    },
    concurrency,
    work,
    options,
  );
}

/**
 * {@link runBounded} over items that come in pages: `nextPage` is called when a worker needs an
 * item and none is left from the last page (once at a time, the other workers waiting for it), until
 * it returns an empty page or fails (`onPageError`). So items are fetched — and, for deliveries,
 * claimed — only as the workers get to them. Resolves to the items fetched but never started (the
 * run was told to stop), for the caller to give back.
 */
export async function runPaged<T>(
  nextPage: () => Promise<readonly T[]>,
  concurrency: number,
  work: (item: T) => Promise<void>,
  options: BoundedOptions<T> & { readonly onPageError?: (e: unknown) => void } = {},
): Promise<T[]> {
  let page: readonly T[] = [];
  let at = 0;
  let done = false;
  let fetching: Promise<void> | undefined;
  const fetch = async (): Promise<void> => {
    try {
      const fetched = await nextPage();
      if (fetched.length === 0) done = true;
      page = fetched;
      at = 0;
    } catch (e) {
      done = true;
      options.onPageError?.(e);
    }
  };
  const next = async (): Promise<T | undefined> => {
    // Each pass either takes an item or waits for a page; an empty page ends it.
    while (at >= page.length) {
      if (done) return undefined;
      fetching ??= fetch().finally(() => {
        fetching = undefined;
      });
      await fetching;
    }
    return page[at++];
  };
  await runWorkers(next, concurrency, work, options);
  return page.slice(at);
}

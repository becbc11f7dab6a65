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
 * {@link runBounded} over items that come in pages: `nextPage` is called once at a time, until it
 * returns an empty page or fails (`onPageError`). One page is fetched ahead: as soon as a page
 * arrives the next one is asked for, so the workers rarely wait for a page while the one before it
 * is worked (for deliveries: the next page is claimed while the current one is sent, and claiming is
 * not added to sending). At most two pages are out at once: the one being worked and the one ahead.
 * Resolves to the items fetched but never started (the run was told to stop: the rest of the current
 * page and the page ahead), for the caller to give back.
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
  /** The page ahead; `undefined` in it: the fetch failed (reported), so there are no more. */
  let ahead: Promise<readonly T[] | undefined> | undefined;
  const fetchAhead = (): void => {
    if (done || ahead !== undefined || options.shouldStop?.()) return;
    ahead = nextPage().then(
      (fetched) => fetched,
      (e: unknown) => {
        options.onPageError?.(e);
        return undefined;
      },
    );
  };
  /** Makes the page ahead the current one (fetching it first if none is ahead) and asks for the next. */
  const turnPage = async (): Promise<void> => {
    fetchAhead();
    if (ahead === undefined) {
      done = true; // told to stop: nothing more is fetched
      return;
    }
    const fetched = await ahead;
    ahead = undefined;
    if (fetched === undefined || fetched.length === 0) {
      done = true;
      return;
    }
    page = fetched;
    at = 0;
    fetchAhead();
  };
  let turning: Promise<void> | undefined;
  const next = async (): Promise<T | undefined> => {
    // Each pass either takes an item or turns a page; an empty page (or a stop) ends it.
    while (at >= page.length) {
      if (done) return undefined;
      turning ??= turnPage().finally(() => {
        turning = undefined;
      });
      await turning;
    }
    return page[at++];
  };
  await runWorkers(next, concurrency, work, options);
  const unstarted = page.slice(at);
  const left = ahead === undefined ? undefined : await ahead;
  if (left !== undefined) unstarted.push(...left);
  return unstarted;
}

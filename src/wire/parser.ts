import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { AnyFeed } from 'feedsmith';
import { type FeedDocument, feedDocumentOf } from './feed-document.js';

/**
 * Limits on parsing one feed. Entries past {@link PARSE_LIMITS.maxEntries} are not read (feeds list
 * the newest first, and a feed with 10,000 entries is either an archive or an attack); the parser
 * runs in a worker thread with its own heap limit and a deadline, so a hostile document costs at
 * most that much time and memory, and the bot's event loop — replies, deliveries — never waits on it.
 */
export const PARSE_LIMITS = {
  maxEntries: 500,
  /** feedsmith takes about 1.3 s for 10,000 entries (2 MB) on the project's machine. */
  timeoutMs: 10_000,
  /** A 5 MB document parses into well under this. */
  heapMb: 256,
  /** The worker is ended after this long without work, and started again when needed. */
  idleMs: 30_000,
} as const;

/** A feed that could not be parsed; its message is the sentence `/feed list` shows. */
export class FeedParseError extends Error {
  override readonly name = 'FeedParseError';
}

/** Options for {@link FeedParser}. */
export interface FeedParserOptions {
  readonly maxEntries?: number;
  readonly timeoutMs?: number;
  readonly heapMb?: number;
  readonly idleMs?: number;
}

type WorkerReply =
  | { readonly ok: true; readonly parsed: AnyFeed }
  | { readonly ok: false; readonly error: string };

/**
 * The worker's code: feedsmith's `parseFeed` on each message, the result (or the error's message)
 * posted back. It is a module of its own given as a data URL, so it runs the same under `tsx`,
 * vitest and the built JavaScript (a `.ts` worker file would need a loader in the worker too).
 * feedsmith parses with fast-xml-parser's `processEntities: false`: DTD entities are never
 * expanded, so a billion-laughs document or an external entity reads as literal `&name;` text.
 */
function workerSource(feedsmithUrl: string): string {
  return `
import { parentPort } from 'node:worker_threads';
import { parseFeed } from ${JSON.stringify(feedsmithUrl)};
parentPort.on('message', ({ text, maxEntries }) => {
  let reply;
  try {
    const { format, feed } = parseFeed(text, { maxItems: maxEntries });
    reply = { ok: true, parsed: { format, feed } };
  } catch (error) {
    reply = { ok: false, error: String(error && error.message ? error.message : error) };
  }
  parentPort.postMessage(reply);
});`;
}

const FEEDSMITH_URL = pathToFileURL(createRequire(import.meta.url).resolve('feedsmith')).href;

/** feedsmith's messages, as an editor should read them. */
function reasonOf(error: string): string {
  if (/unrecognized feed format/i.test(error)) return 'not an RSS, Atom or JSON feed';
  if (/invalid feed format/i.test(error)) return 'not a well-formed RSS, Atom or RDF feed';
  return `unparsable (${error.slice(0, 120)})`;
}

interface Job {
  readonly text: string;
  readonly resolve: (doc: FeedDocument) => void;
  readonly reject: (error: FeedParseError) => void;
}

/**
 * Parses feeds one at a time in a worker thread (started when first needed, ended when idle or when a
 * parse overruns its deadline or heap, and started afresh for the next). Several feeds parse in
 * turn, so the bot uses one extra core at most.
 */
export class FeedParser {
  readonly #maxEntries: number;
  readonly #timeoutMs: number;
  readonly #heapMb: number;
  readonly #idleMs: number;
  readonly #queue: Job[] = [];
  #worker: Worker | undefined;
  #busy = false;
  #idleTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: FeedParserOptions = {}) {
    this.#maxEntries = options.maxEntries ?? PARSE_LIMITS.maxEntries;
    this.#timeoutMs = options.timeoutMs ?? PARSE_LIMITS.timeoutMs;
    this.#heapMb = options.heapMb ?? PARSE_LIMITS.heapMb;
    this.#idleMs = options.idleMs ?? PARSE_LIMITS.idleMs;
  }

  /**
   * Parses a decoded feed.
   * @throws FeedParseError when it is no feed, is malformed, or overran the time or memory limit
   */
  parse(text: string): Promise<FeedDocument> {
    if (this.#closed) return Promise.reject(new FeedParseError('the parser is closed'));
    return new Promise((resolve, reject) => {
      this.#queue.push({ text, resolve, reject });
      this.#next();
    });
  }

  /** Ends the worker; parses waiting are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new FeedParseError('the parser is closed'));
    clearTimeout(this.#idleTimer);
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }

  #start(): Worker {
    const worker = new Worker(
      new URL(`data:text/javascript,${encodeURIComponent(workerSource(FEEDSMITH_URL))}`),
      {
        resourceLimits: { maxOldGenerationSizeMb: this.#heapMb },
      },
    );
    // The worker never keeps the process alive; shutdown does not wait for it.
    worker.unref();
    return worker;
  }

  #next(): void {
    if (this.#busy) return;
    const job = this.#queue.shift();
    if (job === undefined) {
      clearTimeout(this.#idleTimer);
      this.#idleTimer = setTimeout(() => void this.#retire(), this.#idleMs);
      this.#idleTimer.unref();
      return;
    }
    clearTimeout(this.#idleTimer);
    this.#busy = true;
    if (this.#worker === undefined) this.#worker = this.#start();
    const worker = this.#worker;
    let settled = false;
    const finish = (outcome: { doc: FeedDocument } | { error: FeedParseError }, broken: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (broken) {
        if (this.#worker === worker) this.#worker = undefined;
        void worker.terminate();
      }
      this.#busy = false;
      if ('doc' in outcome) job.resolve(outcome.doc);
      else job.reject(outcome.error);
      this.#next();
    };
    const onMessage = (reply: WorkerReply) => {
      if (!reply.ok) return finish({ error: new FeedParseError(reasonOf(reply.error)) }, false);
      try {
        finish({ doc: feedDocumentOf(reply.parsed, this.#maxEntries) }, false);
      } catch (e) {
        finish({ error: new FeedParseError(`unparsable (${(e as Error).message})`) }, false);
      }
    };
    const onError = (error: Error) => {
      const oom = (error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
      finish(
        {
          error: new FeedParseError(
            oom
              ? `too large to parse (over ${this.#heapMb} MB of memory)`
              : `the parser failed (${error.message})`,
          ),
        },
        true,
      );
    };
    const onExit = () => finish({ error: new FeedParseError('the parser stopped') }, true);
    const timer = setTimeout(
      () =>
        finish(
          { error: new FeedParseError(`took longer than ${Math.round(this.#timeoutMs / 1000)} s to parse`) },
          true,
        ),
      this.#timeoutMs,
    );
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage({ text: job.text, maxEntries: this.#maxEntries });
  }

  async #retire(): Promise<void> {
    if (this.#busy || this.#queue.length > 0) return;
    const worker = this.#worker;
    this.#worker = undefined;
    await worker?.terminate();
  }
}

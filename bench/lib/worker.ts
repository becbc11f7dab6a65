import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/**
 * Benchmark parts run in their own processes (the fake platform in one, each sender in another, so
 * that neither steals the other's core). A worker is a module that calls {@link serve} with its
 * handlers; the parent starts it with {@link Worker.start} and calls the handlers over Node's IPC
 * channel. Every call has a timeout, and {@link Worker.close} always ends the process.
 */

/** A worker's handlers: each takes one structured-clonable argument and resolves to one. */
export type Handlers = Record<string, (args: never) => Promise<unknown>>;

interface Request {
  readonly id: number;
  readonly method: string;
  readonly args: unknown;
}

type Reply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: string };

/** How long a worker may take to exit after its channel closed before it is killed. */
const EXIT_GRACE_MS = 5_000;
/** The last this many characters of a worker's output are kept for error messages. */
const OUTPUT_TAIL_CHARS = 4_000;

/**
 * The child side: answers the parent's calls with `handlers`, and exits when the parent goes away
 * (the channel closes), so a crashed parent never leaves a worker behind.
 */
export function serve(handlers: Handlers): void {
  if (process.send === undefined) throw new Error('a bench worker must be started by Worker.start');
  process.on('message', (message: Request) => {
    const handler = handlers[message.method];
    const reply = (r: Reply) => process.send?.(r);
    if (handler === undefined) {
      reply({ id: message.id, ok: false, error: `no handler ${message.method}` });
      return;
    }
    handler(message.args as never).then(
      (value) => reply({ id: message.id, ok: true, value }),
      (e: unknown) =>
        reply({ id: message.id, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

/** Options of {@link Worker.start}. */
export interface WorkerOptions {
  /** Extra Node options, e.g. `--cpu-prof`. */
  readonly nodeOptions?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** The parent side of a worker process. */
export class Worker {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #output = '';
  #exited = false;

  private constructor(
    readonly name: string,
    child: ChildProcess,
  ) {
    this.#child = child;
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (reply: Reply) => {
      const pending = this.#pending.get(reply.id);
      if (pending === undefined) return;
      this.#pending.delete(reply.id);
      if (reply.ok) pending.resolve(reply.value);
      else pending.reject(new Error(`${this.name}: ${reply.error}`));
    });
    child.on('exit', (code, signal) => {
      this.#exited = true;
      const error = new Error(`${this.name} exited (${signal ?? code}); its output ends:\n${this.#output}`);
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    });
  }

  /** Starts `module` (a `.ts` file run through tsx) as a worker process. */
  static start(name: string, module: URL, options: WorkerOptions = {}): Worker {
    const child = fork(fileURLToPath(module), [], {
      execArgv: ['--import', 'tsx', ...(options.nodeOptions ?? [])],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ...options.env },
    });
    return new Worker(name, child);
  }

  /** The process id (for notes). */
  get pid(): number | undefined {
    return this.#child.pid;
  }

  /** What the worker printed last (its logs), for diagnosis. */
  get outputTail(): string {
    return this.#output;
  }

  /** Calls a handler of the worker; rejects on its error, its exit, or after `timeoutMs`. */
  call<T>(method: string, args: unknown, timeoutMs: number): Promise<T> {
    if (this.#exited) return Promise.reject(new Error(`${this.name} has exited:\n${this.#output}`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`${this.name}.${method} took longer than ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.#child.send({ id, method, args } satisfies Request);
    });
  }

  /** Ends the worker: closes its channel (it exits by itself), then kills it if it lingers. */
  async close(): Promise<void> {
    if (this.#exited) return;
    const exited = once(this.#child, 'exit');
    if (this.#child.connected) this.#child.disconnect();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), EXIT_GRACE_MS);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

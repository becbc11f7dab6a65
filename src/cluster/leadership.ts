import { createHash } from 'node:crypto';
import pg from 'pg';
import type { Logger } from '../log.js';

/**
 * The advisory lock key every Briefcast process on one database competes for: the first 8 bytes of
 * SHA-256('briefcast-leader') as a signed 64-bit integer (what `pg_try_advisory_lock(bigint)` takes).
 * Fixed, so processes of any version agree; distinct from node-pg-migrate's migration lock.
 */
export const LEADER_LOCK_KEY: bigint = createHash('sha256')
  .update('briefcast-leader')
  .digest()
  .readBigInt64BE(0);

/** @see LeadershipOptions.retryMs */
export const DEFAULT_LEADER_RETRY_MS = 5_000;
/** @see LeadershipOptions.checkMs */
export const DEFAULT_LEADER_CHECK_MS = 2_000;
/** @see LeadershipOptions.checkTimeoutMs */
export const DEFAULT_LEADER_CHECK_TIMEOUT_MS = 2_000;
/** How long connecting the lock's connection may take before the attempt counts as failed. */
const CONNECT_TIMEOUT_MS = 5_000;

/**
 * How PostgreSQL notices that the leader's machine or network is gone, set on the lock's session
 * (`SET` works for any user): keepalive probes after 3 s idle, every 1 s, 3 unanswered → the
 * connection is dead 6 s after the last traffic; data unacknowledged for 6 s (`tcp_user_timeout`,
 * PostgreSQL 12+) ends it too. Then the backend exits and the lock is free. A killed process
 * (`kill -9`) needs none of this: its kernel closes the socket and the lock is freed at once.
 */
export const SERVER_KEEPALIVE_SETTINGS = {
  tcp_keepalives_idle: '3',
  tcp_keepalives_interval: '1',
  tcp_keepalives_count: '3',
  tcp_user_timeout: '6000',
} as const;

/** The timers leadership waits with; tests may pass their own. */
export interface LeadershipTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemTimers: LeadershipTimers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** What a process does when it gains or loses leadership. */
export interface LeadershipListener {
  /** This process now leads: start delivering. */
  onLead(): void;
  /** This process no longer leads (or never did, after a failed attempt): stop delivering now. */
  onStandBy(): void;
}

/** Whether this process leads, and the means to stop competing. */
export interface Leadership {
  /** `'lock'`: an advisory lock on PostgreSQL; `'sole'`: one process, it always leads. */
  readonly kind: 'lock' | 'sole';
  /** Makes the first attempt (resolved once it is decided) and keeps trying or checking after. */
  start(listener: LeadershipListener): Promise<void>;
  isLeader(): boolean;
  /** Gives leadership up (the lock is unlocked, its connection closed) and stops trying. */
  stop(): Promise<void>;
}

/**
 * Without `DATABASE_URL` there is one process (the lowdb folder lock refuses a second): it always
 * leads, and no lock is taken.
 */
export function soleLeadership(): Leadership {
  let leading = false;
  let listener: LeadershipListener | undefined;
  return {
    kind: 'sole',
    async start(l) {
      listener = l;
      leading = true;
      l.onLead();
    },
    isLeader: () => leading,
    async stop() {
      if (!leading) return;
      leading = false;
      listener?.onStandBy();
    },
  };
}

/** Options for {@link LockLeadership}. */
export interface LockLeadershipOptions {
  /** `DATABASE_URL`. */
  readonly url: string;
  readonly logger: Logger;
  /** While standing by, the lock is tried this often (`LEADER_RETRY_SECONDS`). @defaultValue {@link DEFAULT_LEADER_RETRY_MS} */
  readonly retryMs?: number;
  /** While leading, the lock's connection is checked this often. @defaultValue {@link DEFAULT_LEADER_CHECK_MS} */
  readonly checkMs?: number;
  /** A check that takes longer than this counts as a lost connection. @defaultValue {@link DEFAULT_LEADER_CHECK_TIMEOUT_MS} */
  readonly checkTimeoutMs?: number;
  /** @defaultValue {@link LEADER_LOCK_KEY} */
  readonly key?: bigint;
  /** @defaultValue the system's (unref'd, so they never keep the process alive) */
  readonly timers?: LeadershipTimers;
}

/**
 * Leadership by a PostgreSQL session advisory lock (`pg_try_advisory_lock`), held on a connection of
 * its own (never the store's pool: a pooled connection is handed to others, and the lock with it).
 *
 * Standing by, it tries the lock at start and every `retryMs`. Leading, it runs `SELECT 1` on the
 * lock's connection every `checkMs`; an error, a closed connection or a check slower than
 * `checkTimeoutMs` makes it step down at once (`onStandBy`), close that connection and try again on
 * a new one. How fast a standby takes over from a dead leader is bounded by:
 * - `kill -9` or a crash: the kernel closes the socket, PostgreSQL frees the lock at once; the
 *   standby takes it at its next try, within `retryMs` (5 s);
 * - the leader's machine or network gone: PostgreSQL ends the session after
 *   {@link SERVER_KEEPALIVE_SETTINGS} (6 s), then within `retryMs`: at most 11 s.
 * The old leader, cut off, fails its check within `checkMs + checkTimeoutMs` (4 s), before
 * PostgreSQL frees the lock (6 s), so two processes never deliver at once on purpose; what a cut-off
 * leader had in flight is the claims' business (a digest is recorded only under its claim).
 */
export class LockLeadership implements Leadership {
  readonly kind = 'lock';
  readonly #url: string;
  readonly #log: Logger;
  readonly #retryMs: number;
  readonly #checkMs: number;
  readonly #checkTimeoutMs: number;
  readonly #key: string;
  readonly #timers: LeadershipTimers;
  #listener: LeadershipListener | undefined;
  #client: pg.Client | undefined;
  #leading = false;
  #stopped = false;
  #timer: unknown;
  /** The attempt or check under way, awaited by {@link stop}. */
  #busy: Promise<void> = Promise.resolve();

  constructor(options: LockLeadershipOptions) {
    this.#url = options.url;
    this.#log = options.logger.child({ part: 'leadership' });
    this.#retryMs = options.retryMs ?? DEFAULT_LEADER_RETRY_MS;
    this.#checkMs = options.checkMs ?? DEFAULT_LEADER_CHECK_MS;
    this.#checkTimeoutMs = options.checkTimeoutMs ?? DEFAULT_LEADER_CHECK_TIMEOUT_MS;
    this.#key = String(options.key ?? LEADER_LOCK_KEY);
    this.#timers = options.timers ?? systemTimers;
  }

  async start(listener: LeadershipListener): Promise<void> {
    this.#listener = listener;
    await this.#run(() => this.#attempt());
  }

  isLeader(): boolean {
    return this.#leading;
  }

  /** The PostgreSQL backend pid of the lock's connection (tests terminate it), if connected. */
  get backendPid(): number | undefined {
    return (this.#client as (pg.Client & { processID?: number }) | undefined)?.processID;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#timers.clearTimeout(this.#timer);
    await this.#busy;
    const client = this.#client;
    this.#client = undefined;
    const wasLeading = this.#leading;
    this.#leading = false;
    if (client) {
      if (wasLeading) {
        // Closing the session frees the lock anyway; unlocking first says so at once, in the log too.
        await client.query('SELECT pg_advisory_unlock($1)', [this.#key]).catch(() => undefined);
      }
      await client.end().catch(() => undefined);
    }
    if (wasLeading) {
      this.#log.info('stepped down: stopping');
      this.#listener?.onStandBy();
    }
  }

  /** Runs one step (attempt or check) at a time, so `stop()` can wait for the one under way. */
  #run(step: () => Promise<void>): Promise<void> {
    const run = this.#busy
      .then(step)
      .catch((e: unknown) => this.#log.error({ err: e }, 'leadership step failed'));
    this.#busy = run;
    return run;
  }

  #schedule(ms: number, step: () => Promise<void>): void {
    if (this.#stopped) return;
    this.#timers.clearTimeout(this.#timer);
    this.#timer = this.#timers.setTimeout(() => void this.#run(step), ms);
  }

  /** Connects if need be and tries the lock: leads on success, else stands by and tries later. */
  async #attempt(): Promise<void> {
    if (this.#stopped || this.#leading) return;
    try {
      const client = this.#client ?? (await this.#connect());
      const result = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        this.#key,
      ]);
      if (this.#stopped || client !== this.#client) return;
      if (result.rows[0]?.locked === true) {
        this.#leading = true;
        this.#log.info({ key: this.#key }, 'leading: this process delivers');
        this.#listener?.onLead();
        this.#schedule(this.#checkMs, () => this.#check());
        return;
      }
    } catch (e) {
      this.#log.warn({ err: e, retryMs: this.#retryMs }, 'could not try the leader lock; trying again');
      this.#drop();
    }
    this.#schedule(this.#retryMs, () => this.#attempt());
  }

  /** While leading: the lock's connection must answer `SELECT 1` in time, or leadership is lost. */
  async #check(): Promise<void> {
    const client = this.#client;
    if (this.#stopped || !this.#leading || client === undefined) return;
    let timer: unknown;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = this.#timers.setTimeout(() => resolve('timeout'), this.#checkTimeoutMs);
    });
    try {
      const answer = await Promise.race([client.query('SELECT 1').then(() => 'ok' as const), timeout]);
      if (answer === 'timeout') throw new Error(`no answer within ${this.#checkTimeoutMs} ms`);
    } catch (e) {
      if (client === this.#client) this.#lost(e);
      return;
    } finally {
      this.#timers.clearTimeout(timer);
    }
    this.#schedule(this.#checkMs, () => this.#check());
  }

  async #connect(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: 'briefcast-leader',
      // Our side: notice a dead server even between checks.
      keepAlive: true,
      keepAliveInitialDelayMillis: 1_000,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    // A connection that dies (terminated, server gone) says so here, between queries too.
    client.on('error', (e) => {
      if (client === this.#client) this.#lost(e);
    });
    client.on('end', () => {
      if (client === this.#client && !this.#stopped) this.#lost(new Error('the connection closed'));
    });
    this.#client = client;
    try {
      await client.connect();
      for (const [name, value] of Object.entries(SERVER_KEEPALIVE_SETTINGS)) {
        await client.query(`SELECT set_config($1, $2, false)`, [name, value]);
      }
    } catch (e) {
      this.#drop();
      throw e;
    }
    return client;
  }

  /** Leadership's connection failed: stand by at once, then try again on a new connection. */
  #lost(error: unknown): void {
    const wasLeading = this.#leading;
    this.#leading = false;
    this.#drop();
    if (wasLeading) {
      this.#log.warn({ err: error }, 'lost the leader lock connection: standing by');
      this.#listener?.onStandBy();
    }
    // Not at once, and later than any standby's next try (each tries every `retryMs`): a standby whose
    // connection is healthy takes the lock first.
    if (!this.#stopped) this.#schedule(wasLeading ? 2 * this.#retryMs : this.#retryMs, () => this.#attempt());
  }

  /** Forgets the lock's connection and closes it without waiting (it may be dead). */
  #drop(): void {
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.removeAllListeners('end');
      // A late error from a connection we dropped must not crash the process.
      client.removeAllListeners('error');
      client.on('error', () => {});
      // Not `end()` alone: on a silent network it would wait for the server's goodbye for minutes.
      void client.end().catch(() => undefined);
      client.connection.stream.destroy();
    }
  }
}

import { type AddressInfo, connect, createServer, type Socket } from 'node:net';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../../fakes/postgres.js';
import {
  LEADER_LOCK_KEY,
  type Leadership,
  LockLeadership,
  type LockLeadershipOptions,
  soleLeadership,
} from '../../src/cluster/leadership.js';
import { freshDatabase } from '../helpers/postgres.js';

const logger = pino({ level: 'silent' });
/** Short intervals, so a failover takes well under a second here. */
const FAST = { retryMs: 100, checkMs: 50, checkTimeoutMs: 500 } as const;

/** A leadership that records its turns, and can wait for the next one. */
function contender(options: Partial<LockLeadershipOptions> & { url: string }) {
  const leadership = new LockLeadership({ logger, ...FAST, ...options });
  const turns: ('lead' | 'standBy')[] = [];
  const waiters: (() => void)[] = [];
  const note = (turn: 'lead' | 'standBy') => {
    turns.push(turn);
    for (const w of waiters.splice(0)) w();
  };
  return {
    leadership,
    turns,
    start: () => leadership.start({ onLead: () => note('lead'), onStandBy: () => note('standBy') }),
    /** Resolves once `isLeader()` is `want`, or rejects after `ms`. */
    async until(want: boolean, ms = 5_000): Promise<number> {
      const started = performance.now();
      while (leadership.isLeader() !== want) {
        if (performance.now() - started > ms)
          throw new Error(`not ${want ? 'leading' : 'standing by'} after ${ms} ms`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 20);
        });
      }
      return performance.now() - started;
    },
  };
}

/** Samples both every few ms and remembers whether both ever led at once. */
function watchOverlap(a: Leadership, b: Leadership) {
  let both = 0;
  let samples = 0;
  const timer = setInterval(() => {
    samples += 1;
    if (a.isLeader() && b.isLeader()) both += 1;
  }, 2);
  return {
    stop() {
      clearInterval(timer);
      return { both, samples };
    },
  };
}

async function terminate(adminUrl: string, pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

describe('leadership by advisory lock', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  const running: LockLeadership[] = [];
  const track = <T extends { leadership: LockLeadership }>(c: T) => {
    running.push(c.leadership);
    return c;
  };

  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterEach(async () => {
    for (const l of running.splice(0)) await l.stop();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('derives one fixed 64-bit key from "briefcast-leader"', () => {
    expect(LEADER_LOCK_KEY).toBe(-3_870_398_613_611_195_808n);
    expect(LEADER_LOCK_KEY >= -(2n ** 63n) && LEADER_LOCK_KEY < 2n ** 63n).toBe(true);
  });

  it('lets exactly one of two processes lead', async () => {
    const a = track(contender({ url: db.url }));
    const b = track(contender({ url: db.url }));
    await a.start();
    await b.start();
    expect(a.leadership.isLeader()).toBe(true);
    expect(b.leadership.isLeader()).toBe(false);
    expect(a.turns).toEqual(['lead']);
    expect(b.turns).toEqual([]);
    // The standby keeps trying; it still does not lead.
    await new Promise((r) => setTimeout(r, FAST.retryMs * 3));
    expect(b.leadership.isLeader()).toBe(false);
  });

  it("hands over when the leader stops, and the lock is held on a connection of the leader's own", async () => {
    const a = track(contender({ url: db.url }));
    const b = track(contender({ url: db.url }));
    await a.start();
    await b.start();
    const pid = a.leadership.backendPid;
    expect(pid).toBeTypeOf('number');
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    const held = await admin.query<{ pid: number; app: string }>(
      `SELECT l.pid, a.application_name AS app FROM pg_locks l JOIN pg_stat_activity a USING (pid)
        WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    await admin.end();
    expect(held.rows).toEqual([{ pid, app: 'briefcast-leader' }]);

    const overlap = watchOverlap(a.leadership, b.leadership);
    await a.leadership.stop();
    expect(a.turns).toEqual(['lead', 'standBy']);
    const ms = await b.until(true);
    expect(ms).toBeLessThan(FAST.retryMs + 1_000);
    expect(overlap.stop().both).toBe(0);
    expect(b.turns).toEqual(['lead']);
  });

  it('steps down when its connection is terminated, and the standby leads within the bound; never two leaders', async () => {
    const a = track(contender({ url: db.url }));
    const b = track(contender({ url: db.url }));
    await a.start();
    await b.start();
    const overlap = watchOverlap(a.leadership, b.leadership);
    await terminate(db.url, a.leadership.backendPid ?? 0);
    await a.until(false, 2_000);
    const ms = await b.until(true, 2_000);
    // The standby's next try (retryMs) plus a connection's round trips.
    expect(ms).toBeLessThan(FAST.retryMs + 1_000);
    expect(a.turns).toEqual(['lead', 'standBy']);
    // The old leader reconnects and stands by; it does not take the lock back.
    await new Promise((r) => setTimeout(r, FAST.retryMs * 4));
    expect(a.leadership.isLeader()).toBe(false);
    const { both, samples } = overlap.stop();
    expect(samples).toBeGreaterThan(50);
    expect(both).toBe(0);
    // And it takes over in turn when the new leader goes.
    await b.leadership.stop();
    await a.until(true);
  });

  it('stands by, and keeps trying, while the database is unreachable', async () => {
    const a = track(contender({ url: 'postgres://briefcast@127.0.0.1:1/none' }));
    await a.start();
    expect(a.leadership.isLeader()).toBe(false);
    expect(a.turns).toEqual([]);
  });
});

/**
 * A TCP relay to PostgreSQL that can go silent (a network that stops carrying packets without closing
 * anything) and later cut the server's side (PostgreSQL's keepalives giving up on it).
 */
async function startRelay(target: number) {
  const pairs: { client: Socket; server: Socket }[] = [];
  let silent = false;
  const relay = createServer((client) => {
    const server = connect(target, '127.0.0.1');
    pairs.push({ client, server });
    client.on('data', (d) => {
      if (!silent) server.write(d);
    });
    server.on('data', (d) => {
      if (!silent) client.write(d);
    });
    const end = () => {
      client.destroy();
      server.destroy();
    };
    client.on('error', end);
    server.on('error', end);
    client.on('close', () => server.destroy());
    server.on('close', () => {
      if (!silent) client.destroy();
    });
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const { port } = relay.address() as AddressInfo;
  return {
    port,
    goSilent() {
      silent = true;
    },
    /** The server's side of every relayed connection ends, as its keepalives would end it. */
    cutServerSide() {
      for (const { server } of pairs) server.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const { client, server } of pairs) {
          client.destroy();
          server.destroy();
        }
        relay.close(() => resolve());
      }),
  };
}

describe('leadership over a network that goes silent', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('steps down when its check gets no answer, before the server frees the lock for the standby', async () => {
    const url = new URL(db.url);
    const relay = await startRelay(Number(url.port));
    const viaRelay = new URL(db.url);
    viaRelay.port = String(relay.port);
    const a = contender({ url: viaRelay.toString(), checkTimeoutMs: 200 });
    const b = contender({ url: db.url });
    try {
      await a.start();
      await b.start();
      expect(a.leadership.isLeader()).toBe(true);
      const overlap = watchOverlap(a.leadership, b.leadership);
      relay.goSilent();
      // The check (every 50 ms) times out after 200 ms: the leader stands by on its own.
      const ms = await a.until(false, 2_000);
      expect(ms).toBeLessThan(FAST.checkMs + 200 + 500);
      expect(b.leadership.isLeader()).toBe(false);
      // PostgreSQL ends the silent session (its keepalives): the standby takes over.
      relay.cutServerSide();
      await b.until(true, 2_000);
      expect(overlap.stop().both).toBe(0);
    } finally {
      await a.leadership.stop();
      await b.leadership.stop();
      await relay.close();
    }
  });
});

describe('leadership when the server goes away', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    server = await startPostgres({ fast: true });
  }, 30_000);
  afterAll(async () => {
    await server.stop();
  });

  it('steps down at once when the server dies', async () => {
    const a = contender({ url: server.url });
    await a.start();
    expect(a.leadership.isLeader()).toBe(true);
    await server.stop();
    await a.until(false, 2_000);
    expect(a.turns).toEqual(['lead', 'standBy']);
    await a.leadership.stop();
  });
});

describe('one process without a database', () => {
  it('always leads, with no lock', async () => {
    const sole = soleLeadership();
    const turns: string[] = [];
    await sole.start({ onLead: () => turns.push('lead'), onStandBy: () => turns.push('standBy') });
    expect(sole.isLeader()).toBe(true);
    await sole.stop();
    expect(sole.isLeader()).toBe(false);
    expect(turns).toEqual(['lead', 'standBy']);
  });
});

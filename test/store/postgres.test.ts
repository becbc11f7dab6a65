import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort as closedPort } from '../../fakes/shared/listen.js';
import { searchItems } from '../../src/core/search.js';
import type { DueQuery } from '../../src/core/store.js';
import { NO_DELIVERY } from '../../src/core/subscription.js';
import { silentLogger } from '../../src/log.js';
import { StoreError } from '../../src/store/json-file.js';
import { MemoryStore } from '../../src/store/memory.js';
import { MIGRATIONS_TABLE } from '../../src/store/postgres/migrate.js';
import { DEFAULT_RETRY, isRetryable, type RetryPolicy, retryDelays } from '../../src/store/postgres/retry.js';
import { PostgresStore, type PostgresStoreOptions } from '../../src/store/postgres/store.js';
import { MemoryWireStore } from '../../src/wire/memory-store.js';
import { sampleSub } from '../helpers/fixtures.js';
import { freshDatabase } from '../helpers/postgres.js';
import { recordingLogger } from '../helpers/recording-logger.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Generous: a cold `tsx` start on a busy 2-core machine. */
const MAIN_TIMEOUT_MS = 20_000;
const DATE = '2026-11-29';
const NOW = '2026-11-29T08:00:00.000Z';
/** Short waits, so a test of the retries takes a second, not thirty. */
const QUICK_RETRY: RetryPolicy = { firstDelayMs: 50, maxDelayMs: 200, giveUpAfterMs: 5_000 };

function due(owner: string, limit = 100): DueQuery {
  return {
    cutoffs: [{ timezone: 'UTC', date: DATE, time: '08:00' }],
    platforms: ['telegram', 'discord', 'console'],
    owner,
    expiresAt: '2026-11-29T08:10:00.000Z',
    now: NOW,
    limit,
  };
}

/** Resolves when `lines` has one that `match` accepts (polled on a short interval, bounded). */
async function lineMatching(
  lines: Array<Record<string, unknown>>,
  match: (line: Record<string, unknown>) => boolean,
): Promise<Record<string, unknown>> {
  for (let i = 0; i < 500; i++) {
    const found = lines.find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('no such log line');
}

/** Runs `node --import tsx src/main.ts` (what `npm start` runs) with `input` on stdin. */
function runMain(input: string, env: Record<string, string>) {
  const dir = mkdtempSync(path.join(tmpdir(), 'briefcast-pg-main-'));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? dir,
        DATABASE_FILE: path.join(dir, 'db.json'),
        LOG_LEVEL: 'silent',
        ...env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main did not exit; stdout:\n${stdout}\nstderr:\n${stderr}`));
    }, MAIN_TIMEOUT_MS);
    child.on('exit', (code) => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

const databases: Array<{ drop(): Promise<void> }> = [];
let opened: PostgresStore[] = [];
let proxies: TcpProxy[] = [];
afterEach(async () => {
  for (const store of opened) await store.close().catch(() => undefined);
  for (const proxy of proxies) await proxy.close();
  opened = [];
  proxies = [];
});
afterAll(async () => {
  for (const db of databases.splice(0)) await db.drop();
});

async function database() {
  const db = await freshDatabase();
  databases.push(db);
  return db;
}

async function open(url: string, over: Partial<PostgresStoreOptions> = {}): Promise<PostgresStore> {
  const store = await PostgresStore.open(url, { logger: silentLogger, wire: new MemoryWireStore(), ...over });
  opened.push(store);
  return store;
}

describe('PostgresStore at start', () => {
  it('stops the start with one line naming host and port, never the password, when the database is down', async () => {
    const port = await closedPort();
    const url = `postgres://briefcast:hunter2-secret@127.0.0.1:${port}/briefcast`;
    const error = await PostgresStore.open(url, { logger: silentLogger, wire: new MemoryWireStore() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreError);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^PostgreSQL at 127\\.0\\.0\\.1:${port} cannot be reached: `));
    expect(message).not.toContain('\n');
    expect(message).not.toContain('hunter2');
  });

  it('makes `npm start` print that one line and exit non-zero', async () => {
    const port = await closedPort();
    const { code, stderr } = await runMain('', {
      DATABASE_URL: `postgres://briefcast:hunter2-secret@127.0.0.1:${port}/briefcast`,
    });
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^Cannot start: PostgreSQL at 127\\.0\\.0\\.1:${port} cannot be reached: `),
      ),
    ]);
    expect(stderr).not.toContain('hunter2');
  });

  it('runs the app on it: what the console posts is there at the next start', async () => {
    const db = await database();
    const first = await runMain('/post policy 存于数据库的标题\\\n正文\n', { DATABASE_URL: db.url });
    expect(first.code).toBe(0);
    const second = await runMain('/topic policy 1\n', { DATABASE_URL: db.url });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('存于数据库的标题');
  });

  it('applies the migrations once: a second open finds them applied and the data kept', async () => {
    const db = await database();
    const first = await open(db.url);
    const item = await first.addItem({
      topic: 'policy',
      headline: '政策 新闻',
      body: '正文',
      author: { platform: 'console', id: 'e', name: 'Editor' },
      publishedAt: NOW,
      updatedAt: NOW,
    });
    await first.close();
    const { logger, lines } = recordingLogger();
    // Two processes starting together: the runner's advisory lock lets one apply, the other wait.
    const [a, b] = await Promise.all([open(db.url, { logger }), open(db.url, { logger })]);
    expect(lines.some((l) => l.msg === 'database schema updated')).toBe(false);
    expect(await a.getItem(item.id)).toEqual(item);
    expect(await b.getItem(item.id)).toEqual(item);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY id`,
      );
      expect(rows.map((r) => r.name)).toContain('001_core');
      expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
    } finally {
      await client.end();
    }
  });
});

describe('PostgresStore dates', () => {
  it('reads dates as YYYY-MM-DD even when the database’s DateStyle is another', async () => {
    const db = await database();
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      await admin.query(`ALTER DATABASE ${db.name} SET DateStyle = 'SQL, DMY'`);
    } finally {
      await admin.end();
    }
    const store = await open(db.url);
    await store.importSubscriptions([
      { settings: sampleSub('telegram:1'), delivery: { ...NO_DELIVERY, lastDigestDate: '2026-11-28' } },
    ]);
    const [claimed] = await store.claimDue(due('A'));
    expect(claimed).toMatchObject({
      date: DATE,
      delivery: { lastDigestDate: '2026-11-28', claim: { date: DATE } },
    });
  });
});

describe('PostgresStore claims from several processes', () => {
  it('never gives one delivery to two stores on one database, each with its own pool', async () => {
    const db = await database();
    const a = await open(db.url, { poolSize: 4 });
    const b = await open(db.url, { poolSize: 4 });
    const keys = Array.from({ length: 1500 }, (_, i) => `telegram:${i}`);
    await a.importSubscriptions(keys.map((key) => ({ settings: sampleSub(key), delivery: NO_DELIVERY })));
    // Four claimers per store, small pages, all at once; each finishes what it claims.
    const claimer = async (store: PostgresStore, owner: string) => {
      const mine: string[] = [];
      for (let page = 0; page < 1000; page++) {
        const claimed = await store.claimDue(due(owner, 25));
        if (claimed.length === 0) return mine;
        for (const c of claimed) expect(c.delivery.claim?.owner).toBe(owner);
        mine.push(...claimed.map((c) => c.settings.key));
        const finished = await Promise.all(
          claimed.map((c) =>
            store.finishDelivery(c.settings.key, owner, { kind: 'sent', date: DATE, upTo: NOW, at: NOW }),
          ),
        );
        expect(finished.every(Boolean)).toBe(true);
      }
      throw new Error('claimDue kept returning deliveries');
    };
    const results = await Promise.all([
      ...['a1', 'a2', 'a3', 'a4'].map((o) => claimer(a, o)),
      ...['b1', 'b2', 'b3', 'b4'].map((o) => claimer(b, o)),
    ]);
    const all = results.flat();
    expect(all).toHaveLength(keys.length);
    expect(new Set(all)).toEqual(new Set(keys));
    expect(results.slice(0, 4).flat().length).toBeGreaterThan(0);
    expect(results.slice(4).flat().length).toBeGreaterThan(0);
    const page = await b.subscriptionPage({ limit: 2000 });
    expect(page.records.every((r) => r.delivery.sent === 1 && r.delivery.claim === undefined)).toBe(true);
  });
});

describe('PostgresStore outcomes', () => {
  it('writes outcomes recorded together in a few statements, each caller told about its own claim', async () => {
    const db = await database();
    const { logger, lines } = recordingLogger();
    const store = await open(db.url, { logger });
    const keys = Array.from({ length: 60 }, (_, i) => `telegram:${i}`);
    await store.importSubscriptions(keys.map((key) => ({ settings: sampleSub(key), delivery: NO_DELIVERY })));
    expect(await store.claimDue(due('A'))).toHaveLength(60);
    const results = await Promise.all(
      keys.map((key, i) =>
        // Every third caller is not the owner: it must hear `false` while its neighbours hear `true`.
        store.finishDelivery(key, i % 3 === 0 ? 'B' : 'A', { kind: 'sent', date: DATE, upTo: NOW, at: NOW }),
      ),
    );
    expect(results).toEqual(keys.map((_, i) => i % 3 !== 0));
    const batches = lines.filter((l) => l.msg === 'delivery outcomes written');
    expect(batches.reduce((n, l) => n + (l.outcomes as number), 0)).toBe(60);
    expect(batches.length).toBeLessThanOrEqual(3);
    expect((await store.getSubscription('telegram:1'))?.delivery).toMatchObject({
      sent: 1,
      lastDigestDate: DATE,
    });
    expect((await store.getSubscription('telegram:0'))?.delivery.claim?.owner).toBe('A');
  });

  it('gives the second of two outcomes for one delivery `false`, even within one batch window', async () => {
    const db = await database();
    const store = await open(db.url);
    await store.saveSubscription(sampleSub('telegram:1'));
    await store.claimDue(due('A'));
    const [first, second] = await Promise.all([
      store.finishDelivery('telegram:1', 'A', { kind: 'sent', date: DATE, upTo: NOW, at: NOW }),
      store.finishDelivery('telegram:1', 'A', { kind: 'failed', reason: 'x', retryAt: NOW }),
    ]);
    expect([first, second]).toEqual([true, false]);
    expect((await store.getSubscription('telegram:1'))?.delivery).toMatchObject({ sent: 1, failed: 0 });
  });

  it('fails only the caller of an outcome the database refuses, not the rest of its batch', async () => {
    const db = await database();
    const store = await open(db.url);
    for (const key of ['telegram:1', 'telegram:2', 'telegram:3'])
      await store.saveSubscription(sampleSub(key));
    await store.claimDue(due('A'));
    const [one, two, three] = await Promise.allSettled([
      store.finishDelivery('telegram:1', 'A', { kind: 'sent', date: DATE, upTo: NOW, at: NOW }),
      store.finishDelivery('telegram:2', 'A', { kind: 'sent', date: '2026-13-45', upTo: NOW, at: NOW }),
      store.finishDelivery('telegram:3', 'A', { kind: 'empty', date: DATE, upTo: NOW }),
    ]);
    expect(one).toEqual({ status: 'fulfilled', value: true });
    expect(two.status).toBe('rejected');
    expect(three).toEqual({ status: 'fulfilled', value: true });
    expect((await store.getSubscription('telegram:2'))?.delivery.claim?.owner).toBe('A');
  });

  it('writes every kind of outcome in one statement, each as its own kind', async () => {
    const db = await database();
    const { logger, lines } = recordingLogger();
    const store = await open(db.url, { logger });
    const keys = ['telegram:1', 'telegram:2', 'telegram:3', 'telegram:4'];
    await store.importSubscriptions(keys.map((key) => ({ settings: sampleSub(key), delivery: NO_DELIVERY })));
    expect(await store.claimDue(due('A'))).toHaveLength(4);
    const retryAt = '2026-11-29T09:30:00.000Z';
    expect(
      await Promise.all([
        store.finishDelivery('telegram:1', 'A', { kind: 'sent', date: DATE, upTo: NOW, at: NOW }),
        store.finishDelivery('telegram:2', 'A', { kind: 'empty', date: DATE, upTo: NOW }),
        store.finishDelivery('telegram:3', 'A', { kind: 'failed', reason: 'timeout', retryAt }),
        store.finishDelivery('telegram:4', 'A', { kind: 'released' }),
      ]),
    ).toEqual([true, true, true, true]);
    expect(lines.filter((l) => l.msg === 'delivery outcomes written')).toHaveLength(1);
    const delivery = async (key: string) => (await store.getSubscription(key))?.delivery;
    expect(await delivery('telegram:1')).toEqual({
      cursor: NOW,
      lastDigestDate: DATE,
      sent: 1,
      failed: 0,
      lastSentAt: NOW,
    });
    expect(await delivery('telegram:2')).toEqual({ cursor: NOW, lastDigestDate: DATE, sent: 0, failed: 0 });
    expect(await delivery('telegram:3')).toEqual({ sent: 0, failed: 1, lastError: 'timeout', retryAt });
    expect(await delivery('telegram:4')).toEqual({ sent: 0, failed: 0 });
  });

  it('claims an older missed day only at or after its time, as today’s (the walk ends at the cutoff)', async () => {
    const db = await database();
    const store = await open(db.url);
    const seed = (key: string, time: string, lastDigestDate: string) => ({
      settings: sampleSub(key, { time }),
      delivery: { ...NO_DELIVERY, lastDigestDate },
    });
    await store.importSubscriptions([
      seed('telegram:1', '07:00', '2026-11-27'), // missed yesterday, time passed: due
      seed('telegram:2', '09:00', '2026-11-27'), // missed yesterday, time to come: not yet
      seed('telegram:3', '08:00', '2026-11-28'), // today's, at the cutoff: due
      seed('telegram:4', '08:01', '2026-11-28'), // today's, a minute later: not yet
      seed('telegram:5', '06:00', DATE), // had today's
    ]);
    const claimed = await store.claimDue(due('A'));
    expect(claimed.map((c) => c.settings.key).sort()).toEqual(['telegram:1', 'telegram:3']);
    expect(claimed.map((c) => c.date)).toEqual([DATE, DATE]);
  });

  it('keeps the claim path’s schema: the due index by zone and platform, room for HOT claims', async () => {
    const db = await database();
    await open(db.url);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ def: string; options: string[] | null }>(
        `SELECT pg_get_indexdef('deliveries_due'::regclass) AS def,
           (SELECT reloptions FROM pg_class WHERE relname = 'deliveries') AS options`,
      );
      expect(rows[0]?.def).toContain('(timezone, platform, due_from, delivery_time) WHERE active');
      expect(rows[0]?.options).toEqual(['fillfactor=80']);
    } finally {
      await client.end();
    }
  });

  it('flush() waits for the outcomes still in their batch window', async () => {
    const db = await database();
    const store = await open(db.url, { outcomeBatch: { windowMs: 60_000 } });
    await store.saveSubscription(sampleSub('telegram:1'));
    await store.claimDue(due('A'));
    const recorded = store.finishDelivery('telegram:1', 'A', { kind: 'empty', date: DATE, upTo: NOW });
    await store.flush();
    expect((await store.getSubscription('telegram:1'))?.delivery.lastDigestDate).toBe(DATE);
    expect(await recorded).toBe(true);
  });
});

describe('PostgresStore search', () => {
  it('finds items by words and by Chinese text in SQL, as the in-memory search does', async () => {
    const db = await database();
    const store = await open(db.url);
    const memory = new MemoryStore();
    const drafts = [
      {
        headline: '央行宣布降准 0.5 个百分点',
        body: '中国人民银行今日宣布下调存款准备金率。',
        sourceName: '新华社',
      },
      {
        headline: 'Bitcoin miners move to Texas',
        body: 'Hashrate grows; ＢＴＣ fees fall.',
        sourceName: 'Reuters',
      },
      { headline: '比特币矿工迁往德州', body: '算力增长，手续费下降。' },
      { headline: 'NFT market 100% down?', body: 'Prices fell by half_way.' },
    ];
    for (const [i, d] of drafts.entries()) {
      const fields = {
        topic: i % 2 ? 'mining' : 'policy',
        ...d,
        author: { platform: 'console' as const, id: 'e', name: 'Editor' },
        publishedAt: `2026-11-2${i}T08:00:00.000Z`,
        updatedAt: `2026-11-2${i}T08:00:00.000Z`,
      };
      await store.addItem(fields);
      await memory.addItem(fields);
    }
    for (const query of [
      '降准',
      '人民银行 存款',
      '比特币',
      'btc',
      'BITCOIN texas',
      '新华社',
      '100%',
      'half_way',
      '_',
      '矿工 Texas',
      '无此词',
    ]) {
      const [fromSql, inMemory] = await Promise.all([searchItems(store, query), searchItems(memory, query)]);
      expect(fromSql, query).toEqual(inMemory);
    }
    expect((await searchItems(store, '降准')).items.map((i) => i.id)).toEqual([1]);
    expect((await searchItems(store, 'btc')).items.map((i) => i.id)).toEqual([2]);
    // LIKE's wildcards are matched as themselves.
    expect((await searchItems(store, '_')).items.map((i) => i.id)).toEqual([4]);
    expect((await searchItems(store, '%')).items.map((i) => i.id)).toEqual([4]);
    const limited = await searchItems(store, 'e', 1);
    expect(limited.items.map((i) => i.id)).toEqual([4]);
    expect(limited.total).toBe((await searchItems(memory, 'e')).total);
    // An edit is searched by its new words.
    await store.replaceItem({ ...(await store.getItem(3))!, headline: '以太坊矿工' });
    expect((await searchItems(store, '以太坊')).items.map((i) => i.id)).toEqual([3]);
    expect((await searchItems(store, '比特币')).total).toBe(0);
  });
});

describe('PostgresStore item counts', () => {
  it('counts a topic’s items from the kept counts as a full count would, through adds, edits, deletes and imports (one and many at once)', async () => {
    const db = await database();
    const store = await open(db.url);
    const memory = new MemoryStore();
    const author = { platform: 'console' as const, id: 'e', name: 'Editor' };
    const item = (topic: string, day: number) => ({
      topic,
      headline: `${topic} ${day}`,
      body: 'b',
      author,
      publishedAt: `2026-11-${String(day).padStart(2, '0')}T08:00:00.000Z`,
      updatedAt: `2026-11-${String(day).padStart(2, '0')}T08:00:00.000Z`,
    });
    for (const s of [store, memory]) {
      for (let day = 1; day <= 9; day++) await s.addItem(item(day % 3 === 0 ? 'policy' : 'mining', day));
      // Published later than the queries' `upTo`: counted in the topic, not before it.
      await s.addItem(item('mining', 28));
      await s.replaceItem({ ...(await s.getItem(1))!, topic: 'nft' });
      await s.replaceItem({ ...(await s.getItem(2))!, headline: 'edited, same topic' });
      await s.deleteItem(4);
    }
    // Imported (an id of its own) into the store; added to the memory one, after the queries' `upTo`
    // so that only counts see it.
    await store.importItems([{ ...item('policy', 26), id: 50 }]);
    await memory.addItem(item('policy', 26));
    const upTo = '2026-11-25T00:00:00.000Z';
    for (const query of [
      { topics: ['mining'], upTo, limit: 5 },
      { topics: ['policy', 'nft'], upTo, limit: 1 },
      { topics: ['mining'], limit: 2 },
      { upTo, limit: 1 },
      { limit: 0 },
      { topics: ['none'], upTo, limit: 5 },
      { topics: ['mining'], from: '2026-11-05T00:00:00.000Z', upTo, limit: 1 },
    ]) {
      const [fromSql, inMemory] = await Promise.all([store.queryItems(query), memory.queryItems(query)]);
      expect(fromSql, JSON.stringify(query)).toEqual(inMemory);
    }
    expect(await store.topicStats()).toEqual(await memory.topicStats());
    // One multi-row import: a replacement that changes its item's topic and two new items, counted
    // by the statement's triggers (005) as a full count would.
    for (const s of [store, memory]) {
      await s.importItems([
        { ...item('nft', 2), id: 2 },
        { ...item('policy', 20), id: 60 },
        { ...item('policy', 21), id: 61 },
      ]);
    }
    expect(await store.topicStats()).toEqual(await memory.topicStats());
    // A topic whose every item is gone is not listed, as with a count of its items (item 1, moved to
    // nft, is deleted; item 2, imported into nft, keeps that topic listed).
    await store.deleteItem(1);
    await memory.deleteItem(1);
    expect(await store.topicStats()).toEqual(await memory.topicStats());
    expect(Object.keys(await store.topicStats()).sort()).toEqual(['mining', 'nft', 'policy']);
  });
});

describe('PostgresStore item import', () => {
  const author = { platform: 'console' as const, id: 'e', name: 'Editor' };
  const fields = (publishedAt: string, headline = publishedAt) => ({
    topic: 'mining',
    headline,
    body: 'b',
    author,
    publishedAt,
    updatedAt: publishedAt,
  });

  it('keeps imported ids; later ids go above the largest and never reuse one handed out', async () => {
    const db = await database();
    const store = await open(db.url);
    for (const day of ['01', '02', '03']) await store.addItem(fields(`2026-01-${day}T00:00:00.000Z`));
    await store.deleteItem(3);
    await store.importItems([{ ...fields('2026-01-02T00:00:00.000Z', '二号'), id: 2 }]);
    expect((await store.addItem(fields('2026-01-04T00:00:00.000Z'))).id).toBe(4);
    await store.importItems([{ ...fields('2025-12-31T00:00:00.000Z', '四十'), id: 40 }]);
    expect((await store.addItem(fields('2026-01-05T00:00:00.000Z'))).id).toBe(41);
    expect((await store.getItem(2))?.headline).toBe('二号');
    expect((await searchItems(store, '四十')).items.map((i) => i.id)).toEqual([40]);
  });

  it('starts after the imported ids in an empty store', async () => {
    const db = await database();
    const store = await open(db.url);
    await store.importItems([]);
    await store.importItems([{ ...fields('2026-01-02T00:00:00.000Z'), id: 7 }]);
    expect((await store.addItem(fields('2026-01-03T00:00:00.000Z'))).id).toBe(8);
  });
});

describe('PostgresStore on a lost connection', () => {
  /** A store on a new database, connected through a proxy the test can cut, logging to `lines`. */
  async function storeBehindProxy(retry: RetryPolicy) {
    const db = await database();
    const proxy = await startTcpProxy(Number(new URL(db.url).port));
    proxies.push(proxy);
    const url = new URL(db.url);
    url.port = String(proxy.port);
    const { logger, lines } = recordingLogger();
    const store = await open(url.toString(), { logger, retry });
    return { proxy, store, lines };
  }

  it('retries with backoff while the database is unreachable and answers once it is back', async () => {
    const { proxy, store, lines } = await storeBehindProxy(QUICK_RETRY);
    await store.saveSubscription(sampleSub('telegram:1'));
    await store.claimDue(due('A'));
    proxy.cut();
    const read = store.getSubscription('telegram:1');
    const finished = store.finishDelivery('telegram:1', 'A', {
      kind: 'sent',
      date: DATE,
      upTo: NOW,
      at: NOW,
    });
    // Back up only once the store has said it is retrying.
    const retry = await lineMatching(lines, (l) => l.msg === 'database connection lost; retrying');
    expect(retry).toMatchObject({ level: 40, attempt: 1, delayMs: QUICK_RETRY.firstDelayMs });
    proxy.restore();
    expect((await read)?.settings.key).toBe('telegram:1');
    expect(await finished).toBe(true);
    expect((await store.getSubscription('telegram:1'))?.delivery.sent).toBe(1);
  });

  it('retries a whole transaction (a chat move) across a cut connection', async () => {
    const { proxy, store, lines } = await storeBehindProxy(QUICK_RETRY);
    await store.saveSubscription(sampleSub('telegram:-5'));
    await store.saveChatPrefs('telegram:-5', { language: 'zh-CN' });
    proxy.cut();
    const moved = store.moveChat(
      { platform: 'telegram', id: '-5' },
      { platform: 'telegram', id: '-1005' },
      NOW,
    );
    await lineMatching(lines, (l) => l.msg === 'database connection lost; retrying' && l.what === 'moveChat');
    proxy.restore();
    expect(await moved).toEqual([{ from: 'telegram:-5', to: 'telegram:-1005', kind: 'moved' }]);
    expect(await store.getChatPrefs('telegram:-1005')).toEqual({ language: 'zh-CN' });
    expect(await store.getSubscription('telegram:-5')).toBeUndefined();
  });

  it('gives up after the bounded waits, with the connection error', async () => {
    const { proxy, store, lines } = await storeBehindProxy({
      firstDelayMs: 20,
      maxDelayMs: 40,
      giveUpAfterMs: 100,
    });
    proxy.cut();
    const error = await store.getSubscription('telegram:1').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRetryable(error)).toBe(true);
    expect(lines.filter((l) => l.msg === 'database connection lost; retrying').map((l) => l.delayMs)).toEqual(
      [20, 40, 40],
    );
  });

  it('carries on when the server terminates its connections (pg_terminate_backend)', async () => {
    const db = await database();
    const store = await open(db.url, { poolSize: 3, retry: QUICK_RETRY });
    await store.saveSubscription(sampleSub('telegram:1'));
    await Promise.all([1, 2, 3].map(() => store.getSubscription('telegram:1')));
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ n: number }>(
        'SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [db.name],
      );
      expect(rows[0]?.n).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
    const answers = await Promise.all([
      store.getSubscription('telegram:1'),
      store.claimDue(due('A')),
      store.subscriptionCounts(),
    ]);
    expect(answers[0]?.settings.key).toBe('telegram:1');
    expect(answers[1].map((c) => c.settings.key)).toEqual(['telegram:1']);
    expect(answers[2]).toEqual({ telegram: { active: 1, paused: 0 } });
  });
});

describe('the retry policy', () => {
  it('waits 0.5 s doubling to 5 s, about 30 s in all', () => {
    expect(retryDelays(DEFAULT_RETRY)).toEqual([500, 1000, 2000, 4000, 5000, 5000, 5000, 5000]);
  });

  it('retries lost connections and a server shutting down, nothing else', () => {
    expect(isRetryable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(isRetryable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isRetryable(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(true);
    expect(isRetryable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isRetryable(Object.assign(new Error('syntax error'), { code: '42601' }))).toBe(false);
    expect(isRetryable('nope')).toBe(false);
  });
});

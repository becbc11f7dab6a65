import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort as closedPort } from '../../fakes/shared/listen.js';
import type { Item } from '../../src/core/items.js';
import type { DeliveryRun, Store } from '../../src/core/store.js';
import { NO_DELIVERY } from '../../src/core/subscription.js';
import { silentLogger } from '../../src/log.js';
import { LowdbStore } from '../../src/store/lowdb.js';
import { MemoryStore } from '../../src/store/memory.js';
import { MigrateStoreError, migrateStore, parseMigrateArgs } from '../../src/store/migrate-store.js';
import { PostgresStore } from '../../src/store/postgres/store.js';
import { PostgresWireStore } from '../../src/store/postgres/wire-store.js';
import type { WireBatch } from '../../src/wire/store.js';
import { sampleSub, TEST_AUTHOR } from '../helpers/fixtures.js';
import { freshDatabase } from '../helpers/postgres.js';

const SCRIPT = path.resolve(import.meta.dirname, '../../src/store/migrate-store.ts');
const HOLDER = path.resolve(import.meta.dirname, 'lock-holder.ts');
const TSX_LOADER = import.meta.resolve('tsx');
const AT = '2026-11-30T02:00:00.000Z';
const EDITOR = { platform: 'telegram' as const, id: '7', name: 'Ed' };

let dir: string;
let child: ChildProcess | undefined;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefcast-migrate-'));
});
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
  }
  child = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const item = (publishedAt: string, topic = 'mining'): Omit<Item, 'id'> => ({
  topic,
  headline: `${topic} ${publishedAt}`,
  body: 'Body.',
  author: TEST_AUTHOR,
  publishedAt,
  updatedAt: publishedAt,
});

const run = (id: string): DeliveryRun => ({
  id,
  startedAt: AT,
  finishedAt: AT,
  due: 2,
  sent: 1,
  empty: 1,
  failed: 0,
  paused: 0,
  byPlatform: { telegram: { sent: 1, failed: 0, paused: 0 } },
});

/**
 * A lowdb store with some of everything, closed: items over three months (seven at one instant, more
 * than a page of three), a deleted one, subscriptions with delivery records, a chat's language
 * without a subscription, runs, the desk's key, a sign-in link and a session, and a wire with a
 * removed feed, a paused one, seen keys, decided drafts and cursors.
 */
async function filledLowdb(file: string): Promise<void> {
  const store = await LowdbStore.open(file, { logger: silentLogger, writeDelayMs: 5 });
  for (const day of ['2026-09-30', '2026-10-15', '2026-11-01'])
    await store.addItem(item(`${day}T08:00:00.000Z`));
  for (let i = 0; i < 7; i++) await store.addItem(item('2026-11-02T09:00:00.000Z', 'nft'));
  const doomed = await store.addItem(item('2026-11-03T09:00:00.000Z'));
  await store.deleteItem(doomed.id);
  await store.addItem(item('2026-11-04T09:00:00.000Z', 'policy'));
  await store.importSubscriptions([
    {
      settings: sampleSub('telegram:1', { topics: ['mining'], time: '07:30', timezone: 'Asia/Shanghai' }),
      delivery: {
        ...NO_DELIVERY,
        cursor: AT,
        lastDigestDate: '2026-11-29',
        sent: 12,
        failed: 1,
        lastSentAt: AT,
      },
    },
  ]);
  for (const key of ['discord:2', 'telegram:3', 'telegram:4', 'console:local'])
    await store.saveSubscription(sampleSub(key));
  await store.pauseSubscription('telegram:4', 'bot was blocked', AT);
  await store.saveChatPrefs('telegram:1', { language: 'zh-CN' });
  await store.saveChatPrefs('telegram:99', { language: 'en' });
  for (const id of ['r1', 'r2', 'r3']) await store.addRun(run(id));
  await store.deskSigningKey('the-desk-key');
  await store.addSignInToken({
    hash: 'h1',
    user: EDITOR,
    createdAt: AT,
    expiresAt: '2026-12-30T02:00:00.000Z',
  });
  await store.addSession({ hash: 's1', user: EDITOR, createdAt: AT, expiresAt: '2026-12-30T02:00:00.000Z' });

  const wire = store.wire;
  const feedInput = (url: string) => ({
    url,
    auto: false,
    status: 'active' as const,
    addedBy: EDITOR,
    addedAt: AT,
    failures: 0,
    entriesSeen: 0,
  });
  const gone = await wire.addFeed(feedInput('https://gone.example/rss'));
  const feed = await wire.addFeed({ ...feedInput('https://news.example/rss'), topic: 'mining', auto: true });
  const draft = (key: string) => ({ feedId: feed.id, key, headline: key, body: 'b', createdAt: AT });
  await wire.recordPoll(feed.id, ['a', 'b', 'c', 'd'], ['a', 'b', 'c'].map(draft), {
    entriesSeen: 3,
    etag: '"e"',
  });
  await wire.decideDraft(1, { state: 'published', by: EDITOR, at: AT, auto: true });
  await wire.setDraftItem(1, 4);
  await wire.decideDraft(2, { state: 'skipped', by: EDITOR, at: AT });
  await wire.updateFeed(feed.id, { status: 'paused', pausedReason: 'by an editor', pausedBy: EDITOR });
  await wire.setNotifiedUpTo('telegram:7', 3);
  await wire.deleteFeed(gone.id);
  await store.close();
}

/** Everything a store answers, to compare two stores. */
async function contents(store: Store) {
  const items = await store.queryItems({});
  const subscriptions = await store.subscriptionPage({ limit: 100 });
  const batches: WireBatch[] = [];
  for await (const batch of store.wire.exportWire(100)) batches.push(batch);
  return {
    items: items.items,
    topics: await store.topicStats(),
    subscriptions: subscriptions.records,
    prefs: [await store.getChatPrefs('telegram:1'), await store.getChatPrefs('telegram:99')],
    runs: await store.recentRuns(50),
    wire: batches,
  };
}

describe('migrateStore', () => {
  it('copies a lowdb store into memory, a page at a time, ids and meaning kept', async () => {
    const file = path.join(dir, 'db.json');
    await filledLowdb(file);
    const source = await LowdbStore.open(file, { logger: silentLogger });
    const target = new MemoryStore();
    try {
      const counts = await migrateStore(source, target, { logger: silentLogger, pageSize: 3 });
      expect(counts).toEqual({
        items: 11,
        subscriptions: 5,
        chatPrefs: 2,
        runs: 3,
        deskSigningKey: true,
        feeds: 1,
        seenKeys: 4,
        drafts: 3,
        editorCursors: 1,
        droppedSignInLinks: 1,
        droppedDeskSessions: 1,
      });
      expect(await contents(target)).toEqual(await contents(source));
      expect(await target.getSubscription('telegram:1')).toMatchObject({
        delivery: { cursor: AT, lastDigestDate: '2026-11-29', sent: 12, failed: 1 },
      });
      expect(await target.getSubscription('telegram:4')).toMatchObject({ settings: { status: 'paused' } });
      expect(await target.deskSigningKey('another')).toBe('the-desk-key');
      expect(await target.getSession('s1')).toBeUndefined();
      expect(await target.wire.getFeed(2)).toMatchObject({ status: 'paused', pausedBy: EDITOR, etag: '"e"' });
      expect(await target.wire.getDraft(1)).toMatchObject({ state: 'published', auto: true, itemId: 4 });
      expect(await target.wire.notifiedUpTo('telegram:7')).toBe(3);
      // Ids carry on: no feed, draft or item id is given twice.
      expect(
        (await target.wire.addFeed({ ...((await target.wire.getFeed(2)) as object), url: 'x' } as never)).id,
      ).toBe(3);
      expect((await target.addItem(item('2026-11-05T00:00:00.000Z'))).id).toBe(13);
    } finally {
      await source.close();
    }
  });

  it('copies a lowdb store into PostgreSQL, the wire into its tables, ids carrying on', async () => {
    const file = path.join(dir, 'db.json');
    await filledLowdb(file);
    const db = await freshDatabase();
    const source = await LowdbStore.open(file, { logger: silentLogger });
    const target = await PostgresStore.open(db.url, {
      logger: silentLogger,
      wire: (pool) => new PostgresWireStore(pool),
    });
    try {
      const counts = await migrateStore(source, target, { logger: silentLogger, pageSize: 3 });
      expect(counts).toMatchObject({
        items: 11,
        subscriptions: 5,
        chatPrefs: 2,
        drafts: 3,
        deskSigningKey: true,
      });
      expect(await contents(target)).toEqual(await contents(source));
      expect(await target.deskSigningKey('another')).toBe('the-desk-key');
      expect((await target.addItem(item('2026-11-05T00:00:00.000Z'))).id).toBe(13);
      const feed = (await target.wire.getFeed(2))!;
      const next = await target.wire.recordPoll(
        feed.id,
        ['e'],
        [{ feedId: feed.id, key: 'e', headline: 'e', body: 'b', createdAt: AT }],
        {},
      );
      expect(next.map((d) => d.id)).toEqual([4]);
      await expect(migrateStore(source, target, { logger: silentLogger })).rejects.toThrow(
        'The target already holds items, subscriptions, delivery runs, wire feeds, wire drafts',
      );
    } finally {
      await target.close();
      await source.close();
      await db.drop();
    }
  });

  it('refuses a target that holds data, writing nothing, unless forced', async () => {
    const file = path.join(dir, 'db.json');
    await filledLowdb(file);
    const source = await LowdbStore.open(file, { logger: silentLogger });
    const target = new MemoryStore();
    await target.saveSubscription(sampleSub('telegram:500'));
    try {
      await expect(migrateStore(source, target, { logger: silentLogger })).rejects.toThrow(MigrateStoreError);
      await expect(migrateStore(source, target, { logger: silentLogger })).rejects.toThrow(
        'The target already holds subscriptions; nothing was written.',
      );
      expect((await target.queryItems({})).total).toBe(0);
      const counts = await migrateStore(source, target, { logger: silentLogger, force: true });
      expect(counts.subscriptions).toBe(5);
      expect((await target.subscriptionPage({ limit: 10 })).total).toBe(6);
    } finally {
      await source.close();
    }
  });
});

describe('the command line', () => {
  it('names a missing --from, an unknown option and a missing target', () => {
    expect(() => parseMigrateArgs([], {})).toThrow('--from is missing');
    expect(() => parseMigrateArgs(['--from', 'a.json', '--fast'], {})).toThrow("Unknown option '--fast'");
    expect(() => parseMigrateArgs(['--from', 'a.json'], {})).toThrow('DATABASE_URL is not set');
    expect(parseMigrateArgs(['--from', 'a.json'], { DATABASE_URL: 'postgres://h/db' })).toEqual({
      from: 'a.json',
      to: { kind: 'postgres', url: 'postgres://h/db' },
      force: false,
    });
    expect(parseMigrateArgs(['--from', 'a.json', '--to', 'b/db.json', '--force'], {}).to).toEqual({
      kind: 'lowdb',
      file: 'b/db.json',
    });
  });
});

/** Runs `npm run migrate-store -- …` as a child process. */
function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', TSX_LOADER, SCRIPT, ...args],
      // No DATABASE_URL from the caller's environment; run where no .env is.
      { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

describe('npm run migrate-store', () => {
  it('copies into another lowdb folder, prints the counts, and refuses a second run', async () => {
    const from = path.join(dir, 'db.json');
    const to = path.join(dir, 'copy', 'db.json');
    await filledLowdb(from);
    const first = await cli(['--from', from, '--to', to]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`Copied ${from} into ${to}:`);
    expect(first.stdout).toContain('items: 11\n');
    expect(first.stdout).toContain('subscriptions (with their delivery records): 5\n');
    expect(first.stdout).toContain('wire drafts (with their decisions): 3\n');
    expect(first.stdout).toContain('not copied: 1 desk sign-in links and 1 desk sessions');

    const source = await LowdbStore.open(from, { logger: silentLogger });
    const copy = await LowdbStore.open(to, { logger: silentLogger });
    try {
      expect(await contents(copy)).toEqual(await contents(source));
    } finally {
      await copy.close();
      await source.close();
    }

    const second = await cli(['--from', from, '--to', to]);
    expect(second.code).toBe(2);
    expect(second.stderr).toBe(
      'migrate-store: The target already holds items, subscriptions, delivery runs, wire feeds, wire drafts; nothing was written. Pass --force to copy over it (records with the same ids or keys are replaced).\n',
    );
  });

  it('copies into DATABASE_URL, prints the counts, and refuses a second run', async () => {
    const from = path.join(dir, 'db.json');
    await filledLowdb(from);
    const db = await freshDatabase();
    try {
      const first = await cli(['--from', from], { DATABASE_URL: db.url });
      expect(first.stderr).toBe('');
      expect(first.code).toBe(0);
      expect(first.stdout).toContain(`Copied ${from} into ${db.url}:`);
      expect(first.stdout).toContain('items: 11\n');
      expect(first.stdout).toContain('wire seen entry keys: 4\n');
      const source = await LowdbStore.open(from, { logger: silentLogger });
      const copy = await PostgresStore.open(db.url, {
        logger: silentLogger,
        wire: (pool) => new PostgresWireStore(pool),
      });
      try {
        expect(await contents(copy)).toEqual(await contents(source));
      } finally {
        await copy.close();
        await source.close();
      }
      const second = await cli(['--from', from, '--to', db.url]);
      expect(second.code).toBe(2);
      expect(second.stderr).toContain('The target already holds items');
    } finally {
      await db.drop();
    }
  });

  /** Each with the words its one line must hold; `dir` is this test's folder. */
  const badInputs: Array<
    [string, (dir: string) => string[], Record<string, string>, (dir: string) => string]
  > = [
    ['no --from', () => [], {}, () => 'migrate-store: --from is missing: the lowdb store to copy.'],
    [
      'an unknown option',
      (d) => ['--from', 'x', '--to', path.join(d, 'out', 'db.json'), '--fast'],
      {},
      () => "migrate-store: Unknown option '--fast'.",
    ],
    [
      'a file that does not exist',
      (d) => ['--from', path.join(d, 'none.json'), '--to', path.join(d, 'out', 'db.json')],
      {},
      (d) => `There is no Briefcast store at ${path.join(d, 'none.json')}`,
    ],
    [
      'a folder',
      (d) => ['--from', d, '--to', path.join(d, 'out', 'db.json')],
      {},
      (d) => `There is no Briefcast store at ${d}`,
    ],
    [
      'a JSON file of something else',
      (d) => ['--from', path.join(d, 'package.json'), '--to', path.join(d, 'out', 'db.json')],
      {},
      (d) => `Data file ${path.join(d, 'package.json')} is not a Briefcast data file.`,
    ],
    [
      'a file that is not JSON',
      (d) => ['--from', path.join(d, 'broken.json'), '--to', path.join(d, 'out', 'db.json')],
      {},
      (d) => path.join(d, 'broken.json'),
    ],
    [
      'no --to and no DATABASE_URL',
      (d) => ['--from', path.join(d, 'none.json')],
      {},
      () => 'DATABASE_URL is not set',
    ],
  ];
  it.each(badInputs)(
    'refuses %s in one line with exit code 2, writing nothing',
    async (_, args, env, message) => {
      writeFileSync(path.join(dir, 'package.json'), '{"name":"something else"}');
      writeFileSync(path.join(dir, 'broken.json'), '{not json');
      const before = readdirSync(dir).sort();
      const result = await cli(args(dir), env);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(message(dir));
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(readdirSync(dir).sort()).toEqual(before);
    },
  );

  it('refuses an unreachable database in one line naming its host, never its password', async () => {
    const from = path.join(dir, 'db.json');
    await filledLowdb(from);
    const before = readdirSync(dir).sort();
    const port = await closedPort();
    const url = `postgres://briefcast:s3cret-pw@127.0.0.1:${port}/briefcast`;
    for (const [args, env] of [
      [['--from', from, '--to', url], {}],
      [['--from', from], { DATABASE_URL: url }],
    ] as const) {
      const result = await cli([...args], env);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `Cannot reach the PostgreSQL database at postgres://briefcast:***@127.0.0.1:${port}/briefcast`,
      );
      expect(result.stderr).not.toContain('s3cret');
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('refuses a store a running Briefcast holds', async () => {
    const from = path.join(dir, 'db.json');
    await filledLowdb(from);
    child = spawn(process.execPath, ['--import', TSX_LOADER, HOLDER, from], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child?.stdout?.on('data', (d: Buffer) => d.toString().includes('open') && resolve());
      child?.once('exit', () => reject(new Error('the holder exited')));
    });
    const result = await cli(['--from', from, '--to', path.join(dir, 'copy', 'db.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`is held by process ${child.pid}`);
    expect(existsSync(path.join(dir, 'copy'))).toBe(false);
  });
});

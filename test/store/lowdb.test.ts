import { isAscii } from 'node:buffer';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_DELIVERY } from '../../src/core/subscription.js';
import { silentLogger } from '../../src/log.js';
import { StoreLayout } from '../../src/store/layout.js';
import { LowdbStore, type LowdbStoreOptions, StoreError } from '../../src/store/lowdb.js';
import { simulateCrash } from '../helpers/crash.js';
import { sampleSub } from '../helpers/fixtures.js';
import { makeNewsroom } from '../helpers/newsroom.js';

const author = { platform: 'console', id: 'e', name: 'Editor' } as const;
/** Item `n`, published `n` minutes into 2026 — or into `month` (`YYYY-MM`) when given. */
const item = (n: number, month = '2026-01') => {
  const at = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)) - 1, 1, 0, n)).toISOString();
  return {
    topic: 'mining',
    headline: `Item ${n}`,
    body: '链上 body',
    author,
    publishedAt: at,
    updatedAt: at,
  };
};

let dir: string;
let file: string;
let layout: StoreLayout;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'briefcast-store-'));
  file = path.join(dir, 'db.json');
  layout = new StoreLayout(file);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const open = (writeDelayMs = 50, more: Partial<LowdbStoreOptions> = {}) =>
  LowdbStore.open(file, { logger: silentLogger, writeDelayMs, shards: 4, ...more });
const journals = () => readdirSync(dir).filter((f) => f.includes('.journal.'));
const journalText = () => journals().map((f) => readFileSync(path.join(dir, f), 'utf8'));
const json = (f: string) => JSON.parse(readFileSync(f, 'utf8'));

describe('LowdbStore', () => {
  it('keeps data across a restart', async () => {
    const store = await open();
    await store.addItem(item(1));
    await store.saveSubscription(sampleSub());
    await store.close();
    const again = await open();
    expect((await again.getItem(1))?.headline).toBe('Item 1');
    expect((await again.getSubscription('telegram:1'))?.settings).toMatchObject({ status: 'active' });
    expect((await again.addItem(item(2))).id).toBe(2);
    await again.close();
    expect(json(file)).toMatchObject({ schema: 4, nextItemId: 3, months: ['2026-01'], indexFile: true });
    expect(json(layout.month('2026-01')).items).toHaveLength(2);
    expect(journals()).toEqual([]);
  });

  it('keeps the desk’s sign-in links and sessions across a crash (journal) and a restart (manifest)', async () => {
    const user = { platform: 'telegram', id: '111', name: 'Ed' } as const;
    const store = await open(60_000);
    await store.addSignInToken({
      hash: 'h1',
      user,
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-01T00:10:00.000Z',
    });
    await store.addSession({
      hash: 's1',
      user,
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-01T12:00:00.000Z',
      language: 'zh-CN',
    });
    await store.addSession({
      hash: 's2',
      user,
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-01-01T12:00:00.000Z',
    });
    expect(await store.deskSigningKey('key-1')).toBe('key-1');
    expect((await store.useSignInToken('h1', '2026-01-01T00:01:00.000Z')).kind).toBe('ok');
    await store.deleteSession('s2');
    simulateCrash(file);
    const replayed = await open();
    expect((await replayed.useSignInToken('h1', '2026-01-01T00:02:00.000Z')).kind).toBe('used');
    expect(await replayed.getSession('s1')).toMatchObject({ user, language: 'zh-CN' });
    expect(await replayed.getSession('s2')).toBeUndefined();
    expect(await replayed.deskSigningKey('key-2')).toBe('key-1');
    await replayed.close();
    expect(json(file).desk.sessions).toHaveLength(1);
    const again = await open();
    expect(await again.getSession('s1')).toMatchObject({ language: 'zh-CN' });
    expect(await again.deskSigningKey('key-3')).toBe('key-1');
    await again.close();
  });

  it('writes subscription shards in ASCII and reads back every character outside it', async () => {
    const title = '区块链 news 🧱 \ud800 "quoted" \\ é\u007f';
    const store = await open();
    await store.saveSubscription(
      sampleSub('telegram:1', { chatTitle: title, createdBy: { ...author, name: '编辑' } }),
    );
    await store.close();
    const shard = readFileSync(layout.shard(json(file).shardFiles[0]));
    expect(isAscii(shard)).toBe(true);
    const again = await open();
    const sub = (await again.getSubscription('telegram:1'))?.settings;
    expect(sub?.chatTitle).toBe(title);
    expect(sub?.createdBy.name).toBe('编辑');
    await again.close();
  });

  it('writes a burst of changes in one checkpoint, after the write delay', async () => {
    const store = await open(100);
    for (let i = 1; i <= 200; i++) await store.saveSubscription(sampleSub(`telegram:${i}`));
    // Nothing written yet: the batch is waiting for its delay; the journal has every change.
    expect(store.writes).toBe(0);
    expect(() => readFileSync(file, 'utf8')).toThrow();
    expect(journalText().join('').trim().split('\n')).toHaveLength(200);
    await store.flush();
    await store.flush();
    expect(store.writes).toBe(1);
    const shards = json(file).shardFiles as number[];
    const rows = shards.flatMap((n) => json(layout.shard(n)).rows);
    expect(rows).toHaveLength(200);
    await store.close();
  });

  it('waits for a steady stream of changes to pause before a checkpoint', async () => {
    const store = await open(80);
    for (let i = 1; i <= 12; i++) {
      await store.saveSubscription(sampleSub(`telegram:${i}`));
      await new Promise((r) => setTimeout(r, 25));
    }
    // 300 ms of changes, never 80 ms apart: still one burst.
    expect(store.writes).toBe(0);
    for (let i = 0; i < 100 && store.writes === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(store.writes).toBe(1);
    await store.close();
  });

  it('gives back every field of a subscription and its delivery record exactly as saved', async () => {
    const store = await open();
    const full = {
      settings: sampleSub('telegram:-100#7', {
        chat: { platform: 'telegram', id: '-100', thread: '7' },
        chatKind: 'group',
        chatTitle: '区块链 group',
        topics: ['mining', 'nft'],
        status: 'paused',
        pausedReason: 'bot was blocked',
      }),
      delivery: {
        cursor: '2026-11-28T08:00:00.000Z',
        lastDigestDate: '2026-11-28',
        progress: { date: '2026-11-29', upTo: '2026-11-29T08:00:00.000Z', partsSent: 2 },
        sent: 3,
        failed: 1,
        lastSentAt: '2026-11-28T08:00:01.000Z',
        lastError: 'x',
        retryAt: '2026-11-29T08:00:30.000Z',
      },
    } as const;
    const guild = sampleSub('discord:5', { chat: { platform: 'discord', id: '5', guild: '77' } });
    await store.importSubscriptions([full]);
    await store.saveSubscription(sampleSub('telegram:2', { topics: ['mining', 'nft'] }));
    await store.saveSubscription(guild);
    await store.saveChatPrefs('telegram:-100', { language: 'zh-CN' });
    await store.close();
    const again = await open();
    expect(await again.getSubscription(full.settings.key)).toEqual(full);
    expect(await again.getSubscription('telegram:2')).toMatchObject({
      settings: { topics: ['mining', 'nft'] },
      delivery: NO_DELIVERY,
    });
    expect((await again.guildSubscriptions('77')).map((r) => r.settings)).toEqual([guild]);
    expect(await again.getChatPrefs('telegram:-100')).toEqual({ language: 'zh-CN' });
    await again.close();
    expect(json(file).chatsFile).toBe(true);
  });

  it('rewrites only the shards whose subscriptions changed', async () => {
    const store = await open();
    for (let i = 1; i <= 40; i++) await store.saveSubscription(sampleSub(`telegram:${i}`));
    await store.flush();
    // lowdb replaces a file by renaming a new one over it: a rewritten file has a new inode.
    const inodes = () => [0, 1, 2, 3].map((n) => statSync(layout.shard(n)).ino);
    const before = inodes();
    await store.saveSubscription(sampleSub('telegram:7', { time: '09:00' }));
    await store.flush();
    const after = inodes();
    expect(after.filter((ino, n) => ino !== before[n])).toHaveLength(1);
    await store.close();
  });

  it('loses no change when the process dies before a checkpoint (journal replay)', async () => {
    const store = await open(60_000);
    await store.addItem(item(1));
    await store.saveSubscription(sampleSub());
    await store.finishDelivery('telegram:1', 'nobody', { kind: 'released' }); // no claim: not recorded
    // Simulate kill -9: no flush, no close. The journal already holds every change.
    expect(journalText().join('').trim().split('\n')).toHaveLength(2);
    simulateCrash(file);
    const reopened = await open();
    expect((await reopened.getItem(1))?.headline).toBe('Item 1');
    expect(await reopened.getSubscription('telegram:1')).toBeDefined();
    await reopened.close();
    expect(journals()).toEqual([]);
  });

  it('ignores a half-written last journal line, and appends after a crash to a segment of its own', async () => {
    const store = await open(60_000);
    await store.addItem(item(1));
    const [segment] = journals();
    writeFileSync(path.join(dir, segment!), `${journalText()[0]}{"seq":2,"chan`);
    simulateCrash(file);
    const reopened = await open(60_000);
    expect((await reopened.getItem(1))?.headline).toBe('Item 1');
    await reopened.addItem(item(2));
    expect(journals()).toHaveLength(2);
    simulateCrash(file);
    const third = await open();
    expect((await third.getItem(2))?.headline).toBe('Item 2');
    await third.close();
  });

  it('replays the journal over files a failed checkpoint left half written', async () => {
    const store = await open(60_000);
    for (let i = 1; i <= 20; i++) await store.saveSubscription(sampleSub(`telegram:${i}`));
    await store.flush();
    for (let i = 1; i <= 20; i++) await store.saveSubscription(sampleSub(`telegram:${i}`, { time: '10:00' }));
    await store.addItem(item(1));
    // lowdb writes `.<name>.tmp` first; a folder in its place makes that one write fail.
    const blocker = path.join(dir, `.${path.basename(layout.month('2026-01'))}.tmp`);
    mkdirSync(blocker);
    await expect(store.flush()).rejects.toThrow();
    expect(json(file).seq).toBe(20);
    // Shards were written, the month and manifest were not; then the process dies.
    rmSync(blocker, { recursive: true });
    simulateCrash(file);
    const reopened = await open();
    const subs = reopened.allSubscriptions();
    expect(subs.filter((s) => s.settings.time === '10:00')).toHaveLength(20);
    expect((await reopened.getItem(1))?.headline).toBe('Item 1');
    await reopened.close();
  });

  it('never writes a delivery claim, to the journal or a file: a restart finds none', async () => {
    const store = await open(60_000);
    await store.saveSubscription(sampleSub());
    await store.claimDue({
      cutoffs: [{ timezone: 'UTC', date: '2026-11-29', time: '08:00' }],
      platforms: ['telegram'],
      owner: 'dead',
      expiresAt: '2999-01-01T00:00:00.000Z',
      now: '2026-11-29T08:00:00.000Z',
      limit: 10,
    });
    await store.recordProgress('telegram:1', 'dead', {
      date: '2026-11-29',
      upTo: '2026-11-29T08:00:00.000Z',
      partsSent: 1,
    });
    expect(journalText().join('')).toContain('"partsSent":1');
    expect(journalText().join('')).not.toContain('"dead"');
    await store.close();
    const shards = json(file).shardFiles as number[];
    const written = shards.map((n) => readFileSync(layout.shard(n), 'utf8')).join('');
    expect(written).toContain('"partsSent":1');
    expect(written).not.toContain('"dead"');
    const reopened = await open();
    const sub = await reopened.getSubscription('telegram:1');
    expect(sub?.delivery.claim).toBeUndefined();
    expect(sub?.delivery.progress?.partsSent).toBe(1);
    await reopened.close();
  });

  it('refuses calls that change data once closed', async () => {
    const store = await open();
    await store.close();
    await expect(store.saveSubscription(sampleSub())).rejects.toThrow(StoreError);
  });
});

describe('LowdbStore items by month', () => {
  it('keeps the newest months in memory and reads older ones when a query reaches them', async () => {
    const store = await open(50, { hotMonths: 1, cachedMonths: 1 });
    const months = ['2025-10', '2025-11', '2025-12', '2026-01'];
    for (const [n, month] of months.entries()) {
      await store.addItem(item(n + 1, month));
      await store.addItem({ ...item(n + 10, month), topic: 'nft' });
    }
    await store.close();
    const again = await open(50, { hotMonths: 1, cachedMonths: 1 });
    expect(again.monthsInMemory).toEqual(['2026-01']);
    const page = await again.queryItems({ topics: ['mining'] });
    expect(page.items.map((i) => i.headline)).toEqual(['Item 4', 'Item 3', 'Item 2', 'Item 1']);
    // The hot month stays; of the older ones only the most recently used one does.
    expect(again.monthsInMemory).toEqual(['2025-10', '2026-01']);
    expect(await again.topicStats()).toEqual({
      mining: { count: 4, latest: item(4, '2026-01').publishedAt },
      nft: { count: 4, latest: item(13, '2026-01').publishedAt },
    });
    await again.close();
  });

  it('edits and deletes an item in a month not in memory, and keeps that across a restart', async () => {
    const store = await open(50, { hotMonths: 1, cachedMonths: 0 });
    const old = await store.addItem(item(1, '2025-06'));
    const gone = await store.addItem(item(2, '2025-06'));
    await store.addItem(item(3, '2026-01'));
    await store.close();
    const again = await open(50, { hotMonths: 1, cachedMonths: 0 });
    expect(again.monthsInMemory).toEqual(['2026-01']);
    expect(await again.replaceItem({ ...old, headline: 'Edited' })).toBe(true);
    expect((await again.deleteItem(gone.id))?.headline).toBe('Item 2');
    await again.close();
    const third = await open(50, { hotMonths: 1, cachedMonths: 0 });
    expect((await third.getItem(old.id))?.headline).toBe('Edited');
    expect(await third.getItem(gone.id)).toBeUndefined();
    expect((await third.queryItems({})).total).toBe(2);
    await third.close();
  });

  it('selects the digest of a chat back from a long pause without reading the months it does not show', async () => {
    const store = await open(50, { hotMonths: 1, cachedMonths: 0 });
    for (const month of ['2025-08', '2025-09', '2025-10', '2025-11', '2025-12']) {
      for (let n = 1; n <= 3; n++) await store.addItem({ ...item(n, month), topic: 'policy' });
    }
    for (let n = 1; n <= 30; n++) await store.addItem(item(n, '2026-01'));
    await store.close();
    const again = await open(50, { hotMonths: 1, cachedMonths: 0 });
    const { newsroom } = await makeNewsroom({ store: again, sample: false });
    const reads = again.monthsRead;
    const digest = await newsroom.digests.select(
      { topics: [], cursor: '2025-07-01T00:00:00.000Z' },
      new Date('2026-02-01T00:00:00Z'),
    );
    expect(digest).toMatchObject({ shown: 25, omitted: 20, omittedTopics: ['mining', 'policy'] });
    expect(again.monthsRead).toBe(reads);
    await again.close();
  });

  it('gives concurrent posts distinct ids', async () => {
    const store = await open();
    const items = await Promise.all(
      [1, 2, 3].map((n) => store.addItem(item(n, n === 2 ? '2025-01' : '2026-01'))),
    );
    expect(items.map((i) => i.id).sort()).toEqual([1, 2, 3]);
    await store.close();
  });
});

describe('LowdbStore refuses files it cannot use', () => {
  it.each([
    ['truncated JSON', '{"schema":2,"items":[', /is not valid JSON/],
    ['an empty file', '', /is not valid JSON/],
    ['another program’s JSON', '{"hello":"world"}', /is not a Briefcast data file/],
    ['JSON null', 'null', /is not a Briefcast data file/],
    ['a newer schema', '{"schema":5,"seq":0}', /schema version 5; this Briefcast reads version 4 only/],
    [
      'an unreleased older schema',
      '{"schema":3,"seq":0}',
      /schema version 3; this Briefcast reads version 4 only/,
    ],
    [
      'a single file of schema 1',
      '{"schema":1,"items":[],"subscriptions":[]}',
      /schema version 1; this Briefcast reads version 4 only/,
    ],
  ])(
    'refuses a manifest with %s, naming the file, and leaves it exactly as it was',
    async (_what, content, message) => {
      writeFileSync(file, content);
      const error = await open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toContain(file);
      expect(readFileSync(file, 'utf8')).toBe(content);
    },
  );

  it.each([
    ['a shard', () => layout.shard(json(file).shardFiles[0])],
    ['the item index', () => layout.index],
    ['a hot month', () => layout.month('2026-01')],
  ])('refuses a corrupt file of %s, naming it, and leaves every file as it was', async (_what, which) => {
    const store = await open();
    await store.saveSubscription(sampleSub());
    await store.addItem(item(1));
    await store.close();
    const broken = which();
    writeFileSync(broken, '{"schema":4,');
    const manifest = readFileSync(file, 'utf8');
    const error = await open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain(broken);
    expect((error as Error).message).toMatch(/not valid JSON/);
    expect(readFileSync(broken, 'utf8')).toBe('{"schema":4,');
    expect(readFileSync(file, 'utf8')).toBe(manifest);
  });

  it.each([
    ['a column this version does not know', (f: Record<string, unknown[]>) => f.columns!.push('mood')],
    ['a row that is not a subscription', (f: Record<string, unknown[]>) => f.rows!.push(['telegram', 7])],
  ])('refuses a shard with %s, naming it, and leaves it as it was', async (_what, spoil) => {
    const store = await open();
    await store.saveSubscription(sampleSub());
    await store.close();
    const shard = layout.shard(json(file).shardFiles[0]);
    const content = json(shard);
    spoil(content);
    writeFileSync(shard, JSON.stringify(content));
    const before = readFileSync(shard, 'utf8');
    const error = await open().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as Error).message).toContain(shard);
    expect((error as Error).message).toMatch(/not a Briefcast data file/);
    expect(readFileSync(shard, 'utf8')).toBe(before);
  });

  it('refuses a store whose listed file is missing', async () => {
    const store = await open();
    await store.addItem(item(1, '2025-01'));
    await store.addItem(item(2, '2026-01'));
    await store.close();
    rmSync(layout.month('2025-01'));
    await expect(open()).rejects.toThrow(`${layout.month('2025-01')}, listed in ${file}, is missing`);
  });

  it('names a corrupt older month when a query first reaches it, and leaves it as it was', async () => {
    const store = await open(50, { hotMonths: 1 });
    await store.addItem(item(1, '2025-01'));
    await store.addItem(item(2, '2026-01'));
    await store.close();
    writeFileSync(layout.month('2025-01'), 'garbage');
    const again = await open(50, { hotMonths: 1 });
    expect((await again.getItem(2))?.headline).toBe('Item 2');
    await expect(again.getItem(1)).rejects.toThrow(layout.month('2025-01'));
    expect(readFileSync(layout.month('2025-01'), 'utf8')).toBe('garbage');
    await again.close();
  });

  it('refuses a data file in a folder that does not exist, naming the folder', async () => {
    const nowhere = path.join(dir, 'missing', 'db.json');
    await expect(LowdbStore.open(nowhere, { logger: silentLogger })).rejects.toThrow(
      `The folder ${path.join(dir, 'missing')} of ${nowhere} cannot be read`,
    );
  });

  it('refuses a corrupt journal line in the middle', async () => {
    writeFileSync(layout.journal(1), 'garbage\n{"seq":1}\n');
    await expect(open()).rejects.toThrow(/line 1 is corrupt/);
  });
});

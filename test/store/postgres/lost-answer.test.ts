/**
 * Writes retried after a commit whose answer was lost (006_idempotent_writes.sql): a TCP proxy
 * between the store and a real PostgreSQL lets a statement (or a `COMMIT`) reach the server, drops
 * the server's answer and cuts the connection, so the work is committed and the store, not knowing,
 * sends it again. Each write must then answer what the first attempt would have.
 */
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { DueQuery } from '../../../src/core/store.js';
import type { RetryPolicy } from '../../../src/store/postgres/retry.js';
import { PostgresStore } from '../../../src/store/postgres/store.js';
import { PostgresWireStore } from '../../../src/store/postgres/wire-store.js';
import { sampleSub, TEST_AUTHOR } from '../../helpers/fixtures.js';
import { freshDatabase } from '../../helpers/postgres.js';
import { recordingLogger } from '../../helpers/recording-logger.js';
import { startTcpProxy, type TcpProxy } from '../../helpers/tcp-proxy.js';

const DATE = '2026-11-29';
const NOW = '2026-11-29T08:00:00.000Z';
const QUICK_RETRY: RetryPolicy = { firstDelayMs: 20, maxDelayMs: 100, giveUpAfterMs: 5_000 };
const RETRYING = 'database connection lost; retrying';

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

const item = (headline: string) => ({
  topic: 'policy',
  headline,
  body: '正文',
  author: TEST_AUTHOR,
  publishedAt: NOW,
  updatedAt: NOW,
});

const databases: Array<{ drop(): Promise<void> }> = [];
let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of cleanup.reverse()) await close().catch(() => undefined);
  cleanup = [];
});
afterAll(async () => {
  for (const db of databases.splice(0)) await db.drop();
});

/**
 * A store on a new database, connected through a proxy; `admin` reads the database directly, and
 * `retried(what)` says whether the store logged a retry of `what`.
 */
async function storeBehindProxy() {
  const db = await freshDatabase();
  databases.push(db);
  const proxy: TcpProxy = await startTcpProxy(Number(new URL(db.url).port));
  const url = new URL(db.url);
  url.port = String(proxy.port);
  const { logger, lines } = recordingLogger();
  const store = await PostgresStore.open(url.toString(), {
    logger,
    wire: (pool) => new PostgresWireStore(pool, { logger, retry: QUICK_RETRY }),
    retry: QUICK_RETRY,
  });
  const admin = new pg.Client({ connectionString: db.url });
  await admin.connect();
  cleanup.push(
    () => store.close(),
    () => proxy.close(),
    () => admin.end(),
  );
  const retried = (what: string) => lines.some((l) => l.msg === RETRYING && l.what === what);
  return { proxy, store, admin, url: db.url, lines, retried };
}

/** Resolves once `n` of the store's statements wait for a lock (polled, bounded). */
async function lockWaiters(admin: pg.Client, n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
       WHERE application_name = 'briefcast' AND wait_event_type = 'Lock'`,
    );
    if ((rows[0]?.n ?? 0) >= n) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never ${n} statements waiting for a lock`);
}

/** Runs `write` with the answer to the message holding `marker` lost; resolves with what it answered. */
async function withAnswerLost<T>(proxy: TcpProxy, marker: string, write: () => Promise<T>): Promise<T> {
  const lost = proxy.loseAnswerTo(marker);
  const answer = write();
  await lost;
  return answer;
}

describe('PostgresStore writes retried after a lost answer', () => {
  it('adds an item once: the retry finds the item the lost commit stored and returns its id', async () => {
    const { proxy, store, admin, retried } = await storeBehindProxy();
    const added = await withAnswerLost(proxy, 'INSERT INTO items', () => store.addItem(item('只存一次')));
    expect(retried('addItem')).toBe(true);
    const { rows } = await admin.query<{ id: string }>('SELECT id FROM items');
    expect(rows.map((r) => Number(r.id))).toEqual([added.id]);
    expect(await store.getItem(added.id)).toEqual(added);
    expect(await store.topicStats()).toEqual({ policy: { count: 1, latest: NOW } });
    // The next item is another one, under a later id (the retry's refused insert used one up).
    expect((await store.addItem(item('第二条'))).id).toBeGreaterThan(added.id);
    expect((await store.topicStats()).policy?.count).toBe(2);
  });

  it('returns the page of claims the lost commit took, instead of leaving it to lapse', async () => {
    const { proxy, store, lines, retried } = await storeBehindProxy();
    await store.saveChatPrefs('telegram:2', { language: 'zh-CN' });
    for (const key of ['telegram:1', 'telegram:2', 'discord:3']) await store.saveSubscription(sampleSub(key));
    const page = await withAnswerLost(proxy, 'claim_owner = $7', () => store.claimDue(due('A')));
    expect(retried('claimDue')).toBe(true);
    expect(lines.some((l) => l.msg === 'claims found already committed; returned to their owner')).toBe(true);
    expect(page.map((c) => c.settings.key).sort()).toEqual(['discord:3', 'telegram:1', 'telegram:2']);
    expect(page.map((c) => [c.date, c.delivery.claim?.owner])).toEqual([
      [DATE, 'A'],
      [DATE, 'A'],
      [DATE, 'A'],
    ]);
    expect(page.find((c) => c.settings.key === 'telegram:2')?.language).toBe('zh-CN');
    // The same answer as a claim that was not retried: nothing more to claim, for A or anyone.
    expect(await store.claimDue(due('A'))).toEqual([]);
    expect(await store.claimDue(due('B'))).toEqual([]);
    for (const c of page)
      expect(await store.finishDelivery(c.settings.key, 'A', { kind: 'empty', date: DATE, upTo: NOW })).toBe(
        true,
      );
  });

  it('claims again when the lost attempt never reached the server (nothing carries its token)', async () => {
    const { proxy, store, retried } = await storeBehindProxy();
    await store.saveSubscription(sampleSub('telegram:1'));
    await store.getSubscription('telegram:1');
    proxy.cut();
    const page = store.claimDue(due('A'));
    await new Promise((r) => setTimeout(r, QUICK_RETRY.firstDelayMs * 2));
    proxy.restore();
    expect((await page).map((c) => c.settings.key)).toEqual(['telegram:1']);
    expect(retried('claimDue')).toBe(true);
  });

  it('reports an outcome the lost commit recorded as held, counted once', async () => {
    const { proxy, store, retried } = await storeBehindProxy();
    for (const key of ['telegram:1', 'telegram:2', 'telegram:3'])
      await store.saveSubscription(sampleSub(key));
    await store.claimDue(due('A'));
    // telegram:3's claim is taken over by B: A's outcome for it must still be refused.
    await store.finishDelivery('telegram:3', 'A', { kind: 'released' });
    await store.claimDue(due('B'));
    const [sent, failed, lost] = await withAnswerLost(proxy, 'briefcast.finishDelivery', () =>
      Promise.all([
        store.finishDelivery('telegram:1', 'A', { kind: 'sent', date: DATE, upTo: NOW, at: NOW }),
        store.finishDelivery('telegram:2', 'A', { kind: 'failed', reason: 'boom', retryAt: NOW }),
        store.finishDelivery('telegram:3', 'A', { kind: 'sent', date: DATE, upTo: NOW, at: NOW }),
      ]),
    );
    expect(retried('finishDelivery')).toBe(true);
    expect([sent, failed, lost]).toEqual([true, true, false]);
    const one = (await store.getSubscription('telegram:1'))?.delivery;
    expect(one).toMatchObject({ sent: 1, failed: 0, lastDigestDate: DATE, cursor: NOW, lastSentAt: NOW });
    expect(one?.claim).toBeUndefined();
    const two = (await store.getSubscription('telegram:2'))?.delivery;
    expect(two).toMatchObject({ sent: 0, failed: 1, lastError: 'boom', retryAt: NOW });
    expect(two?.claim).toBeUndefined();
    const three = (await store.getSubscription('telegram:3'))?.delivery;
    expect(three).toMatchObject({ sent: 0, claim: { owner: 'B' } });
  });

  it('counts an outcome once when the lost attempt is still running on the server as the retry comes', async () => {
    const { proxy, store, admin, url, retried } = await storeBehindProxy();
    await store.saveSubscription(sampleSub('telegram:1'));
    await store.claimDue(due('A'));
    // Another transaction holds the row, so the first attempt waits on the server for it.
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    cleanup.push(() => holder.end());
    await holder.query('BEGIN');
    await holder.query("SELECT 1 FROM deliveries WHERE key = 'telegram:1' FOR UPDATE");
    const finished = store.finishDelivery('telegram:1', 'A', {
      kind: 'sent',
      date: DATE,
      upTo: NOW,
      at: NOW,
    });
    await lockWaiters(admin, 1);
    // The connection is cut under the waiting attempt; the server runs it on. The retry waits too.
    proxy.cut();
    proxy.restore();
    await lockWaiters(admin, 2);
    expect(retried('finishDelivery')).toBe(true);
    await holder.query('COMMIT');
    expect(await finished).toBe(true);
    const delivery = (await store.getSubscription('telegram:1'))?.delivery;
    expect(delivery).toMatchObject({ sent: 1, lastDigestDate: DATE });
    expect(delivery?.claim).toBeUndefined();
  });

  it('deletes once when the lost attempt’s transaction is still open on the server as the retry comes', async () => {
    const { proxy, store, admin, url, retried } = await storeBehindProxy();
    await store.saveSubscription(sampleSub('telegram:1'));
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    cleanup.push(() => holder.end());
    await holder.query('BEGIN');
    await holder.query("SELECT 1 FROM subscriptions WHERE key = 'telegram:1' FOR UPDATE");
    const removed = store.deleteSubscription('telegram:1');
    await lockWaiters(admin, 1);
    proxy.cut();
    proxy.restore();
    // The retry's token insert waits for the first attempt's transaction (its token inserted, not
    // committed), which can never commit now: its client is gone.
    await lockWaiters(admin, 2);
    await holder.query('COMMIT');
    expect(await removed).toBe(true);
    expect(retried('deleteSubscription')).toBe(true);
    expect(await store.getSubscription('telegram:1')).toBeUndefined();
  });

  it('records progress once and keeps the claim', async () => {
    const { proxy, store, retried } = await storeBehindProxy();
    await store.saveSubscription(sampleSub('telegram:1'));
    await store.claimDue(due('A'));
    const progress = { date: DATE, upTo: NOW, partsSent: 2 };
    const held = await withAnswerLost(proxy, 'SET progress', () =>
      store.recordProgress('telegram:1', 'A', progress),
    );
    expect(retried('recordProgress')).toBe(true);
    expect(held).toBe(true);
    const delivery = (await store.getSubscription('telegram:1'))?.delivery;
    expect(delivery?.progress).toEqual(progress);
    expect(delivery?.claim?.owner).toBe('A');
  });

  it('answers a delete, a pause and a chat move as their lost commit did (their answers stored)', async () => {
    const { proxy, store, admin, lines } = await storeBehindProxy();
    const readBack = () =>
      lines.filter((l) => l.msg === 'database write found already committed; its answer read back');
    for (const key of ['telegram:1', 'telegram:2', 'telegram:3', 'telegram:-5'])
      await store.saveSubscription(sampleSub(key));
    await store.saveChatPrefs('telegram:-5', { language: 'zh-CN' });

    expect(await withAnswerLost(proxy, 'COMMIT', () => store.deleteSubscription('telegram:1'))).toBe(true);
    expect(await store.getSubscription('telegram:1')).toBeUndefined();

    expect(
      await withAnswerLost(proxy, 'COMMIT', () => store.pauseSubscription('telegram:2', 'blocked', NOW)),
    ).toBe(true);
    expect((await store.getSubscription('telegram:2'))?.settings).toMatchObject({
      status: 'paused',
      pausedReason: 'blocked',
    });

    await store.claimDue(due('A'));
    expect(
      await withAnswerLost(proxy, 'COMMIT', () => store.pauseSubscription('telegram:3', 'gone', NOW, 'A')),
    ).toBe(true);
    const three = await store.getSubscription('telegram:3');
    expect(three?.settings.status).toBe('paused');
    expect(three?.delivery.claim).toBeUndefined();

    const moved = await withAnswerLost(proxy, 'COMMIT', () =>
      store.moveChat({ platform: 'telegram', id: '-5' }, { platform: 'telegram', id: '-1005' }, NOW),
    );
    expect(moved).toEqual([{ from: 'telegram:-5', to: 'telegram:-1005', kind: 'moved' }]);
    expect((await store.getSubscription('telegram:-1005'))?.delivery.claim?.owner).toBe('A');
    expect(await store.getChatPrefs('telegram:-1005')).toEqual({ language: 'zh-CN' });

    const stored = await store.addItem(item('将被删除'));
    const deleted = await withAnswerLost(proxy, 'COMMIT', () => store.deleteItem(stored.id));
    expect(deleted).toEqual(stored);
    expect(await store.getItem(stored.id)).toBeUndefined();

    expect(readBack().map((l) => l.what)).toEqual([
      'deleteSubscription',
      'pauseSubscription',
      'pauseSubscription',
      'moveChat',
      'deleteItem',
    ]);
    // Each answer is kept beside its token, and only for a while.
    const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM write_results');
    expect(rows[0]?.n).toBe(5);
  });

  it('still signs in with a link whose use was committed but not answered, and signs out once', async () => {
    const { proxy, store } = await storeBehindProxy();
    const user = { platform: 'telegram' as const, id: '7', name: 'Editor' };
    await store.addSignInToken({
      hash: 'a'.repeat(64),
      user,
      createdAt: NOW,
      expiresAt: '2026-11-29T08:15:00.000Z',
      language: 'zh-CN',
    });
    const use = await withAnswerLost(proxy, 'COMMIT', () => store.useSignInToken('a'.repeat(64), NOW));
    expect(use).toEqual({ kind: 'ok', user, language: 'zh-CN' });
    // A second use of the link, any time, is refused as before.
    expect(await store.useSignInToken('a'.repeat(64), NOW)).toEqual({ kind: 'used' });

    await store.addSession({
      hash: 'b'.repeat(64),
      user,
      createdAt: NOW,
      expiresAt: '2026-11-30T08:00:00.000Z',
    });
    expect(await withAnswerLost(proxy, 'COMMIT', () => store.deleteSession('b'.repeat(64)))).toBe(true);
    expect(await store.getSession('b'.repeat(64))).toBeUndefined();

    const purged = await withAnswerLost(proxy, 'COMMIT', () => store.purgeDesk('2026-11-29T09:00:00.000Z'));
    expect(purged).toBe(1);
    expect(await store.findSignInToken('a'.repeat(64))).toBeUndefined();
  });

  it('writes that are idempotent as they are give the same answer again', async () => {
    const { proxy, store, retried } = await storeBehindProxy();
    await withAnswerLost(proxy, 'INSERT INTO subscriptions', () =>
      store.saveSubscription(sampleSub('telegram:1')),
    );
    await withAnswerLost(proxy, 'INSERT INTO chat_prefs', () =>
      store.saveChatPrefs('telegram:1', { language: 'en' }),
    );
    const stored = await store.addItem(item('原标题'));
    const replaced = await withAnswerLost(proxy, 'UPDATE items', () =>
      store.replaceItem({ ...stored, headline: '新标题' }),
    );
    const run = {
      id: 'run-1',
      startedAt: NOW,
      finishedAt: NOW,
      due: 1,
      sent: 1,
      empty: 0,
      failed: 0,
      paused: 0,
      byPlatform: {},
    };
    await withAnswerLost(proxy, 'COMMIT', () => store.addRun(run));
    for (const what of ['saveSubscription', 'saveChatPrefs', 'replaceItem', 'addRun'])
      expect(retried(what)).toBe(true);
    expect(replaced).toBe(true);
    expect((await store.getSubscription('telegram:1'))?.settings.key).toBe('telegram:1');
    expect(await store.getChatPrefs('telegram:1')).toEqual({ language: 'en' });
    expect((await store.getItem(stored.id))?.headline).toBe('新标题');
    expect(await store.recentRuns(10)).toEqual([run]);
  });

  it('trims answers older than an hour as it writes new ones', async () => {
    const { store, admin } = await storeBehindProxy();
    await admin.query(
      `INSERT INTO write_results (token, written_at, result)
       SELECT gen_random_uuid(), now() - interval '2 hours', '{}' FROM generate_series(1, 3)`,
    );
    await admin.query(
      `INSERT INTO write_results (token, written_at, result) VALUES (gen_random_uuid(), now() - interval '10 minutes', '{}')`,
    );
    await store.deleteSubscription('telegram:none');
    const { rows } = await admin.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM write_results WHERE written_at < now() - interval '1 hour'`,
    );
    expect(rows[0]?.n).toBe(0);
    const all = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM write_results');
    expect(all.rows[0]?.n).toBe(2);
  });
});

describe('the wire on PostgreSQL, its writes retried after a lost answer', () => {
  const editor = { platform: 'telegram' as const, id: '7', name: 'Editor' };
  const newFeed = {
    url: 'https://news.example.org/rss',
    auto: false,
    status: 'active',
    addedBy: editor,
    addedAt: NOW,
    failures: 0,
    entriesSeen: 0,
  } as const;
  const draftsOf = (feedId: number, keys: readonly string[]) =>
    keys.map((key) => ({ feedId, key, headline: key, body: 'Body.', createdAt: NOW }));

  it('adds a feed once, and returns the drafts of a poll whose commit was not answered', async () => {
    const { proxy, store, admin, retried } = await storeBehindProxy();
    const feed = await withAnswerLost(proxy, 'COMMIT', () => store.wire.addFeed(newFeed));
    expect(retried('wire.addFeed')).toBe(true);
    expect((await store.wire.listFeeds()).map((f) => f.id)).toEqual([feed.id]);
    const keys = ['k1', 'k2', 'k3'];
    const stored = await withAnswerLost(proxy, 'COMMIT', () =>
      store.wire.recordPoll(feed.id, keys, draftsOf(feed.id, keys), { entriesSeen: 3 }),
    );
    expect(retried('wire.recordPoll')).toBe(true);
    expect(stored.map((d) => d.key)).toEqual(keys);
    const page = await store.wire.listDrafts({ state: 'waiting', limit: 10 });
    expect(page.total).toBe(3);
    expect(page.drafts.map((d) => d.id).sort()).toEqual(stored.map((d) => d.id).sort());
    expect((await store.wire.getFeed(feed.id))?.entriesSeen).toBe(3);
    const { rows } = await admin.query<{ n: number }>('SELECT count(*)::int AS n FROM wire_drafts');
    expect(rows[0]?.n).toBe(3);
    expect(await withAnswerLost(proxy, 'COMMIT', () => store.wire.deleteFeed(feed.id))).toBe(true);
    expect(await store.wire.getFeed(feed.id)).toBeUndefined();
  });

  it('gives a Publish or a Skip whose commit was not answered to the editor who tapped it', async () => {
    const { proxy, store } = await storeBehindProxy();
    const feed = await store.wire.addFeed(newFeed);
    const [toPublish, toSkip] = await store.wire.recordPoll(
      feed.id,
      ['p', 's'],
      draftsOf(feed.id, ['p', 's']),
      {},
    );
    const publish = { state: 'published' as const, by: editor, at: NOW, topic: 'policy' };
    const published = await withAnswerLost(proxy, 'COMMIT', () =>
      store.wire.decideDraft(toPublish!.id, publish),
    );
    expect(published).toMatchObject({
      ok: true,
      draft: { id: toPublish!.id, state: 'published', decidedBy: editor },
    });
    // The Publish goes on as if the answer had come: the item, stored once, and the draft's link to it.
    const stored = await withAnswerLost(proxy, 'INSERT INTO items', () => store.addItem(item('p')));
    await withAnswerLost(proxy, 'itemId', () => store.wire.setDraftItem(toPublish!.id, stored.id));
    expect((await store.wire.getDraft(toPublish!.id))?.itemId).toBe(stored.id);
    expect((await store.queryItems({})).total).toBe(1);
    const skip = { state: 'skipped' as const, by: editor, at: NOW };
    expect(
      await withAnswerLost(proxy, 'COMMIT', () => store.wire.decideDraft(toSkip!.id, skip)),
    ).toMatchObject({
      ok: true,
      draft: { state: 'skipped' },
    });
    // Another editor's tap still finds each draft taken.
    const other = { platform: 'telegram' as const, id: '8', name: 'Other' };
    expect(
      await store.wire.decideDraft(toSkip!.id, { state: 'published', by: other, at: NOW }),
    ).toMatchObject({
      ok: false,
      draft: { state: 'skipped', decidedBy: editor },
    });
  });
});

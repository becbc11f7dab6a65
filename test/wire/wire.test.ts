import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JsonWireStore } from '../../src/wire/json-store.js';
import { MAX_CONSECUTIVE_FAILURES } from '../../src/wire/model.js';
import { FeedServer, item, rss } from './feed-server.js';
import { EDITOR, makeWire, OTHER_EDITOR } from './harness.js';

let server: FeedServer;
let harness: Awaited<ReturnType<typeof makeWire>> | undefined;
beforeAll(async () => {
  server = await new FeedServer().start();
});
afterAll(async () => {
  await server.stop();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function wire(options: Parameters<typeof makeWire>[0] = {}) {
  harness = await makeWire(options);
  return harness;
}

/** Serves a feed whose items can be changed between polls, answering 304 when unchanged. */
function liveFeed(path: string, initial: string[]) {
  let items = initial;
  let version = 1;
  const url = server.route(path, (req, res) => {
    const etag = `"v${version}"`;
    if (req.headers['if-none-match'] === etag) return void res.writeHead(304).end();
    res
      .writeHead(200, { 'content-type': 'application/rss+xml; charset=utf-8', etag })
      .end(rss('Live News', items));
  });
  return {
    url,
    set(next: string[]) {
      items = next;
      version++;
    },
  };
}

describe('/feed add and the first poll', () => {
  it('adds a feed, keeps its 10 newest entries as drafts and counts the rest as seen', async () => {
    const w = await wire();
    const items = Array.from({ length: 15 }, (_, i) =>
      item(i, { date: `Tue, ${String(i + 1).padStart(2, '0')} Jan 2024 10:00:00 GMT` }),
    );
    const url = server.serve('/fifteen.xml', rss('Fifteen', items));
    const reply = await w.run(`/feed add ${url} mining`);
    expect(reply).toContain('ADDED FEED #1: FIFTEEN');
    expect(reply).toContain('Its 10 newest entries wait on the wire');
    const drafts = await w.wireStore.listDrafts({ state: 'waiting', limit: 20 });
    expect(drafts.total).toBe(10);
    expect(drafts.drafts.map((d) => d.headline)).toContain('Entry 14');
    expect(drafts.drafts.map((d) => d.headline)).not.toContain('Entry 0');
    expect(await w.wireStore.getFeed(1)).toMatchObject({
      title: 'Fifteen',
      entriesSeen: 15,
      topic: 'mining',
    });
  });

  it('refuses a URL it cannot read, and adds nothing', async () => {
    const w = await wire();
    server.serve('/gone.xml', 'gone', { status: 404, type: 'text/plain' });
    expect(await w.run(`/feed add ${server.url('/gone.xml')}`)).toContain('Could not read');
    expect(await w.run(`/feed add ${server.url('/gone.xml')}`)).toContain(
      'HTTP 404 Not Found. Nothing was added.',
    );
    expect(await w.run('/feed add ftp://example.org/rss')).toContain(
      'only http:// and https:// feeds can be read',
    );
    expect(await w.run('/feed add not-a-url')).toContain('is not a URL');
    expect(await w.run('/feed add')).toContain('The feed’s URL is missing.');
    expect(await w.run('/feed add https://x.example/rss nosuchtopic')).toContain(
      '"nosuchtopic" is not a topic',
    );
    expect(await w.wireStore.listFeeds()).toEqual([]);
  });

  it('refuses the same feed twice, and non-editors', async () => {
    const w = await wire();
    const url = server.serve('/once.xml', rss('Once', [item(1)]));
    await w.run(`/feed add ${url}`);
    expect(await w.run(`/feed add ${url}`)).toContain('already on the wire as #1');
    const stranger = { platform: 'console' as const, id: 'stranger', name: 'S' };
    expect(await w.run('/feed list', stranger)).toContain("for the newsroom's editors only");
    expect(await w.run('/wire', stranger)).toContain("for the newsroom's editors only");
  });
});

describe('polling', () => {
  it('brings new entries once, answers 304 with nothing, and ignores a republish with a new date', async () => {
    const w = await wire();
    const feed = liveFeed('/live.xml', [item(1)]);
    await w.run(`/feed add ${feed.url} policy`);
    expect((await w.wireStore.listDrafts({ state: 'waiting', limit: 10 })).total).toBe(1);

    w.clock.advance(10 * 60_000);
    const unchanged = await w.scheduler.tick();
    expect(unchanged.map((o) => o.kind)).toEqual(['unchanged']);
    expect(server.requestsFor('/live.xml').at(-1)!.headers['if-none-match']).toBe('"v1"');

    feed.set([item(2), item(1, { date: 'Wed, 10 Jan 2024 09:00:00 GMT', title: 'Entry 1 (updated)' })]);
    w.clock.advance(10 * 60_000);
    const round = await w.scheduler.tick();
    expect(round[0]).toMatchObject({ kind: 'new' });
    const waiting = await w.wireStore.listDrafts({ state: 'waiting', limit: 10 });
    expect(waiting.drafts.map((d) => d.headline)).toEqual(['Entry 2', 'Entry 1']);
  });

  it('polls a feed only when its interval has passed', async () => {
    const w = await wire();
    const feed = liveFeed('/interval.xml', [item(1)]);
    await w.run(`/feed add ${feed.url}`);
    const before = server.requestsFor('/interval.xml').length;
    w.clock.advance(5 * 60_000);
    expect(await w.scheduler.tick()).toEqual([]);
    expect(server.requestsFor('/interval.xml').length).toBe(before);
  });

  it('takes duplicate GUIDs once, and entries without GUIDs by link, else by title and date', async () => {
    const w = await wire();
    const url = server.serve(
      '/dupes.xml',
      rss('Dupes', [
        item(1, { guid: 'same' }),
        item(2, { guid: 'same' }),
        item(3, { guid: null }),
        `<title>No link, no guid</title><description>Text.</description><pubDate>Tue, 09 Jan 2024 10:00:00 GMT</pubDate>`,
      ]),
    );
    await w.run(`/feed add ${url}`);
    const drafts = (await w.wireStore.listDrafts({ state: 'waiting', limit: 10 })).drafts.map(
      (d) => d.headline,
    );
    expect(drafts.sort()).toEqual(['Entry 1', 'Entry 3', 'No link, no guid']);
  });

  it('reads the tricky real-world shapes: CDATA, HTML in titles, relative links', async () => {
    const w = await wire();
    const { readFileSync } = await import('node:fs');
    const body = readFileSync(new URL('./fixtures/hand--tricky.xml', import.meta.url));
    const url = server.serve('/cn/feed/tricky.xml', body);
    await w.run(`/feed add ${url} policy`);
    const drafts = (await w.wireStore.listDrafts({ state: 'waiting', limit: 10 })).drafts;
    const bold = drafts.find((d) => d.headline === 'Bold CDATA & title')!;
    expect(bold.sourceUrl).toBe(server.url('/cn/2024/01/a.html'));
    expect(bold.body).toBe('First sentence. Second & link.');
    expect(bold.sourceName).toBe('Tricky & Co');
    expect(drafts.some((d) => d.headline === '<i>Escaped</i> HTML — title')).toBe(false);
    expect(drafts.some((d) => d.headline === 'Escaped HTML — title')).toBe(false); // a duplicate GUID
  });

  it('reads a GBK-encoded Chinese feed', async () => {
    const w = await wire();
    const xml = `<?xml version="1.0" encoding="GBK"?><rss version="2.0"><channel><title>链闻·政策</title><link>http://www.example.cn/</link>
<item><title>央行：打击虚拟货币“挖矿”活动</title><link>/news/1.html</link><description>&lt;p&gt;中国人民银行发布通知。要求金融机构不得为挖矿提供服务。&lt;/p&gt;</description><pubDate>Tue, 09 Jan 2024 10:00:00 +0800</pubDate></item></channel></rss>`;
    const url = server.serve('/gbk.xml', iconv.encode(xml, 'gbk'), { type: 'text/xml' });
    await w.run(`/feed add ${url} policy`);
    const [draft] = (await w.wireStore.listDrafts({ state: 'waiting', limit: 1 })).drafts;
    expect(draft).toMatchObject({
      headline: '央行：打击虚拟货币“挖矿”活动',
      body: '中国人民银行发布通知。要求金融机构不得为挖矿提供服务。',
      sourceName: '链闻·政策',
      sourceUrl: server.url('/news/1.html'),
    });
  });

  it(`pauses a feed after ${MAX_CONSECUTIVE_FAILURES} failures in a row, with the reason, and resets on success`, async () => {
    const w = await wire();
    let failing = false;
    const url = server.route('/flaky.xml', (_req, res) => {
      if (failing) return void res.writeHead(500).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('Flaky', [item(1)]));
    });
    await w.run(`/feed add ${url}`);
    failing = true;
    const kinds: string[] = [];
    for (let i = 0; i < MAX_CONSECUTIVE_FAILURES; i++) {
      w.clock.advance(10 * 60_000);
      kinds.push(...(await w.scheduler.tick()).map((o) => o.kind));
    }
    expect(kinds).toEqual([...new Array(MAX_CONSECUTIVE_FAILURES - 1).fill('failed'), 'paused']);
    const feed = (await w.wireStore.getFeed(1))!;
    expect(feed).toMatchObject({
      status: 'paused',
      failures: MAX_CONSECUTIVE_FAILURES,
      lastError: 'HTTP 500 Internal Server Error',
    });
    expect(feed.pausedReason).toBe('failed 10 times in a row; last: HTTP 500 Internal Server Error');
    w.clock.advance(10 * 60_000);
    expect(await w.scheduler.tick()).toEqual([]);
    const list = await w.run('/feed list');
    expect(list).toContain('#1 ⏸️ paused (failed 10 times in a row; last: HTTP 500 Internal Server Error)');
    expect(list).toContain('last error 10 Jan 2024');
    failing = false;
    expect(await w.run('/feed resume 1')).toContain('Resumed feed #1');
    w.clock.advance(10 * 60_000);
    expect((await w.scheduler.tick()).map((o) => o.kind)).toEqual(['unchanged']);
    expect(await w.wireStore.getFeed(1)).toMatchObject({ status: 'active', failures: 0 });
  });

  it('a hostile feed costs bounded time and pauses only itself: oversized, trickle, bomb, redirect loop, 10,000 entries', async () => {
    const w = await wire();
    const good = server.serve('/good.xml', rss('Good', [item(1)]));
    await w.run(`/feed add ${good}`);
    const { readFileSync } = await import('node:fs');
    server.serve(
      '/bomb.xml',
      readFileSync(new URL('./fixtures/hostile--billion-laughs.xml', import.meta.url)),
    );
    const tenThousand = rss(
      'Big',
      Array.from({ length: 10_000 }, (_, i) => `<title>E${i}</title><guid>g${i}</guid>`),
    );
    server.serve('/big.xml', tenThousand);
    await w.run(`/feed add ${server.url('/bomb.xml')}`);
    await w.run(`/feed add ${server.url('/big.xml')}`);
    const feeds = await w.wireStore.listFeeds();
    expect(feeds.map((f) => [f.title, f.entriesSeen])).toEqual([
      ['Good', 1],
      ['Bomb &lol9;', 1],
      ['Big', 500],
    ]);
    // Hostile answers from now on: everything but the good feed fails, each on its own.
    server.route('/bomb.xml', (_req, res) => res.writeHead(301, { location: '/bomb.xml' }).end());
    server.route('/big.xml', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const timer = setInterval(() => res.write(' '), 100);
      res.on('close', () => clearInterval(timer));
    });
    w.clock.advance(10 * 60_000);
    const started = Date.now();
    const round = await w.scheduler.tick();
    expect(Date.now() - started).toBeLessThan(6_000);
    expect(round.map((o) => [o.feed.id, o.kind, 'reason' in o ? o.reason : ''])).toEqual([
      [1, 'unchanged', ''],
      [2, 'failed', 'more than 5 redirects'],
      [3, 'failed', 'no complete answer within 3 s'],
    ]);
  });
});

describe('publishing', () => {
  it('publishes a draft exactly as /post would, once, whoever taps first', async () => {
    const w = await wire();
    const url = server.serve('/pub.xml', rss('Pub News', [item(7, { title: 'Miners leave Sichuan' })]));
    await w.run(`/feed add ${url} mining`);
    const [draft] = (await w.wireStore.listDrafts({ state: 'waiting', limit: 1 })).drafts;
    const [a, b] = await Promise.all([
      w.wire.publish(draft!.id, EDITOR, undefined, w.clock.now()),
      w.wire.publish(draft!.id, OTHER_EDITOR, undefined, w.clock.now()),
    ]);
    const titles = [a.title ?? '', b.title ?? ''];
    expect(titles.filter((t) => t.startsWith('Published draft 1 as #'))).toHaveLength(1);
    const items = await w.store.queryItems({ topics: ['mining'], limit: 100 });
    expect(items.items.filter((i) => i.headline === 'Miners leave Sichuan')).toHaveLength(1);
    const item0 = items.items.find((i) => i.headline === 'Miners leave Sichuan')!;
    expect(item0).toMatchObject({
      sourceName: 'Pub News',
      sourceUrl: 'https://news.example.org/a/7',
      author: EDITOR,
    });
    expect(await w.run(`/wire publish ${draft!.id}`)).toContain('Published by Ed as #');
  });

  it('asks for a topic when the draft has none, and publishes with one', async () => {
    const w = await wire();
    const url = server.serve('/notopic.xml', rss('Misc', [item(1, { title: 'A weather report' })]));
    await w.run(`/feed add ${url}`);
    expect(await w.run('/wire publish 1')).toContain(
      'Give it a topic: /wire publish 1 <topic> (mining, policy, nft).',
    );
    expect(await w.run('/wire publish 1 nfts')).toContain('PUBLISHED DRAFT 1 AS #');
    expect(await w.run('/wire skip 1')).toContain('Published by Ed');
  });

  it('chooses the topic by the entry’s words when the feed has none', async () => {
    const w = await wire();
    const url = server.serve('/words.xml', rss('Words', [item(1, { title: 'Bitcoin mining farms close' })]));
    await w.run(`/feed add ${url}`);
    expect((await w.wireStore.getDraft(1))?.topic).toBe('mining');
  });

  it('skips, lists what waits with buttons, and names unknown drafts', async () => {
    const w = await wire();
    const url = server.serve('/list.xml', rss('List', [item(1), item(2)]));
    await w.run(`/feed add ${url} nft`);
    const doc = await w.runDoc('/wire');
    expect(doc.title).toBe('The wire — 2 drafts wait');
    expect(doc.actions).toEqual([
      [
        { label: '✅ Publish 2', data: 'wire publish 2', style: 'success' },
        { label: '✖️ Skip 2', data: 'wire skip 2', style: 'secondary' },
      ],
      [
        { label: '✅ Publish 1', data: 'wire publish 1', style: 'success' },
        { label: '✖️ Skip 1', data: 'wire skip 1', style: 'secondary' },
      ],
    ]);
    expect(await w.run('/wire skip 2')).toBe('Skipped draft 2.');
    expect(await w.run('/wire skip 99')).toContain('There is no draft 99 any more.');
    expect(await w.run('/wire publish x')).toContain('x is not a draft number');
    expect(await w.run('/wire')).toContain('1 DRAFT WAITS');
  });

  it('publishes new entries of an auto feed at once, from the second poll on', async () => {
    const w = await wire();
    const feed = liveFeed('/auto.xml', [item(1)]);
    await w.run(`/feed add ${feed.url} policy auto`);
    expect((await w.wireStore.getDraft(1))?.state).toBe('waiting');
    feed.set([item(2), item(1)]);
    w.clock.advance(10 * 60_000);
    const [outcome] = await w.scheduler.tick();
    expect(outcome).toMatchObject({
      kind: 'new',
      published: [{ headline: 'Entry 2', state: 'published', auto: true }],
    });
    const items = await w.store.queryItems({ topics: ['policy'], limit: 5 });
    expect(items.items[0]).toMatchObject({ headline: 'Entry 2', author: EDITOR });
  });
});

describe('feed commands', () => {
  it('pauses, resumes, removes; names unknown feeds and bad ids', async () => {
    const w = await wire();
    const url = server.serve('/cmd.xml', rss('Cmd', [item(1)]));
    await w.run(`/feed add ${url}`);
    expect(await w.run('/feed pause 1')).toContain('Paused feed #1');
    expect(await w.run('/feed list')).toContain('paused (paused by Ed)');
    expect(await w.run('/feed pause 1')).toContain('already paused');
    expect(await w.run('/feed resume 1')).toContain('Resumed feed #1');
    expect(await w.run('/feed remove 1')).toContain('Removed feed #1 (Cmd) and its waiting drafts.');
    expect((await w.wireStore.listDrafts({ state: 'waiting', limit: 5 })).total).toBe(0);
    expect(await w.run('/feed remove 1')).toContain('There is no feed #1.');
    expect(await w.run('/feed pause abc')).toContain('abc is not a feed id');
    expect(await w.run('/feed frobnicate 1')).toContain(
      '"frobnicate" is not one of list, add, remove, pause, resume.',
    );
    expect(await w.run('/feed list')).toContain('No feeds yet.');
  });
});

describe('restart', () => {
  it('polls nothing twice into the wire after a restart (the wire file)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wire-'));
    try {
      const path = join(dir, 'db.wire.json');
      const feed = liveFeed('/restart.xml', [item(1), item(2)]);
      let w = await wire({ store: await JsonWireStore.open(path) });
      await w.run(`/feed add ${feed.url}`);
      await w.wireStore.close();
      await w.close();
      harness = undefined;
      // A restarted bot whose feed lost its validators still makes no new drafts of the same entries.
      feed.set([item(3), item(2), item(1)]);
      w = await wire({ store: await JsonWireStore.open(path) });
      w.clock.advance(10 * 60_000);
      await w.scheduler.tick();
      const headlines = (await w.wireStore.listDrafts({ state: 'waiting', limit: 10 })).drafts.map(
        (d) => d.headline,
      );
      expect(headlines.sort()).toEqual(['Entry 1', 'Entry 2', 'Entry 3']);
      await w.wireStore.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

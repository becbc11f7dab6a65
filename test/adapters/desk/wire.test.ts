import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/adapters/desk/html.js';
import { CONTENT_SECURITY_POLICY } from '../../../src/adapters/desk/server.js';
import { DECIDED_SHOWN, DRAFTS_PER_PAGE } from '../../../src/adapters/desk/wire-routes.js';
import type { UserRef } from '../../../src/core/chat.js';
import { renderText } from '../../../src/core/render-text.js';
import { ENGLISH } from '../../../src/i18n/translator.js';
import type { NewDraft } from '../../../src/wire/model.js';
import { FeedServer, item, rss } from '../../wire/feed-server.js';
import { type Desk, EDITOR, startDesk } from './harness.js';

const OTHER: UserRef = { platform: 'telegram', id: '222', name: 'Rita' };
const HOSTILE = '<script>alert(1)</script>';

let feeds: FeedServer;
let desk: Desk | undefined;
beforeAll(async () => {
  feeds = await new FeedServer().start();
});
afterAll(async () => {
  await feeds.stop();
});
afterEach(async () => {
  await desk?.stop();
  desk = undefined;
});

async function open(options: Parameters<typeof startDesk>[0] = {}) {
  desk = await startDesk({ editors: { telegram: [EDITOR.id, OTHER.id] }, ...options });
  return desk;
}

/** A feed in the wire's store with `count` waiting drafts numbered from 1 (no HTTP: paging only needs drafts). */
async function seedDrafts(
  d: Desk,
  count: number,
  extra: { [K in keyof NewDraft]?: NewDraft[K] | undefined } = {},
) {
  const feed = await d.wireStore.addFeed({
    url: 'https://news.example.org/feed.xml',
    title: 'Example News',
    auto: false,
    status: 'active',
    addedBy: EDITOR,
    addedAt: '2022-01-10T00:00:00Z',
    failures: 0,
    entriesSeen: count,
  });
  const drafts: NewDraft[] = Array.from({ length: count }, (_, i) => ({
    feedId: feed.id,
    key: `k${i + 1}`,
    topic: 'mining',
    headline: `Wire headline ${i + 1}`,
    body: `Body of draft ${i + 1}. A second sentence.`,
    sourceName: 'Example News',
    sourceUrl: `https://news.example.org/a/${i + 1}`,
    entryDate: '2022-01-10T08:00:00Z',
    createdAt: '2022-01-10T09:00:00Z',
    ...extra,
  })).map(
    (draft) => Object.fromEntries(Object.entries(draft).filter(([, v]) => v !== undefined)) as NewDraft,
  );
  await d.wireStore.recordPoll(feed.id, [], drafts, {});
  return feed;
}

const text = async (response: Response) => response.text();

/** A command typed by `user` in their private chat with the bot, through the dispatcher. */
function chat(d: Desk, line: string, user: UserRef = EDITOR) {
  const [, command = '', rest = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(line) ?? [];
  return d.dispatcher.dispatch({
    platform: user.platform,
    command,
    input: { text: rest },
    chat: { platform: user.platform, id: user.id },
    chatKind: 'private',
    user,
    isChatAdmin: async () => false,
  });
}

describe('the desk’s Wire page', () => {
  it('is in the navigation and sent with the desk’s CSP, no inline script', async () => {
    const d = await open();
    const cookie = await d.signIn();
    const home = await text(await d.request('/', { cookie }));
    expect(home).toContain('<a href="/wire">Wire</a>');
    const response = await d.request('/wire', { cookie });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const page = await response.text();
    expect(page).toContain('aria-current="page">Wire</a>');
    expect(page).toContain('No feeds yet: add one below.');
    expect(page).toContain('Nothing waits on the wire.');
    expect(page).not.toMatch(/<script(?![^>]*\ssrc="\/static\/)/);
    expect(page).not.toMatch(/\sstyle=|\son[a-z]+=/i);
  });

  it('adds a feed with the wire’s own rules, lists it, pauses, resumes and removes it', async () => {
    const d = await open();
    const cookie = await d.signIn();
    const url = feeds.serve('/desk-news.xml', rss('Desk News', [item(1), item(2), item(3)]));
    const added = await d.request('/wire/feeds', { cookie, form: { url, topic: 'mining', auto: 'on' } });
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe('/wire?feed=1&done=added&drafts=3#feed-1');
    const feed = await d.wireStore.getFeed(1);
    expect(feed).toMatchObject({ url, topic: 'mining', auto: true, status: 'active', addedBy: EDITOR });
    let page = await text(await d.request('/wire?feed=1&done=added&drafts=3', { cookie }));
    expect(page).toContain('Added feed #1: Desk News. Its 3 newest entries wait below.');
    expect(page).toContain('<strong>Desk News</strong>');
    expect(page).toContain('⛏️ Crypto mining');
    expect(page).toContain('auto-published');
    expect(page).toContain('3 drafts wait.');
    expect(page).toContain('Entry 3');

    // "By aliases" leaves the topic to each entry's words.
    const other = feeds.serve('/by-words.xml', rss('By Words', [item(9)]));
    expect((await d.request('/wire/feeds', { cookie, form: { url: other, topic: '' } })).status).toBe(303);
    expect(await d.wireStore.getFeed(2)).toMatchObject({ auto: false });
    expect(await d.wireStore.getFeed(2)).not.toHaveProperty('topic');
    page = await text(await d.request('/wire', { cookie }));
    expect(page).toContain('by aliases');
    expect(page).toContain('wait for an editor');

    const paused = await d.request('/wire/feeds/1/pause', { cookie, form: {} });
    expect(paused.status).toBe(303);
    expect(await d.wireStore.getFeed(1)).toMatchObject({ status: 'paused', pausedBy: EDITOR });
    page = await text(await d.request(paused.headers.get('location')!, { cookie }));
    expect(page).toContain('Paused feed #1');
    expect(page).toContain('paused by Ed &lt;Editor&gt;');
    expect(page).toContain('action="/wire/feeds/1/resume"');

    const again = await d.request('/wire/feeds/1/pause', { cookie, form: {} });
    page = await text(await d.request(again.headers.get('location')!, { cookie }));
    expect(page).toContain('Feed #1 was already paused (paused by Ed &lt;Editor&gt;). Nothing was changed.');

    const resumed = await d.request('/wire/feeds/1/resume', { cookie, form: {} });
    expect(await d.wireStore.getFeed(1)).toMatchObject({ status: 'active', failures: 0 });
    page = await text(await d.request(resumed.headers.get('location')!, { cookie }));
    expect(page).toContain('Resumed feed #1: it is read again at the next poll.');

    // Remove asks first; the question changes nothing.
    expect(page).toContain('<a class="button danger" href="/wire/feeds/1/remove"');
    const asked = await text(await d.request('/wire/feeds/1/remove', { cookie }));
    expect(asked).toContain('<h1>Remove feed #1?</h1>');
    expect(asked).toContain('<form method="post" action="/wire/feeds/1/remove"');
    expect(await d.wireStore.getFeed(1)).toBeDefined();
    expect((await d.request('/wire/feeds/9/remove', { cookie })).status).toBe(404);
    const removed = await d.request('/wire/feeds/1/remove', { cookie, form: {} });
    expect(await d.wireStore.getFeed(1)).toBeUndefined();
    page = await text(await d.request(removed.headers.get('location')!, { cookie }));
    expect(page).toContain('Removed feed #1 and its waiting drafts.');
    expect(page).not.toContain('Entry 3');
    expect(page).toContain('1 draft waits.');
  });

  it('refuses a bad URL, an unknown topic and a feed already there next to the field, keeping what was typed', async () => {
    const d = await open();
    const cookie = await d.signIn();
    const refused = async (form: Record<string, string>) => {
      const response = await d.request('/wire/feeds', { cookie, form });
      expect(response.status).toBe(422);
      return response.text();
    };
    let page = await refused({ url: 'not a url', topic: 'policy', auto: 'on' });
    expect(page).toContain('Not added: a field needs a change. What you typed is kept.');
    expect(page).toMatch(
      /<p class="field-error" id="feed-url-error">&quot;not a url&quot; is not a URL; give the feed&#39;s full address/,
    );
    expect(page).toContain('value="not a url"');
    expect(page).toContain('<option value="policy" selected>');
    expect(page).toMatch(/id="feed-auto"[^>]* checked/);

    page = await refused({ url: 'ftp://news.example.org/feed', topic: '' });
    expect(page).toContain('only http:// and https:// feeds can be read');
    page = await refused({ url: '   ', topic: '' });
    expect(page).toContain('The feed’s URL is missing.');

    page = await refused({ url: 'https://news.example.org/feed.xml', topic: 'weather' });
    expect(page).toMatch(/id="feed-topic-error">[^<]*&quot;weather&quot;/);
    // What was typed stays selected, and the URL too.
    expect(page).toContain('<option value="weather" selected>weather</option>');
    expect(page).toContain('value="https://news.example.org/feed.xml"');

    const url = feeds.serve('/twice.xml', rss('Twice', [item(1)]));
    expect((await d.request('/wire/feeds', { cookie, form: { url, topic: '' } })).status).toBe(303);
    page = await refused({ url, topic: '' });
    expect(page).toContain('That feed is already on the wire as #1.');

    page = await refused({ url: feeds.url('/missing.xml'), topic: '' });
    expect(page).toContain('Nothing was added.');
    expect((await d.wireStore.listFeeds()).length).toBe(1);
  });

  it('refuses a loopback or private feed unless FEED_ALLOW_PRIVATE', async () => {
    const d = await open({ allowPrivate: false });
    const cookie = await d.signIn();
    const url = feeds.serve('/private.xml', rss('Private', [item(1)]));
    for (const address of [url, 'http://10.1.2.3/feed.xml']) {
      const response = await d.request('/wire/feeds', { cookie, form: { url: address, topic: '' } });
      expect(response.status).toBe(422);
      const page = await response.text();
      expect(page).toContain('feeds must be on the public internet');
      expect(page).toContain(`value="${address}"`);
    }
    expect(await d.wireStore.listFeeds()).toEqual([]);
    expect(feeds.requestsFor('/private.xml')).toEqual([]);
  });

  it('says so for an unknown feed or a bad feed number, and changes nothing', async () => {
    const d = await open();
    const cookie = await d.signIn();
    await seedDrafts(d, 1);
    let response = await d.request('/wire/feeds/7/pause', { cookie, form: {} });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('There is no feed #7 (removed meanwhile?). Nothing was changed.');
    response = await d.request('/wire/feeds/x1/remove', { cookie, form: {} });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain(escapeHtml('"x1" is not a feed number. Nothing was changed.'));
    response = await d.request('/wire/feeds/1/explode', { cookie, form: {} });
    expect(response.status).toBe(404);
    expect(await d.wireStore.getFeed(1)).toMatchObject({ status: 'active' });
  });

  it('lists the waiting drafts newest first, ten a page, with a cursor to older ones', async () => {
    const d = await open();
    const cookie = await d.signIn();
    await seedDrafts(d, DRAFTS_PER_PAGE + 3);
    const first = await text(await d.request('/wire', { cookie }));
    expect(first).toContain('13 drafts wait. Showing drafts 13 to 4, newest first.');
    const order = [...first.matchAll(/id="draft-(\d+)"/g)].map((m) => Number(m[1]));
    expect(order).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
    expect(first).toContain('href="/wire?before=4#drafts"');
    expect(first).toContain('Body of draft 13. A second sentence.');
    expect(first).toContain(
      'Source: <a href="https://news.example.org/a/13" rel="noopener noreferrer" target="_blank">Example News</a>',
    );

    const older = await text(await d.request('/wire?before=4', { cookie }));
    expect([...older.matchAll(/id="draft-(\d+)"/g)].map((m) => Number(m[1]))).toEqual([3, 2, 1]);
    expect(older).toContain('13 drafts wait. Showing drafts 3 to 1');
    expect(older).toContain('href="/wire#drafts"');
    expect(older).not.toContain('before=1');
    // A decision on an older page comes back to it.
    expect(older).toContain('<input type="hidden" name="before" value="4">');

    const past = await text(await d.request('/wire?before=1', { cookie }));
    expect(past).toContain('No older drafts wait.');
    const bad = await d.request('/wire?before=abc', { cookie });
    expect(bad.status).toBe(200);
    const badPage = await bad.text();
    expect(badPage).toContain(escapeHtml('"abc" is not a draft number; showing the newest drafts.'));
    expect(badPage).toContain('id="draft-13"');
  });

  it('publishes a draft as /post does and skips another; the page says who decided', async () => {
    const d = await open();
    const cookie = await d.signIn();
    await seedDrafts(d, 3);
    const published = await d.request('/wire/drafts/3/publish', { cookie, form: {} });
    expect(published.status).toBe(303);
    expect(published.headers.get('location')).toBe('/wire?decided=3#drafts');
    const draft = await d.wireStore.getDraft(3);
    expect(draft).toMatchObject({ state: 'published', decidedBy: EDITOR, topic: 'mining' });
    const stored = await d.store.getItem(draft!.itemId!);
    expect(stored).toMatchObject({
      headline: 'Wire headline 3',
      topic: 'mining',
      sourceName: 'Example News',
    });
    let page = await text(await d.request('/wire?decided=3', { cookie }));
    expect(page).toContain(`Draft 3: ✅ Published by Ed &lt;Editor&gt; as #${draft!.itemId}.`);
    expect(page).not.toContain('id="draft-3"');

    const rita = await d.signIn(OTHER);
    d.clock.advance(60_000);
    const skipped = await d.request('/wire/drafts/2/skip', { cookie: rita, form: { before: '3' } });
    expect(skipped.headers.get('location')).toBe('/wire?decided=2&before=3#drafts');
    expect(await d.wireStore.getDraft(2)).toMatchObject({ state: 'skipped', decidedBy: OTHER });
    page = await text(await d.request('/wire?decided=2', { cookie }));
    expect(page).toContain('Draft 2: ✖️ Skipped by Rita.');
    // The latest decisions, who made them, the latest first.
    const decided = page.slice(page.indexOf('id="decided"'));
    expect(decided.indexOf('Draft 2: ✖️ Skipped by Rita.')).toBeLessThan(
      decided.indexOf('Draft 3: ✅ Published by Ed &lt;Editor&gt;'),
    );
    expect(decided).toContain('Wire headline 3');
    expect(DECIDED_SHOWN).toBeGreaterThanOrEqual(2);
  });

  it('shows why a draft cannot be published, as /post would, and publishes it under the topic chosen', async () => {
    const d = await open();
    const cookie = await d.signIn();
    const feed = await seedDrafts(d, 1, { topic: undefined, headline: 'No topic here' });
    await d.wireStore.recordPoll(
      feed.id,
      [],
      [
        {
          feedId: feed.id,
          key: 'long',
          topic: 'policy',
          headline: 'H'.repeat(300),
          body: 'Too long a headline.',
          createdAt: '2022-01-10T09:00:00Z',
        },
      ],
      {},
    );
    let response = await d.request('/wire/drafts/1/publish', { cookie, form: { topic: '' } });
    expect(response.status).toBe(422);
    let page = await response.text();
    expect(page).toContain('Draft 1 was not published:');
    expect(page).toMatch(/id="draft-1-error" role="alert">Not published: [^<]*topic/i);
    expect(page).toContain('<select id="draft-1-topic" name="topic" aria-invalid="true"');
    expect(await d.wireStore.getDraft(1)).toMatchObject({ state: 'waiting' });

    response = await d.request('/wire/drafts/2/publish', { cookie, form: {} });
    expect(response.status).toBe(422);
    page = await response.text();
    expect(page).toMatch(/id="draft-2-error" role="alert">Not published: [^<]*[Hh]eadline/);
    expect(await d.wireStore.getDraft(2)).toMatchObject({ state: 'waiting' });

    response = await d.request('/wire/drafts/1/publish', { cookie, form: { topic: 'nft' } });
    expect(response.status).toBe(303);
    expect(await d.wireStore.getDraft(1)).toMatchObject({ state: 'published', topic: 'nft' });
  });

  it('publishes one item when the desk and a chat command publish the same draft at once', async () => {
    const d = await open();
    const cookie = await d.signIn();
    await seedDrafts(d, 1);
    const itemsBefore = (await d.store.topicStats()).mining?.count ?? 0;
    const [desk, reply] = await Promise.all([
      d.request('/wire/drafts/1/publish', { cookie, form: {} }),
      chat(d, '/wire publish 1', OTHER),
    ]);
    expect((await d.store.topicStats()).mining?.count).toBe(itemsBefore + 1);
    const draft = await d.wireStore.getDraft(1);
    if (draft?.decidedBy?.id === OTHER.id) {
      expect(desk.status).toBe(409);
      expect(await desk.text()).toContain(
        'Draft 1 was already decided, nothing was changed: ✅ Published by Rita',
      );
    } else {
      expect(desk.status).toBe(303);
      expect(renderText(reply)).toContain('Published by Ed <Editor>');
    }
  });

  it('publishes one item when two editors publish the same draft at once', async () => {
    const d = await open();
    const [ed, rita] = [await d.signIn(), await d.signIn(OTHER)];
    await seedDrafts(d, 1, { headline: 'Only once please' });
    const itemsBefore = (await d.store.topicStats()).mining?.count ?? 0;
    const responses = await Promise.all([
      d.request('/wire/drafts/1/publish', { cookie: ed, form: {} }),
      d.request('/wire/drafts/1/publish', { cookie: rita, form: {} }),
    ]);
    expect(responses.map((r) => r.status).sort()).toEqual([303, 409]);
    const loser = responses.find((r) => r.status === 409)!;
    const draft = await d.wireStore.getDraft(1);
    expect(await loser.text()).toContain(
      `Draft 1 was already decided, nothing was changed: ✅ Published by ${draft!.decidedBy!.name.replace('<', '&lt;').replace('>', '&gt;')} as #${draft!.itemId}.`,
    );
    expect((await d.store.topicStats()).mining?.count).toBe(itemsBefore + 1);
  });

  it('says when a draft was decided in chat meanwhile, or is gone, and changes nothing', async () => {
    const d = await open();
    const cookie = await d.signIn();
    await seedDrafts(d, 2);
    expect(renderText(await chat(d, '/wire skip 1', OTHER))).toContain('Skipped draft 1.');
    let response = await d.request('/wire/drafts/1/publish', { cookie, form: {} });
    expect(response.status).toBe(409);
    expect(await response.text()).toContain(
      'Draft 1 was already decided, nothing was changed: ✖️ Skipped by Rita.',
    );
    expect(await d.wireStore.getDraft(1)).toMatchObject({ state: 'skipped', decidedBy: OTHER });

    response = await d.request('/wire/drafts/99/skip', { cookie, form: {} });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain(
      'There is no draft 99 (its feed was removed?). Nothing was changed.',
    );
    response = await d.request('/wire/drafts/0x2/skip', { cookie, form: {} });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain(escapeHtml('"0x2" is not a draft number. Nothing was changed.'));
    expect(await d.wireStore.getDraft(2)).toMatchObject({ state: 'waiting' });
  });

  it('shows what a feed supplied as text: a script title or headline is not run', async () => {
    const d = await open();
    const cookie = await d.signIn();
    // Entities twice: the feed's text (after its own HTML is read as text) is the script tag itself.
    const hostile = '&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;';
    const url = feeds.serve(
      '/hostile.xml',
      rss(hostile, [item(1, { title: hostile, body: `Body ${hostile}` })], 'https://news.example.org/'),
    );
    expect((await d.request('/wire/feeds', { cookie, form: { url, topic: 'mining' } })).status).toBe(303);
    expect((await d.wireStore.getFeed(1))?.title).toBe(HOSTILE);
    expect((await d.wireStore.getDraft(1))?.headline).toBe(HOSTILE);
    await seedDrafts(d, 1, {
      headline: `${HOSTILE} "quoted"`,
      sourceName: HOSTILE,
      sourceUrl: 'javascript:alert(1)',
    });
    await d.wire.publish(2, EDITOR, undefined, d.clock.now(), ENGLISH);
    const page = await text(await d.request('/wire?feed=1&done=added&drafts=1', { cookie }));
    expect(page).not.toContain(HOSTILE);
    expect(page).not.toContain('javascript:');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('Added feed #1: &lt;script&gt;alert(1)&lt;/script&gt;.');
    expect(page).not.toMatch(/<script(?![^>]*\ssrc="\/static\/)/);
  });

  it('refuses every change without a session or from another site, and changes nothing', async () => {
    const d = await open();
    const cookie = await d.signIn();
    await seedDrafts(d, 1);
    const changes: [string, Record<string, string>][] = [
      ['/wire/feeds', { url: 'https://news.example.org/other.xml', topic: '' }],
      ['/wire/feeds/1/pause', {}],
      ['/wire/feeds/1/remove', {}],
      ['/wire/drafts/1/publish', {}],
      ['/wire/drafts/1/skip', {}],
    ];
    for (const [path, form] of changes) {
      expect((await d.request(path, { form })).status, `${path} signed out`).toBe(401);
      expect((await d.request(path, { cookie, form, origin: 'https://evil.example' })).status, path).toBe(
        403,
      );
      expect((await d.request(path, { cookie, form, origin: null })).status, `${path} no origin`).toBe(403);
    }
    expect((await d.request('/wire')).status).toBe(303);
    expect(await d.wireStore.listFeeds()).toMatchObject([{ id: 1, status: 'active' }]);
    expect(await d.wireStore.getDraft(1)).toMatchObject({ state: 'waiting' });
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_MS, SIGN_IN_LINK_MS } from '../../../src/adapters/desk/auth.js';
import { CONTENT_SECURITY_POLICY } from '../../../src/adapters/desk/server.js';
import { ENGLISH } from '../../../src/i18n/translator.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { TEST_AUTHOR } from '../../helpers/fixtures.js';
import { type Desk, EDITOR, startDesk } from './harness.js';

/** A memory store whose writes of items fail while `failing` is set (a full disk, a lost database). */
class FailingStore extends MemoryStore {
  failing = false;
  override async addItem(item: Parameters<MemoryStore['addItem']>[0]) {
    if (this.failing) throw new Error('disk full');
    return super.addItem(item);
  }
}

const GOOD = {
  topic: 'mining',
  headline: 'Sichuan ends hydro-power discounts for miners',
  body: 'The province said the discount scheme ends in June.\n\nMiners are moving north.',
  sourceName: 'Caixin',
  sourceUrl: 'https://www.caixin.com/',
};
const PAGES = ['/', '/write', '/search?q=mining', '/deliveries', '/items/1', '/items/1/delete'];

describe('the desk over HTTP', () => {
  let desk: Desk;
  afterEach(async () => {
    await desk?.stop();
  });

  it('sends every page with a CSP that forbids inline scripts, and the other safety headers', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn();
    for (const path of [...PAGES, '/signed-out', '/static/desk.css']) {
      const response = await desk.request(path, { cookie });
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('same-origin');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      if (path.startsWith('/static')) continue;
      expect(response.headers.get('cache-control')).toBe('no-store');
      const page = await response.text();
      // Scripts only from files of ours, never inline; no inline styles or event handlers either.
      expect(page).not.toMatch(/<script(?![^>]*\ssrc="\/static\/)/);
      expect(page).not.toMatch(/\sstyle=|\son[a-z]+=/i);
    }
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
  });

  it('signs in with a link once: a session cookie that is signed, HttpOnly, SameSite=Strict, 12 hours', async () => {
    desk = await startDesk();
    const { token } = await desk.mintToken();
    const opened = await desk.request(`/sign-in/${token}`);
    expect(opened.status).toBe(200);
    // Opening the link (as a link preview would) does not use it; the page's form does.
    expect(await opened.text()).toContain('action="/sign-in"');
    const signedIn = await desk.request('/sign-in', { form: { token } });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/');
    const cookie = signedIn.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^briefcast_desk=[0-9a-f]{64}\.[^;]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
    expect(cookie).toContain(`Max-Age=${SESSION_MS / 1000}`);
    const home = await desk.request('/', { cookie: cookie.split(';')[0]! });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Ed &lt;Editor&gt;');

    const again = await desk.request(`/sign-in/${token}`);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('already used');
    const reused = await desk.request('/sign-in', { form: { token } });
    expect(reused.status).toBe(410);
    expect(reused.headers.get('set-cookie')).toBeNull();
  });

  it('marks the cookie Secure with the __Host- prefix when the desk is on https', async () => {
    desk = await startDesk({ publicUrl: 'https://desk.example.org' });
    const { token } = await desk.mintToken();
    const response = await desk.request('/sign-in', { form: { token } });
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^__Host-briefcast_desk=/);
    expect(cookie).toContain('Secure');
  });

  it('refuses a link after 10 minutes and a session after 12 hours (injected clock)', async () => {
    desk = await startDesk();
    const { token } = await desk.mintToken();
    desk.clock.advance(SIGN_IN_LINK_MS);
    const expired = await desk.request(`/sign-in/${token}`);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('expired');
    expect((await desk.request('/sign-in', { form: { token } })).status).toBe(410);

    const cookie = await desk.signIn();
    desk.clock.advance(SESSION_MS - 1000);
    expect((await desk.request('/', { cookie })).status).toBe(200);
    desk.clock.advance(1000);
    const late = await desk.request('/', { cookie });
    expect(late.status).toBe(303);
    expect(late.headers.get('location')).toBe('/signed-out');
  });

  it('serves no page without a session: each redirects to the signed-out page', async () => {
    desk = await startDesk();
    for (const path of PAGES) {
      for (const cookie of [
        undefined,
        'briefcast_desk=forged',
        `briefcast_desk=${'a'.repeat(64)}.c2lnbmF0dXJl`,
      ]) {
        const response = await desk.request(path, cookie ? { cookie } : {});
        expect(response.status, `${path} ${cookie}`).toBe(303);
        expect(response.headers.get('location')).toBe('/signed-out');
      }
    }
    const signedOut = await desk.request('/signed-out');
    expect(signedOut.status).toBe(200);
    expect(await signedOut.text()).toContain('send /desk to the bot');
  });

  it('ends the session on sign-out, in every process sharing the store', async () => {
    desk = await startDesk();
    const other = await startDesk({ store: desk.store });
    try {
      const cookie = await desk.signIn();
      // Another process on the same store knows the session (same signing key, same records)...
      expect((await other.request('/', { cookie })).status).toBe(200);
      const out = await desk.request('/sign-out', { cookie, form: {} });
      expect(out.status).toBe(303);
      expect(out.headers.get('location')).toBe('/signed-out');
      expect(out.headers.get('set-cookie')).toMatch(/briefcast_desk=;.*Max-Age=0/);
      // ...and forgets it when it ends, even with the old cookie sent again.
      expect((await desk.request('/', { cookie })).status).toBe(303);
      expect((await other.request('/', { cookie })).status).toBe(303);
    } finally {
      await other.stop();
    }
  });

  it('refuses a state change whose Origin is another site or missing, and changes nothing', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn();
    const before = await desk.store.queryItems({});
    for (const origin of ['https://evil.example', 'null', null]) {
      const post = await desk.request('/items', { cookie, form: GOOD, origin });
      expect(post.status, String(origin)).toBe(403);
      expect(await post.text()).toContain('nothing was changed');
      expect((await desk.request('/items/1/delete', { cookie, form: {}, origin })).status).toBe(403);
      expect((await desk.request('/sign-out', { cookie, form: {}, origin })).status).toBe(403);
    }
    expect(await desk.store.queryItems({})).toEqual(before);
    expect((await desk.request('/', { cookie })).status).toBe(200);
  });

  it('rate-limits bad sign-in tokens per address', async () => {
    desk = await startDesk({ limiter: { maxFailures: 3, windowMs: 60_000, maxKeys: 100 } });
    for (let i = 0; i < 3; i++)
      expect((await desk.request(`/sign-in/${'0'.repeat(63)}${i}`)).status).toBe(404);
    const { token } = await desk.mintToken();
    const held = await desk.request(`/sign-in/${token}`);
    expect(held.status).toBe(429);
    expect(await held.text()).toContain('Try again in 1 minute');
    expect((await desk.request('/sign-in', { form: { token } })).status).toBe(429);
    desk.clock.advance(60_000);
    // The good link was not spent while the address was held back.
    expect((await desk.request('/sign-in', { form: { token } })).status).toBe(303);
  });

  it('publishes an item the newsroom serves, shows it in the briefing, saves an edit and deletes it', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn();
    const posted = await desk.request('/items', { cookie, form: GOOD });
    expect(posted.status).toBe(303);
    const id = Number(/published=(\d+)/.exec(posted.headers.get('location')!)?.[1]);
    const item = await desk.store.getItem(id);
    expect(item).toMatchObject({ topic: 'mining', headline: GOOD.headline, author: EDITOR });
    const brief = await desk.newsroom.brief(undefined, desk.clock.now(), ENGLISH);
    expect(JSON.stringify(brief)).toContain(GOOD.headline);
    const page = await (await desk.request(posted.headers.get('location')!, { cookie })).text();
    expect(page).toContain(`Published #${id}.`);
    expect(page).toContain(`href="/items/${id}"`);

    const saved = await desk.request(`/items/${id}`, {
      cookie,
      form: { ...GOOD, headline: 'Sichuan ends hydropower discounts' },
    });
    expect(saved.status).toBe(303);
    expect((await desk.store.getItem(id))?.headline).toBe('Sichuan ends hydropower discounts');
    expect((await desk.store.getItem(id))?.publishedAt).toBe(item?.publishedAt);

    expect((await desk.request(`/items/${id}/delete`, { cookie })).status).toBe(200);
    const deleted = await desk.request(`/items/${id}/delete`, { cookie, form: {} });
    expect(deleted.status).toBe(303);
    expect(await desk.store.getItem(id)).toBeUndefined();
    expect((await desk.request(`/items/${id}`, { cookie })).status).toBe(404);
  });

  it('shows each problem next to its field, keeps what was typed and stores nothing', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn();
    const before = await desk.store.queryItems({});
    const typed = {
      topic: 'weather',
      headline: 'h'.repeat(201),
      body: '',
      sourceName: 'Typed & kept',
      sourceUrl: 'javascript:alert(1)',
    };
    const response = await desk.request('/items', { cookie, form: typed });
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toMatch(/<p class="field-error" id="topic-error">&quot;weather&quot; is not a topic/);
    expect(page).toMatch(/id="headline-error">The headline has 201 characters; the limit is 200\./);
    expect(page).toMatch(/id="body-error">The body is empty\./);
    expect(page).toMatch(/id="sourceUrl-error">The source URL &quot;javascript:alert\(1\)&quot; must start/);
    expect(page).toContain('aria-describedby="headline-error headline-count" aria-invalid="true"');
    expect(page).toContain(`value="${'h'.repeat(201)}"`);
    expect(page).toContain('value="Typed &amp; kept"');
    expect(page).toContain('<option value="weather" selected>');
    expect(await desk.store.queryItems({})).toEqual(before);

    // An edit refused the same way leaves the item as it was.
    const original = await desk.store.getItem(1);
    const edit = await desk.request('/items/1', { cookie, form: { ...typed, topic: 'mining' } });
    expect(edit.status).toBe(422);
    expect(await desk.store.getItem(1)).toEqual(original);
    // Bad ids and missing items change nothing either.
    for (const path of ['/items/0', '/items/abc', '/items/99999', '/items/1e3']) {
      expect((await desk.request(path, { cookie, form: GOOD })).status, path).toBe(404);
      expect((await desk.request(`${path}/delete`, { cookie, form: {} })).status, path).toBe(404);
    }
    expect(await desk.store.queryItems({})).toEqual(before);
  });

  it('says when a save failed on our side and keeps the text', async () => {
    const store = new FailingStore();
    desk = await startDesk({ store });
    const cookie = await desk.signIn();
    store.failing = true;
    const response = await desk.request('/items', { cookie, form: { ...GOOD, headline: 'Kept <headline>' } });
    expect(response.status).toBe(500);
    const page = await response.text();
    expect(page).toContain('The save failed on our side');
    expect(page).toContain('value="Kept &lt;headline&gt;"');
    expect(page).toContain(GOOD.body.split('\n')[0]);
    expect(desk.records.some((r) => r.msg === 'desk could not save an item')).toBe(true);
  });

  it('keeps the text when the session ended before the form was sent', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn();
    desk.clock.advance(SESSION_MS);
    const response = await desk.request('/items', { cookie, form: { ...GOOD, body: 'My <b>long</b> body' } });
    expect(response.status).toBe(401);
    const page = await response.text();
    expect(page).toContain('Your desk session has ended');
    expect(page).toContain('My &lt;b&gt;long&lt;/b&gt; body');
    expect((await desk.store.queryItems({})).items.some((i) => i.headline === GOOD.headline)).toBe(false);
  });

  it('escapes what editors typed in every page: a script headline is text', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn();
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const item = await desk.store.addItem({
      topic: 'nft',
      headline: evil,
      body: `Body ${evil}`,
      sourceName: `"><script>alert(3)</script>`,
      sourceUrl: 'https://example.org/?a="b"&c=<d>',
      author: { ...TEST_AUTHOR, name: evil },
      publishedAt: '2022-01-11T05:00:00.000Z',
      updatedAt: '2022-01-11T05:00:00.000Z',
    });
    for (const path of ['/', `/items/${item.id}`, '/search?q=script', `/items/${item.id}/delete`]) {
      const page = await (await desk.request(path, { cookie })).text();
      expect(page, path).not.toContain('<script>alert');
      expect(page, path).not.toContain('<img src=x');
      expect(page, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const preview = await desk.request(`/preview?id=${item.id}`, {
      cookie,
      form: { topic: 'nft', headline: evil, body: evil, sourceName: evil, sourceUrl: '' },
    });
    const json = (await preview.json()) as { html: string };
    expect(json.html).not.toContain('<script>alert');
    expect(json.html).not.toContain('<img src=x');
    expect(json.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('previews a draft with the adapters’ renderers, with counts and where the digest splits', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn();
    // A long day: 12 items of 1,400 characters split the digest on both platforms.
    for (let i = 0; i < 12; i++) {
      await desk.store.addItem({
        topic: 'policy',
        headline: `Long item ${i}`,
        body: `${'政策'.repeat(350)}${i}`,
        author: TEST_AUTHOR,
        publishedAt: `2022-01-11T0${Math.floor(i / 6)}:0${i % 6}:00.000Z`,
        updatedAt: '2022-01-11T00:00:00.000Z',
      });
    }
    const response = await desk.request('/preview', {
      cookie,
      form: { ...GOOD, headline: '比特币挖矿 **bold** _x_' },
    });
    expect(response.status).toBe(200);
    const { html, counts } = (await response.json()) as {
      html: string;
      counts: Record<string, { length: number; limit: number; text: string }>;
    };
    expect(counts.headline).toEqual({ length: 18, limit: 200, text: '18 / 200' });
    expect(counts.body).toMatchObject({
      length: GOOD.body.length,
      limit: 1500,
      text: `${GOOD.body.length} / 1,500`,
    });
    expect(html).toContain('class="tg-bubble"');
    expect(html).toContain('class="dc-embed"');
    // Discord markdown in the headline was escaped by the Discord renderer and shows as typed.
    expect(html).toContain('比特币挖矿 **bold** _x_');
    expect(html).toMatch(/<strong>Telegram:<\/strong> [2-9] messages; message 2 starts at/);
    expect(html).toMatch(/<strong>Discord:<\/strong> [2-9] messages; message 2 starts at/);
    expect(html).toMatch(/message 1 of \d+ · [\d,]+ \/ 4,096 characters/);
    expect(html).toMatch(/[\d,]+ \/ 6,000 characters in embeds/);
    // Previewing stored nothing.
    expect((await desk.store.queryItems({})).items.some((i) => i.headline.startsWith('比特币挖矿'))).toBe(
      false,
    );
  });

  it('shows any day’s briefing, and says so when a date is not one', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn();
    const day = await (await desk.request('/?date=2022-01-11', { cookie })).text();
    expect(day).toContain('Today’s briefing — Tue 11 Jan 2022');
    const empty = await (await desk.request('/?date=2021-12-01', { cookie })).text();
    expect(empty).toContain('Nothing was published on Wed 1 Dec 2021.');
    expect(empty).toContain('href="/?date=2022-01-11"');
    for (const bad of ['2022-02-30', '<script>', 'tomorrow']) {
      const page = await (await desk.request(`/?date=${encodeURIComponent(bad)}`, { cookie })).text();
      expect(page, bad).toContain('is not a date; use YYYY-MM-DD');
      expect(page, bad).toContain('Showing today.');
      expect(page, bad).not.toContain('<script>');
    }
  });

  it('searches headlines and bodies, Chinese too', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn();
    await desk.store.addItem({
      topic: 'mining',
      headline: '四川水电优惠结束',
      body: '比特币矿工北迁。',
      author: TEST_AUTHOR,
      publishedAt: '2022-01-10T05:00:00.000Z',
      updatedAt: '2022-01-10T05:00:00.000Z',
    });
    const page = await (await desk.request(`/search?q=${encodeURIComponent('矿工')}`, { cookie })).text();
    expect(page).toContain('1 item matches');
    expect(page).toContain('四川水电优惠结束');
    const none = await (await desk.request('/search?q=zzzz-nothing', { cookie })).text();
    expect(none).toContain('Nothing matches');
  });

  it('lists subscriptions with filters, runs, and previews one subscription’s digest', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn();
    await desk.newsroom.subscribe(
      { chat: { platform: 'telegram', id: '-100' }, kind: 'group', title: 'Miners <Club>' },
      EDITOR,
      {},
      desk.clock.now(),
      ENGLISH,
    );
    await desk.newsroom.subscribe(
      { chat: { platform: 'discord', id: '555' }, kind: 'group', title: '#news' },
      EDITOR,
      { topics: ['nft'] },
      desk.clock.now(),
      ENGLISH,
    );
    await desk.newsroom.pauseChat(
      { platform: 'discord', id: '555' },
      'the channel was deleted',
      desk.clock.now(),
    );
    const all = await (await desk.request('/deliveries', { cookie })).text();
    expect(all).toContain('2 of 2 subscriptions');
    expect(all).toContain('Miners &lt;Club&gt;');
    expect(all).toContain('the channel was deleted');
    const paused = await (await desk.request('/deliveries?status=paused', { cookie })).text();
    expect(paused).toContain('1 of 2 subscriptions');
    expect(paused).not.toContain('Miners &lt;Club&gt;');
    const telegram = await (
      await desk.request('/deliveries?platform=telegram&status=bogus', { cookie })
    ).text();
    expect(telegram).toContain('1 of 2 subscriptions');
    const preview = await desk.request(`/deliveries/digest?key=${encodeURIComponent('telegram:-100')}`, {
      cookie,
    });
    expect(preview.status).toBe(200);
    const previewPage = await preview.text();
    expect(previewPage).toContain('the delivery cursor did not move');
    expect(previewPage).toContain('class="tg-bubble"');
    expect((await desk.request('/deliveries/digest?key=telegram%3A404', { cookie })).status).toBe(404);
  });

  it('refuses a body past 64 kB and changes nothing', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn();
    const response = await desk.request('/items', { cookie, form: { ...GOOD, body: 'x'.repeat(70_000) } });
    expect(response.status).toBe(413);
    expect((await desk.store.queryItems({})).items.some((i) => i.headline === GOOD.headline)).toBe(false);
  });

  it('never logs a sign-in token or a session id', async () => {
    desk = await startDesk();
    const { token } = await desk.mintToken();
    await desk.request(`/sign-in/${token}`);
    const response = await desk.request('/sign-in', { form: { token } });
    const session = /=([0-9a-f]{64})\./.exec(response.headers.get('set-cookie')!)?.[1];
    await desk.request(`/sign-in/${token}`);
    await desk.request(`/sign-in/${'f'.repeat(64)}`);
    const logged = JSON.stringify(desk.records);
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect(logged).not.toContain(token);
    expect(logged).not.toContain(session);
    // Nor does the store keep them: only their hashes.
    expect(JSON.stringify(await desk.sessions.findSignInToken(token))).toBe(undefined);
  });
});

import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from '../../fakes/telegram/index.js';
import { type App, startApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { MemoryStore } from '../../src/store/memory.js';
import { freePort } from '../adapters/desk/harness.js';
import { recordingLogger } from '../adapters/telegram/harness.js';
import { launchBrowser } from '../helpers/browser.js';
import { TestClock } from '../helpers/newsroom.js';
import { FeedServer, rss } from '../wire/feed-server.js';

/** Screenshots land here (not committed); the README's three were copied from a run. */
const SHOTS = path.join(import.meta.dirname, '..', 'output');
const EDITOR_CHAT = { id: 111, type: 'private', first_name: 'Mei' } as const;
const READER_CHAT = { id: 222, type: 'private', first_name: 'Rita' } as const;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** Runs in the page: every field without a label, every button without a name a screen reader reads. */
const UNNAMED_CONTROLS = `(() => {
  const missing = [];
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const label = el.id ? document.querySelector('label[for="' + el.id + '"]') : null;
    if (!(label && label.textContent.trim()) && !el.getAttribute('aria-label')) missing.push(el.outerHTML);
  }
  for (const el of document.querySelectorAll('button, a.button')) {
    if ((el.getAttribute('aria-label') || el.textContent || '').trim() === '') missing.push(el.outerHTML);
  }
  return missing;
})()`;

/**
 * The desk end to end in a real headless chromium: the bot (real telegraf client against the fake
 * Bot API) sends the sign-in link in a Telegram chat, the browser signs in with it and runs a
 * morning — write with live previews, publish, see it in `/brief`, fix a typo, delete — and the
 * safety promises are checked from the browser's side.
 */
describe('the desk in a browser', () => {
  let fake: FakeTelegram;
  let app: App;
  let browser: Browser;
  let desk: string;
  let clock: TestClock;
  let feeds: FeedServer;
  const { logger, records } = recordingLogger();
  const dialogs: string[] = [];

  /** Sends a command in a Telegram chat and returns the bot's reply text. */
  const ask = async (chat: { id: number; type: 'private'; first_name: string }, text: string) => {
    const before = fake.sent.length;
    fake.sendText({ chat, text });
    const reply = await fake.waitForSent(
      (m) => fake.sent.indexOf(m) >= before && String(m.chat_id) === String(chat.id),
    );
    return reply.visibleText;
  };

  /** The link the bot sends an editor who asks for `/desk`. */
  const deskLink = async () => {
    const reply = await ask(EDITOR_CHAT, '/desk');
    const link = /http:\/\/127\.0\.0\.1:\d+\/sign-in\/[0-9a-f]{64}/.exec(reply)?.[0];
    if (!link) throw new Error(`no link in ${reply}`);
    return link;
  };

  /** A fresh browser profile, failing the test on any dialog (an `alert` would mean a script ran). */
  const newContext = async (viewport = DESKTOP): Promise<BrowserContext> => {
    const context = await browser.newContext({ viewport });
    context.on('page', (page) => watch(page));
    return context;
  };
  const watch = (page: Page) => {
    page.on('dialog', async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
  };

  /** A signed-in page: opens the link from the Telegram chat, which signs in and lands on the desk. */
  const signedIn = async (viewport = DESKTOP) => {
    const context = await newContext(viewport);
    const page = await context.newPage();
    await page.goto(await deskLink());
    await page.waitForURL(`${desk}/`);
    return { context, page };
  };

  beforeAll(async () => {
    fake = new FakeTelegram();
    const { apiRoot } = await fake.start();
    feeds = await new FeedServer().start();
    const port = await freePort();
    desk = `http://127.0.0.1:${port}`;
    clock = new TestClock('2022-01-11T06:00:00Z');
    app = await startApp({
      config: loadConfig({
        TELEGRAM_BOT_TOKEN: fake.token,
        TELEGRAM_API_ROOT: apiRoot,
        ADMIN_TELEGRAM_IDS: String(EDITOR_CHAT.id),
        DESK_PORT: String(port),
        DESK_PUBLIC_URL: desk,
        SAMPLE_DATA: '1',
        // The wire's feeds in these tests are on 127.0.0.1.
        FEED_ALLOW_PRIVATE: '1',
      }),
      logger,
      store: new MemoryStore(),
      clock,
    });
    browser = await launchBrowser();
    await mkdir(SHOTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await fake?.stop();
    await feeds?.stop();
  });

  it('signs in through the link the bot sends in a Telegram chat; a reader gets the editor-only reply', async () => {
    expect(await ask(READER_CHAT, '/desk')).toContain("/desk is for the newsroom's editors only");
    const { context, page } = await signedIn();
    expect(await page.locator('h1').textContent()).toBe('Today’s briefing — Tue 11 Jan 2022');
    expect(await page.locator('.who').textContent()).toBe('Mei');
    await context.close();
  });

  it('refuses a used link, and sends a page without a session to the signed-out page', async () => {
    const link = await deskLink();
    const first = await newContext();
    const page = await first.newPage();
    await page.goto(link);
    await page.waitForURL(`${desk}/`);
    const second = await newContext();
    const other = await second.newPage();
    const refused = await other.goto(link);
    expect(refused?.status()).toBe(410);
    expect(await other.locator('main').textContent()).toContain('This sign-in link was already used');
    for (const where of ['/', '/write', '/deliveries', '/search?q=nft', '/items/1']) {
      await other.goto(`${desk}${where}`);
      expect(new URL(other.url()).pathname, where).toBe('/signed-out');
      expect(await other.locator('h1').textContent()).toBe('You are signed out');
    }
    // Sign-out ends the session: the same browser is signed out afterwards.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${desk}/signed-out`);
    await page.goto(`${desk}/write`);
    expect(new URL(page.url()).pathname).toBe('/signed-out');
    await first.close();
    await second.close();
  });

  it('writes with live previews on both platforms, publishes, and /brief serves the item', async () => {
    const { context, page } = await signedIn();
    await page.getByRole('link', { name: 'Write', exact: true }).click();
    await page.waitForURL(`${desk}/write`);
    await page.getByLabel('Topic').selectOption('mining');
    await page.getByLabel('Headline').fill('Inner Mongolia shuts the last mining farms');
    await page
      .getByLabel('Body')
      .fill('The region closed 45 farms this week.\n\nOperators have until March to remove the machines.');
    await page.getByLabel('Source', { exact: true }).fill('Xinhua');
    await page.getByLabel('Source URL').fill('https://www.news.cn/');
    // The preview follows the typing: drawn from the adapters' renderers on the server.
    const bubble = page.locator('#preview .tg-bubble').first();
    await expect.poll(() => bubble.textContent()).toContain('Inner Mongolia shuts the last mining farms');
    await expect
      .poll(() => page.locator('#preview .dc-embed').first().textContent())
      .toContain('Inner Mongolia');
    // The source link, once the last keystrokes reached the preview (the digest below has others).
    await expect.poll(() => bubble.locator('a[href="https://www.news.cn/"]').count()).toBe(1);
    await expect
      .poll(() =>
        page.locator('#preview .dc-embed').first().locator('a[href="https://www.news.cn/"]').count(),
      )
      .toBe(1);
    expect(await page.locator('#headline-count').textContent()).toBe('42 / 200');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/published=\d+/);
    expect(await page.locator('.notice').textContent()).toMatch(/Published #\d+\./);
    expect(await page.locator('.item-headline', { hasText: 'Inner Mongolia' }).count()).toBe(1);

    expect(await ask(READER_CHAT, '/brief')).toContain('Inner Mongolia shuts the last mining farms');
    await context.close();
  });

  it('fixes a typo and deletes an item, and /brief follows', async () => {
    const { context, page } = await signedIn();
    await page.getByRole('link', { name: 'Write', exact: true }).click();
    await page.waitForURL(`${desk}/write`);
    await page.getByLabel('Topic').selectOption('policy');
    await page.getByLabel('Headline').fill('Beijing drafts rules for digitial collectibles');
    await page.getByLabel('Body').fill('The draft asks platforms to verify buyers.');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/published=\d+/);
    expect(await ask(READER_CHAT, '/brief')).toContain('digitial collectibles');

    await page.getByRole('link', { name: /^Edit #\d+: Beijing drafts rules/ }).click();
    await page.getByLabel('Headline').fill('Beijing drafts rules for digital collectibles');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/saved=\d+/);
    const brief = await ask(READER_CHAT, '/brief');
    expect(brief).toContain('Beijing drafts rules for digital collectibles');
    expect(brief).not.toContain('digitial');

    await page.getByRole('link', { name: /^Edit #\d+: Beijing drafts rules/ }).click();
    await page.getByRole('link', { name: 'Delete' }).click();
    await page.getByRole('button', { name: /^Delete #\d+$/ }).click();
    await page.waitForURL(/deleted=\d+/);
    expect(await ask(READER_CHAT, '/brief')).not.toContain('Beijing drafts rules');
    await context.close();
  });

  it('shows a problem next to its field and keeps the text', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${desk}/write`);
    await page.getByLabel('Headline').fill('A headline to keep');
    await page.getByLabel('Source URL').fill('ftp://example.org/file');
    await page.getByRole('button', { name: 'Publish' }).click();
    expect(await page.locator('#body-error').textContent()).toBe('The body is empty.');
    expect(await page.locator('#sourceUrl-error').textContent()).toContain(
      'must start with http:// or https://',
    );
    expect(await page.getByLabel('Headline').inputValue()).toBe('A headline to keep');
    expect(await page.getByLabel('Body').getAttribute('aria-invalid')).toBe('true');
    // The first field with a problem has the focus.
    expect(await page.evaluate('document.activeElement.id')).toBe('body');
    await context.close();
  });

  it('keeps unsaved text in the tab and offers it back; once published it is forgotten', async () => {
    const { context, page } = await signedIn();
    await page.goto(`${desk}/write`);
    await page.getByLabel('Headline').fill('Typed but never sent');
    await page.getByLabel('Body').fill('The connection dropped.');
    await page.goto(`${desk}/`);
    await page.goto(`${desk}/write`);
    await page.getByRole('button', { name: 'Restore it' }).click();
    expect(await page.getByLabel('Headline').inputValue()).toBe('Typed but never sent');
    expect(await page.getByLabel('Body').inputValue()).toBe('The connection dropped.');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/published=\d+/);
    await page.goto(`${desk}/write`);
    expect(await page.locator('#draft-restore').isVisible()).toBe(false);
    await context.close();
  });

  it('runs no script from a headline: <script>alert(1)</script> shows as text', async () => {
    const { context, page } = await signedIn();
    const evil = '<script>alert(1)</script><img src=x onerror="alert(2)">';
    await page.goto(`${desk}/write`);
    await page.getByLabel('Headline').fill(evil);
    await page.getByLabel('Body').fill(`Body ${evil}`);
    await page.getByLabel('Source', { exact: true }).fill('"><script>alert(3)</script>');
    await expect
      .poll(() => page.locator('#preview .tg-bubble').first().textContent())
      .toContain('<script>alert(1)');
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/published=\d+/);
    expect(await page.locator('.item-headline', { hasText: '<script>alert(1)</script>' }).count()).toBe(1);
    await page.goto(`${desk}/search?q=${encodeURIComponent('<script>')}`);
    expect(await page.locator('.item-headline').first().textContent()).toBe(evil);
    await page.locator('.item-actions a').first().click();
    expect(await page.getByLabel('Headline').inputValue()).toBe(evil);
    await page.locator('#preview .tg-bubble').first().waitFor();
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('refuses a form another site sends to the desk, and changes nothing', async () => {
    const { context, page } = await signedIn();
    const before = (await app.store.queryItems({})).total;
    const evil = await new Promise<Server>((resolve) => {
      const server = createServer((_req, res) => {
        res.setHeader('content-type', 'text/html');
        res.end(
          `<form method="post" action="${desk}/items"><input name="topic" value="nft"><input name="headline" value="Forged"><input name="body" value="Forged body"><button>Go</button></form>`,
        );
      });
      server.listen(0, '127.0.0.1', () => resolve(server));
    });
    try {
      // "localhost" is another origin than the desk's 127.0.0.1.
      await page.goto(`http://localhost:${(evil.address() as AddressInfo).port}/`);
      await page.getByRole('button', { name: 'Go' }).click();
      await page.waitForLoadState();
      expect(await page.locator('h1').textContent()).toBe('Request refused');
      expect((await app.store.queryItems({})).total).toBe(before);
    } finally {
      evil.close();
    }
    await context.close();
  });

  it('runs the wire from the Wire page: adds feeds, publishes and skips drafts, pauses a feed (screenshot)', async () => {
    const entry = (n: number, title: string, body: string, day: number) =>
      `<title>${title}</title><link>https://www.caixinglobal.com/2022-01-${day}/${n}/</link><guid>cx-${n}</guid><description>${body}</description><pubDate>${day} Jan 2022 0${n}:30:00 GMT</pubDate>`;
    const caixin = feeds.serve(
      '/caixin.xml',
      rss('Caixin Global · Blockchain', [
        entry(
          1,
          'Sichuan ends hydro-power discounts for bitcoin miners',
          'The province said its discount scheme for crypto miners ends in June. Miners are moving their machines north.',
          9,
        ),
        entry(
          2,
          'Inner Mongolia names the last mining farms it will close',
          'Officials listed 45 farms that must be shut by March. Operators have to remove the machines.',
          10,
        ),
        entry(
          3,
          'Miners’ hash rate share in China falls below 10%',
          'Cambridge figures show the country’s share of the network dropped again. Kazakhstan and the US gained.',
          10,
        ),
      ]),
    );
    const ledger = feeds.serve(
      '/ledger.xml',
      rss('The Ledger Insights', [
        entry(
          4,
          'Digital-collectibles platforms told to stop secondary trading',
          'An industry body warned NFT platforms against resale markets. Several apps paused transfers.',
          10,
        ),
      ]),
    );
    const { context, page } = await signedIn();
    await page.getByRole('link', { name: 'Wire', exact: true }).click();
    await page.waitForURL(`${desk}/wire`);

    // A refusal keeps what was typed, next to the field.
    await page.getByLabel('URL').fill('caixin dot com');
    await page.getByRole('button', { name: 'Add the feed' }).click();
    expect(await page.locator('#feed-url-error').textContent()).toContain('is not a URL');
    expect(await page.getByLabel('URL').inputValue()).toBe('caixin dot com');

    await page.getByLabel('URL').fill(caixin);
    await page.getByLabel('Topic', { exact: true }).selectOption('mining');
    await page.getByRole('button', { name: 'Add the feed' }).click();
    await page.waitForURL(/done=added/);
    expect(await page.locator('.notice').textContent()).toContain(
      'Added feed #1: Caixin Global · Blockchain.',
    );
    await page.getByLabel('URL').fill(ledger);
    await page.getByLabel('Auto-publish').check();
    await page.getByRole('button', { name: 'Add the feed' }).click();
    await page.waitForURL(/done=added/);
    expect(await page.locator('.feeds tbody tr').count()).toBe(2);

    // Draft 4 (by aliases: "NFT" chose it) and the newest of the first feed.
    await page.getByRole('button', { name: 'Publish draft 3' }).click();
    await page.waitForURL(/decided=3/);
    expect(await page.locator('.notice').textContent()).toMatch(/Draft 3: ✅ Published by Mei as #\d+\./);
    expect(await ask(READER_CHAT, '/brief')).toContain('Miners’ hash rate share in China falls below 10%');
    await page.getByRole('button', { name: 'Skip draft 1' }).click();
    await page.waitForURL(/decided=1/);
    expect(await page.locator('.notice').textContent()).toContain('Draft 1: ✖️ Skipped by Mei.');
    await page.getByRole('button', { name: 'Pause feed 2' }).click();
    await page.waitForURL(/done=paused/);
    expect(await page.locator('#feed-2 .status').textContent()).toBe('paused');
    expect(await page.locator('#decided ~ .decided li').count()).toBe(2);

    for (const viewport of [PHONE, DESKTOP]) {
      await page.setViewportSize(viewport);
      const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      expect(width).toBeLessThanOrEqual(viewport.width);
      expect(await page.evaluate(UNNAMED_CONTROLS)).toEqual([]);
    }
    await page.goto(`${desk}/wire`);
    await page.screenshot({ path: path.join(SHOTS, 'desk-wire.png'), fullPage: true });
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: path.join(SHOTS, 'desk-wire-phone.png'), fullPage: true });
    await context.close();
  });

  it('shows a feed’s script title and headline as text on the Wire page', async () => {
    // Entities twice: the feed's text, once its own HTML is read as text, is the tag itself.
    const evil = '&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;';
    const url = feeds.serve(
      '/evil.xml',
      rss(evil, [`<title>${evil}</title><guid>evil-1</guid><description>Body ${evil}</description>`]),
    );
    const { context, page } = await signedIn();
    await page.goto(`${desk}/wire`);
    await page.getByLabel('URL').fill(url);
    await page.getByRole('button', { name: 'Add the feed' }).click();
    await page.waitForURL(/done=added/);
    const row = page.locator('.feeds tbody tr').last();
    expect(await row.locator('strong').textContent()).toBe('<script>alert(1)</script>');
    expect(await page.locator('.wire-draft .item-headline').first().textContent()).toBe(
      '<script>alert(1)</script>',
    );
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    await context.close();
  });

  for (const [name, viewport] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`works at a ${name}’s width, every field labelled and every button named (screenshots)`, async () => {
      // A subscription and a run fill the deliveries page's tables.
      expect(await ask(READER_CHAT, '/subscribe mining nft 07:30 Europe/Berlin')).toMatch(
        /Subscribed|Subscription updated/,
      );
      await app.delivery.tick();
      const { context, page } = await signedIn(viewport);
      for (const where of [
        '/',
        '/write',
        '/deliveries',
        '/search?q=NFT',
        '/deliveries/digest?key=telegram%3A222',
      ]) {
        await page.goto(`${desk}${where}`);
        const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        expect(width, where).toBeLessThanOrEqual(viewport.width);
        const unnamed = (await page.evaluate(UNNAMED_CONTROLS)) as string[];
        expect(unnamed, where).toEqual([]);
      }
      await page.goto(`${desk}/write`);
      await page.getByLabel('Topic').selectOption('nft');
      await page.getByLabel('Headline').fill('幻核 shuts down its NFT platform');
      await page
        .getByLabel('Body')
        .fill(
          'Tencent’s digital-collectibles app 幻核 stopped selling new items and offered refunds.\n\nRegulators had warned platforms against secondary trading.',
        );
      await page.getByLabel('Source', { exact: true }).fill('Caixin');
      await page.getByLabel('Source URL').fill('https://www.caixin.com/');
      await expect
        .poll(() =>
          page.locator('#preview .tg-bubble').first().locator('a[href="https://www.caixin.com/"]').count(),
        )
        .toBe(1);
      await page.screenshot({ path: path.join(SHOTS, `desk-${name}.png`), fullPage: name === 'phone' });
      await page.goto(`${desk}/`);
      await page.screenshot({ path: path.join(SHOTS, `desk-briefing-${name}.png`) });
      await context.close();
    });
  }

  it('speaks Chinese to an editor whose chat speaks it, and switches language on the page (screenshot)', async () => {
    expect(await ask(EDITOR_CHAT, '/language zh')).toContain('中文');
    try {
      const { context, page } = await signedIn();
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      expect(await page.locator('h1').textContent()).toBe('今日简报 — 2022年1月11日 星期二');
      // Every page fits and names its controls in Chinese too (Chinese words are wider than they look).
      for (const where of [
        '/',
        '/deliveries',
        '/search?q=NFT',
        '/deliveries/digest?key=telegram%3A222',
        '/items/1/delete',
      ]) {
        await page.goto(`${desk}${where}`);
        const wide = (await page.evaluate('document.documentElement.scrollWidth')) as number;
        expect(wide, where).toBeLessThanOrEqual(DESKTOP.width);
        expect((await page.evaluate(UNNAMED_CONTROLS)) as string[], where).toEqual([]);
        expect(await page.getAttribute('html', 'lang'), where).toBe('zh-CN');
      }
      await page.goto(`${desk}/deliveries`);
      await page.screenshot({ path: path.join(SHOTS, 'desk-zh-deliveries.png'), fullPage: true });
      await page.goto(`${desk}/`);
      await page.screenshot({ path: path.join(SHOTS, 'desk-zh-briefing.png') });
      await page.getByRole('link', { name: '撰写', exact: true }).click();
      await page.waitForURL(`${desk}/write`);
      await page.getByLabel('话题').selectOption('nft');
      await page.getByLabel('标题').fill('幻核停止销售数字藏品');
      await page
        .getByLabel('正文')
        .fill(
          '腾讯旗下的数字藏品平台幻核停止发售新藏品，并为用户办理退款。\n\n监管部门此前已警告平台不得开展二级市场交易。',
        );
      await page.getByLabel('来源', { exact: true }).fill('财新');
      await page.getByLabel('来源 URL').fill('https://www.caixin.com/');
      await expect
        .poll(() =>
          page.locator('#preview .tg-bubble').first().locator('a[href="https://www.caixin.com/"]').count(),
        )
        .toBe(1);
      expect(await page.locator('#headline-count').textContent()).toBe('10 / 200');
      expect(await page.locator('.tg-meta').first().textContent()).toMatch(/^[\d,]+ \/ 4,096 个字符$/);
      const unnamed = (await page.evaluate(UNNAMED_CONTROLS)) as string[];
      expect(unnamed).toEqual([]);
      const width = (await page.evaluate('document.documentElement.scrollWidth')) as number;
      expect(width).toBeLessThanOrEqual(DESKTOP.width);
      await page.screenshot({ path: path.join(SHOTS, 'desk-zh.png') });
      // A mistake is named in Chinese by the core's own check.
      await page.getByLabel('来源 URL').fill('ftp://example.org/');
      await page.getByRole('button', { name: '发布' }).click();
      expect(await page.locator('#sourceUrl-error').textContent()).toBe(
        '来源 URL "ftp://example.org/" 必须以 http:// 或 https:// 开头。',
      );
      // The switch: English from here on in this browser, back on the same page.
      await page.goto(`${desk}/search?q=NFT`);
      await page.getByRole('button', { name: 'English' }).click();
      await page.waitForURL(`${desk}/search?q=NFT`);
      expect(await page.getAttribute('html', 'lang')).toBe('en');
      expect(await page.locator('h1').textContent()).toBe('Search');
      const cookie = (await context.cookies()).find((c) => c.name === 'briefcast_desk_language');
      expect(cookie).toMatchObject({ value: 'en', httpOnly: true, sameSite: 'Lax', path: '/' });
      await page.getByRole('button', { name: '中文' }).click();
      await page.waitForURL(`${desk}/search?q=NFT`);
      expect(await page.locator('h1').textContent()).toBe('搜索');
      await context.close();
    } finally {
      await ask(EDITOR_CHAT, '/language en');
    }
  });

  it('logs no sign-in link or session', async () => {
    const link = await deskLink();
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(link);
    await page.waitForURL(`${desk}/`);
    const cookie = (await context.cookies()).find((c) => c.name === 'briefcast_desk');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const logged = JSON.stringify(records);
    expect(logged).not.toContain(link.split('/').pop()!);
    expect(logged).not.toContain(cookie!.value.split('.')[0]!);
    await context.close();
  });

  it('holds back an address that keeps sending bad sign-in links', async () => {
    // A fresh window: the used link refused above counted against this address too.
    clock.advance(10 * 60_000);
    const context = await newContext();
    const page = await context.newPage();
    for (let i = 0; i < 10; i++) {
      const response = await page.goto(`${desk}/sign-in/${'0'.repeat(62)}${String(i).padStart(2, '0')}`);
      expect(response?.status()).toBe(404);
    }
    const good = await deskLink();
    const held = await page.goto(good);
    expect(held?.status()).toBe(429);
    expect(await page.locator('h1').textContent()).toBe('Too many bad sign-in links');
    // Ten minutes later the address may try again, and the good link still works.
    clock.advance(10 * 60_000);
    await page.goto(await deskLink());
    await page.waitForURL(`${desk}/`);
    await context.close();
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { SESSION_MS, SIGN_IN_LINK_MS } from '../../../src/adapters/desk/auth.js';
import { escapeHtml } from '../../../src/adapters/desk/html.js';
import { deskLanguage, languageFromAcceptLanguage } from '../../../src/adapters/desk/language.js';
import { renderText } from '../../../src/core/render-text.js';
import { flatten } from '../../../src/i18n/catalog.js';
import en from '../../../src/i18n/locales/en.js';
import zhCN from '../../../src/i18n/locales/zh-CN.js';
import { ENGLISH } from '../../../src/i18n/translator.js';
import { type Desk, EDITOR, startDesk } from './harness.js';

const ZH = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' };
const BAD_FORM = { topic: 'weather', headline: '', body: '', sourceName: '', sourceUrl: 'ftp://x' };

/**
 * Pieces of the desk's English words (a message's text between its placeholders, 8 characters or
 * more, as a page escapes them): none may be left on a page in Chinese.
 */
const ENGLISH_PIECES = (() => {
  const zh = flatten(zhCN.messages);
  const pieces = new Set<string>();
  for (const [key, text] of flatten(en.messages)) {
    if (!key.startsWith('desk.') || zh.get(key) === text) continue;
    for (const piece of text.split(/\{\{[^}]*\}\}/))
      if (piece.trim().length >= 8 && /[a-z]/i.test(piece)) pieces.add(escapeHtml(piece.trim()));
  }
  return [...pieces];
})();
const englishLeftIn = (page: string) => ENGLISH_PIECES.filter((piece) => page.includes(piece));

describe('the language of a desk page', () => {
  it('reads Accept-Language by quality, any zh as Simplified Chinese', () => {
    expect(languageFromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN');
    expect(languageFromAcceptLanguage('zh-TW')).toBe('zh-CN');
    expect(languageFromAcceptLanguage('zh-Hant-HK;q=0.8, en;q=0.9')).toBe('en');
    expect(languageFromAcceptLanguage('de-DE, fr;q=0.9, zh;q=0.1')).toBe('zh-CN');
    expect(languageFromAcceptLanguage('en-GB,en;q=0.5')).toBe('en');
    expect(languageFromAcceptLanguage('de, fr;q=0.5, *;q=0.1')).toBeUndefined();
    expect(languageFromAcceptLanguage('zh;q=0, en;q=bogus')).toBeUndefined();
    expect(languageFromAcceptLanguage('')).toBeUndefined();
    expect(languageFromAcceptLanguage(undefined)).toBeUndefined();
  });

  it('takes the switch’s cookie, then the chat’s language, then the browser’s, then the default', () => {
    expect(deskLanguage({ cookie: 'en', session: 'zh-CN', acceptLanguage: 'zh' }, 'zh-CN')).toBe('en');
    expect(deskLanguage({ session: 'zh-CN', acceptLanguage: 'en' }, 'en')).toBe('zh-CN');
    expect(deskLanguage({ cookie: 'klingon', session: 'xx', acceptLanguage: 'zh-HK' }, 'en')).toBe('zh-CN');
    expect(deskLanguage({ acceptLanguage: 'de' }, 'zh-CN')).toBe('zh-CN');
    expect(deskLanguage({}, 'en')).toBe('en');
  });
});

describe('the desk in Chinese', () => {
  let desk: Desk;
  afterEach(async () => {
    await desk?.stop();
  });

  it('shows every signed-in page in Chinese, with no English words of the desk left', async () => {
    desk = await startDesk();
    await desk.newsroom.subscribe(
      { chat: { platform: 'telegram', id: '-100' }, kind: 'group', title: 'Miners' },
      EDITOR,
      {},
      desk.clock.now(),
      ENGLISH,
    );
    await desk.store.addRun({
      id: 'run-1',
      startedAt: '2022-01-11T00:00:00.000Z',
      finishedAt: '2022-01-11T00:00:03.500Z',
      due: 1234,
      sent: 1200,
      empty: 30,
      failed: 4,
      paused: 0,
      byPlatform: {},
      sendRate: { bucketSeconds: 1, counts: [600, 500, 100] },
    });
    const cookie = await desk.signIn(EDITOR, 'zh-CN');
    const pages: [string, number, readonly string[]][] = [
      [
        '/',
        200,
        ['今日简报 — 2022年1月11日 星期二', '撰写条目', '退出登录', '← 前一天', '，Briefcast newsroom 发布'],
      ],
      [
        '/?date=2021-12-01',
        200,
        ['2021年12月1日 星期三 没有发布任何内容。', '最新的简报是 <a href="/?date=2022-01-11">'],
      ],
      ['/?date=tomorrow', 200, ['不是日期', '现显示今天。']],
      ['/write', 200, ['撰写条目', '<label for="headline">标题</label>', '发布', '预览', '个字符']],
      ['/items/1', 200, ['编辑 #1', '保存', '删除', '加入它之后的今日摘要']],
      ['/items/1/delete', 200, ['删除 #1？', '保留', '此操作无法撤销']],
      ['/search', 200, ['标题、正文和来源中的词语', '每个词都必须出现']],
      ['/search?q=mining', 200, ['个条目与“mining”匹配']],
      ['/search?q=zzzz', 200, ['没有与“zzzz”匹配的内容。']],
      [
        '/deliveries',
        200,
        ['最近的推送', '1,234', '3.5 秒', '每秒发送的摘要数', '共 1 个订阅，1 个符合。', '摘要预览', '正常'],
      ],
      [
        '/deliveries/digest?key=telegram%3A-100',
        200,
        ['摘要预览：Miners', '按该聊天的语言（English）绘制。', '下次摘要：'],
      ],
      ['/deliveries/digest?key=telegram%3A404', 404, ['没有这个订阅']],
      [
        '/wire',
        200,
        ['<a href="/wire" aria-current="page">来稿</a>', '<input type="hidden" name="return" value="/wire">'],
      ],
      ['/items/99999', 404, ['没有条目 #99999']],
      ['/nowhere', 404, ['找不到页面', '编辑台没有这个页面。']],
    ];
    for (const [path, status, chinese] of pages) {
      const response = await desk.request(path, { cookie });
      expect(response.status, path).toBe(status);
      const page = await response.text();
      expect(page, path).toContain('<html lang="zh-CN">');
      expect(page, path).toContain('· Briefcast 编辑台</title>');
      for (const text of chinese) expect(page, path).toContain(text);
      expect(englishLeftIn(page), path).toEqual([]);
    }
  });

  it('says what is wrong with an item in Chinese, with the core’s own checks', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn(EDITOR, 'zh-CN');
    const response = await desk.request('/items', { cookie, form: BAD_FORM });
    expect(response.status).toBe(422);
    const page = await response.text();
    expect(page).toContain('<strong>未发布：</strong> 4 个字段需要修改。');
    expect(page).toMatch(/id="topic-error">&quot;weather&quot; 不是话题；话题有 /);
    expect(page).toContain('id="headline-error">标题是空的。');
    expect(page).toContain('id="body-error">正文是空的。');
    expect(page).toContain(
      'id="sourceUrl-error">来源 URL &quot;ftp://x&quot; 必须以 http:// 或 https:// 开头。',
    );
    expect(englishLeftIn(page)).toEqual([]);
    const edit = await (await desk.request('/items/1', { cookie, form: BAD_FORM })).text();
    expect(edit).toContain('<strong>未保存：</strong>');
    // The live preview speaks it too: its drawing, its counters.
    const preview = await desk.request('/preview', { cookie, form: { ...BAD_FORM, headline: '四川' } });
    const json = (await preview.json()) as { html: string; counts: Record<string, { text: string }> };
    expect(json.counts.body?.text).toBe('0 / 1,500');
    expect(json.html).toContain('个字符');
    expect(json.html).toContain('加入它之后的今日摘要');
    expect(englishLeftIn(json.html)).toEqual([]);
  });

  it('shows the pages without a session in the browser’s language', async () => {
    desk = await startDesk({ limiter: { maxFailures: 3, windowMs: 60 * 60_000, maxKeys: 100 } });
    const headers = ZH;
    const { token } = await desk.mintToken();
    const expired = await desk.mintToken();
    const pages: [string, number, readonly string[]][] = [
      ['/signed-out', 200, ['你已退出登录', '向机器人发送 /desk']],
      [`/sign-in/${token}`, 200, ['正在登录编辑台…', '进入编辑台']],
      [`/sign-in/${'0'.repeat(64)}`, 404, ['这个链接无法登录', '这不是有效的登录链接。']],
    ];
    for (const [path, status, chinese] of pages) {
      const response = await desk.request(path, { headers });
      expect(response.status, path).toBe(status);
      const page = await response.text();
      expect(page, path).toContain('<html lang="zh-CN">');
      for (const text of chinese) expect(page, path).toContain(text);
      expect(englishLeftIn(page), path).toEqual([]);
    }
    await desk.request('/sign-in', { form: { token } });
    const used = await (await desk.request(`/sign-in/${token}`, { headers })).text();
    expect(used).toContain('这个登录链接已经用过了');
    desk.clock.advance(SIGN_IN_LINK_MS);
    const late = await desk.request(`/sign-in/${expired.token}`, { headers });
    expect(await late.text()).toContain('这个登录链接已过期：链接的有效期是 10 分钟。');
    const held = await desk.request(`/sign-in/${token}`, { headers });
    expect(held.status).toBe(429);
    const heldPage = await held.text();
    expect(heldPage).toContain('无效登录链接太多');
    expect(heldPage).toContain('请在 50 分钟后再试。');
    expect(englishLeftIn(heldPage)).toEqual([]);
  });

  it('refuses in Chinese: another site’s form, a form after the session ended, too much text', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn(EDITOR, 'zh-CN');
    const foreign = await desk.request('/items', { cookie, form: BAD_FORM, origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    // Before the session is read: the browser's language (here none, so the default) decides.
    expect(await foreign.text()).toContain('Request refused');
    const refused = await desk.request('/items', {
      cookie,
      form: BAD_FORM,
      origin: 'https://evil.example',
      headers: ZH,
    });
    const refusedPage = await refused.text();
    expect(refusedPage).toContain('请求被拒绝');
    expect(englishLeftIn(refusedPage)).toEqual([]);
    const big = await desk.request('/items', {
      cookie,
      form: { ...BAD_FORM, body: 'x'.repeat(70_000) },
      headers: ZH,
    });
    expect(big.status).toBe(413);
    expect(await big.text()).toContain('文字太多');
    desk.clock.advance(SESSION_MS);
    const ended = await desk.request('/items', {
      cookie,
      form: { ...BAD_FORM, headline: '留着' },
      headers: ZH,
    });
    expect(ended.status).toBe(401);
    const endedPage = await ended.text();
    expect(endedPage).toContain('你的编辑台会话已结束');
    expect(endedPage).toContain('（12 小时后，或因退出登录）');
    expect(endedPage).toContain('<label for="kept-1">标题</label>');
    expect(englishLeftIn(endedPage)).toEqual([]);
  });

  it('signs in from /desk in a Chinese chat to a Chinese desk; an English chat’s desk is English', async () => {
    desk = await startDesk();
    const fromChat = async (locale: string) => {
      const doc = await desk.dispatcher.dispatch({
        platform: 'telegram',
        command: 'desk',
        input: { text: '' },
        chat: { platform: 'telegram', id: EDITOR.id },
        chatKind: 'private',
        user: EDITOR,
        locale,
        isChatAdmin: async () => true,
      });
      const token = /\/sign-in\/([0-9a-f]{64})/.exec(renderText(doc))?.[1];
      const signedIn = await desk.request('/sign-in', { form: { token: token! } });
      expect(signedIn.status).toBe(303);
      return signedIn.headers.get('set-cookie')!.split(';')[0]!;
    };
    const chinese = await fromChat('zh-CN');
    // The chat's language outranks the browser's.
    const page = await (
      await desk.request('/', { cookie: chinese, headers: { 'accept-language': 'en' } })
    ).text();
    expect(page).toContain('<html lang="zh-CN">');
    expect(page).toContain('今日简报');
    const english = await fromChat('en-US');
    const other = await (await desk.request('/', { cookie: english, headers: ZH })).text();
    expect(other).toContain('<html lang="en">');
    expect(other).toContain('Today’s briefing');
  });

  it('follows the browser’s language when the session has none', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn();
    const page = await (await desk.request('/write', { cookie, headers: ZH })).text();
    expect(page).toContain('<html lang="zh-CN">');
    expect(englishLeftIn(page)).toEqual([]);
    expect(await (await desk.request('/write', { cookie })).text()).toContain('<html lang="en">');
  });
});

describe('the language switch', () => {
  let desk: Desk;
  afterEach(async () => {
    await desk?.stop();
  });

  it('stores the choice in an HttpOnly, SameSite=Lax cookie and goes back to the page', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn(EDITOR, 'zh-CN');
    const saved = await (await desk.request('/?date=2022-01-11&saved=1', { cookie })).text();
    expect(saved).toContain('<input type="hidden" name="return" value="/?date=2022-01-11">');
    const home = await (await desk.request('/search?q=nft', { cookie })).text();
    // Each other language is one button, named in its own language.
    expect(home).toContain('<form class="language" method="post" action="/language">');
    expect(home).toContain('<input type="hidden" name="return" value="/search?q=nft">');
    expect(home).toContain('<button type="submit" name="language" value="en" lang="en"');
    const switched = await desk.request('/language', {
      cookie,
      form: { language: 'en', return: '/search?q=nft' },
    });
    expect(switched.status).toBe(303);
    expect(switched.headers.get('location')).toBe('/search?q=nft');
    const set = switched.headers.get('set-cookie')!;
    expect(set).toMatch(/^briefcast_desk_language=en;/);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Lax');
    expect(set).toContain('Path=/');
    const chosen = `${cookie}; ${set.split(';')[0]}`;
    // The choice outranks the chat's language and the browser's, and outlives the session.
    const page = await (await desk.request('/search?q=nft', { cookie: chosen, headers: ZH })).text();
    expect(page).toContain('<html lang="en">');
    expect(page).toContain('value="zh-CN" lang="zh-CN"');
    // Back to Chinese from a form's answer: the switch returns to the form's own page.
    const refused = await (await desk.request('/items', { cookie: chosen, form: BAD_FORM })).text();
    expect(refused).toContain('<input type="hidden" name="return" value="/write">');
    const back = await desk.request('/language', {
      cookie: chosen,
      form: { language: 'zh-CN', return: '/write' },
    });
    expect(back.headers.get('set-cookie')).toMatch(/^briefcast_desk_language=zh-CN;/);
    await desk.request('/sign-out', { cookie: chosen, form: {} });
    const out = await (await desk.request('/signed-out', { cookie: set.split(';')[0]!, headers: ZH })).text();
    expect(out).toContain('You are signed out');
  });

  it('goes back only to a page of the desk', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn();
    for (const target of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'write', '']) {
      const response = await desk.request('/language', {
        cookie,
        form: { language: 'zh-CN', return: target },
      });
      expect(response.status, target).toBe(303);
      expect(response.headers.get('location'), target).toBe('/');
    }
  });

  it('refuses a language it does not speak with a clear page, and changes nothing', async () => {
    desk = await startDesk();
    const cookie = await desk.signIn();
    for (const language of ['de', 'zh', '', '<script>']) {
      const response = await desk.request('/language', { cookie, form: { language, return: '/' } });
      expect(response.status, language).toBe(400);
      expect(response.headers.get('set-cookie'), language).toBeNull();
      const page = await response.text();
      expect(page).toContain('No such language');
      expect(page).toContain(
        'is not a language the desk speaks; choose en (English), zh-CN (中文). Nothing was changed.',
      );
      expect(page).not.toContain('<script>');
    }
    const zh = await desk.request('/language', { cookie, form: { language: 'fr' }, headers: ZH });
    expect(await zh.text()).toContain(
      '&quot;fr&quot; 不是编辑台支持的语言；请选择 en (English)、zh-CN (中文)。没有做任何更改。',
    );
    expect((await desk.request('/', { cookie })).status).toBe(200);
  });

  it('is refused without a session or from another site, and sets nothing', async () => {
    desk = await startDesk();
    const noSession = await desk.request('/language', { form: { language: 'zh-CN', return: '/' } });
    expect(noSession.status).toBe(401);
    expect(noSession.headers.get('set-cookie')).toBeNull();
    const cookie = await desk.signIn();
    for (const origin of ['https://evil.example', null]) {
      const response = await desk.request('/language', { cookie, form: { language: 'zh-CN' }, origin });
      expect(response.status, String(origin)).toBe(403);
      expect(response.headers.get('set-cookie')).toBeNull();
    }
    expect(await (await desk.request('/', { cookie })).text()).toContain('<html lang="en">');
  });

  it('marks the cookie Secure on https', async () => {
    desk = await startDesk({ publicUrl: 'https://desk.example.org' });
    const cookie = await desk.signIn();
    const response = await desk.request('/language', {
      cookie,
      form: { language: 'zh-CN' },
    });
    expect(response.headers.get('set-cookie')).toContain('Secure');
  });
});

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { deleteCookie, getCookie, getSignedCookie, setCookie, setSignedCookie } from 'hono/cookie';
import { chatKey, PLATFORMS, type Platform } from '../../core/chat.js';
import type { DeskSession } from '../../core/desk.js';
import type { DraftField, DraftProblem, Item } from '../../core/items.js';
import type { Newsroom } from '../../core/newsroom.js';
import { parseDate } from '../../core/parse.js';
import { searchItems } from '../../core/search.js';
import { nextDelivery } from '../../core/subscription.js';
import { localDate } from '../../core/time.js';
import { quoted } from '../../core/user-text.js';
import { LANGUAGE_PACKS } from '../../i18n/languages.js';
import { isLanguage, type Translator, translatorFor } from '../../i18n/translator.js';
import type { Logger } from '../../log.js';
import type { Wire } from '../../wire/wire.js';
import { type Asset, loadAssets } from './assets.js';
import { type DeskAuth, SESSION_MS } from './auth.js';
import type { SafeHtml } from './html.js';
import { deskLanguage, LANGUAGE_COOKIE, LANGUAGE_COOKIE_MAX_AGE_S } from './language.js';
import { briefingPage } from './pages/briefing.js';
import {
  deliveriesPage,
  digestPreviewPage,
  SUBSCRIPTIONS_SHOWN,
  type SubscriptionFilter,
} from './pages/deliveries.js';
import {
  blankValues,
  deletePage,
  draftOf,
  type FormValues,
  fieldLabel,
  itemFormPage,
  valuesOf,
} from './pages/item-form.js';
import { plainPage, type Viewer } from './pages/layout.js';
import { searchPage } from './pages/search.js';
import {
  linkRefusedPage,
  rateLimitedPage,
  refusedPage,
  sessionEndedPage,
  signedOutPage,
  signInPage,
} from './pages/sign-in.js';
import { drawBoth, previewDraft } from './preview.js';
import { FailureLimiter, type FailureLimiterOptions } from './rate-limit.js';
import { wireRoutes } from './wire-routes.js';

/**
 * The Content-Security-Policy of every response: scripts, styles and everything else only from the
 * desk itself, no inline script or style, no framing, forms posting only back to the desk.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The session cookie's name; on https it carries the `__Host-` prefix (Secure, whole site, no Domain). */
const COOKIE = 'briefcast_desk';
/** The largest request body taken: a form of an item is a few kilobytes. */
const MAX_BODY_BYTES = 64 * 1024;
/** Bad sign-in links one address may send in {@link DEFAULT_LIMITER}'s window before it is held back. */
export const DEFAULT_LIMITER: FailureLimiterOptions = {
  maxFailures: 10,
  windowMs: 10 * 60_000,
  maxKeys: 10_000,
};
/** Delivery runs the deliveries page lists. */
const RUNS_SHOWN = 10;
const ITEM_ID = /^[1-9]\d{0,8}$/;
const FIELDS: readonly DraftField[] = ['topic', 'headline', 'body', 'sourceName', 'sourceUrl'];
/** The query parameters a save leaves for the briefing page's notice (`?published=12`). */
const NOTICE_PARAMS = ['published', 'saved', 'deleted'] as const;
/** Where the language switch may send the browser back to: a path of the desk, never another site. */
const RETURN_PATH = /^\/(?![/\\])[^\s\\]{0,1999}$/;

/** What the desk is built from. */
export interface DeskServerOptions {
  readonly newsroom: Newsroom;
  readonly auth: DeskAuth;
  readonly logger: Logger;
  /** `DESK_PUBLIC_URL`: the origin every state-changing request must come from. */
  readonly publicUrl: string;
  /** `DESK_PORT`. */
  readonly port: number;
  /** @defaultValue all interfaces, so a reverse proxy or a phone on the network can reach it */
  readonly host?: string;
  /** @defaultValue {@link DEFAULT_LIMITER} */
  readonly limiter?: FailureLimiterOptions;
  /** The news wire, for the Wire section; without it that page says the wire is not running. */
  readonly wire?: Wire;
}

/** What a request carries once its session is checked, and the language of its page. */
export type Env = { Variables: { session: DeskSession; sessionId: string; tr: Translator } };

/** A running desk. */
export interface DeskServer {
  readonly port: number;
  close(): Promise<void>;
}

const htmlResponse = (
  c: Context,
  body: SafeHtml,
  status: 200 | 400 | 401 | 403 | 404 | 410 | 413 | 422 | 429 | 500 = 200,
) => c.html(body.value, status);

/** A form's text fields (anything else, such as a file, reads as empty). */
function formValues(body: Record<string, unknown>): FormValues {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  return Object.fromEntries(FIELDS.map((f) => [f, text(f)])) as FormValues;
}

/**
 * The desk's web app (hono): the sign-in pages, the session check, and the signed-in pages. Exposed
 * for tests; {@link startDeskServer} serves it.
 */
export function deskApp(options: DeskServerOptions, assets: ReadonlyMap<string, Asset>): Hono<Env> {
  const { newsroom, auth, logger } = options;
  const clock = newsroom.clock;
  const limiter = new FailureLimiter(options.limiter ?? DEFAULT_LIMITER);
  const origin = new URL(options.publicUrl).origin;
  const https = origin.startsWith('https:');
  const cookieName = https ? `__Host-${COOKIE}` : COOKIE;
  let cookieKey: Promise<string> | undefined;
  const key = () => {
    cookieKey ??= auth.cookieKey();
    return cookieKey;
  };
  const app = new Hono<Env>();
  /** The language of a page: the editor's choice, the chat's, the browser's, `DEFAULT_LANGUAGE`. */
  const translatorOf = (c: Context<Env>, session?: DeskSession) =>
    translatorFor(
      deskLanguage(
        {
          cookie: getCookie(c, LANGUAGE_COOKIE),
          session: session?.language,
          acceptLanguage: c.req.header('accept-language'),
        },
        newsroom.defaultLanguage,
      ),
    );
  /** The address the language switch returns to: this page, or for a form's answer the form's page. */
  const here = (c: Context<Env>) => {
    if (c.req.method === 'GET') {
      const url = new URL(c.req.url);
      // "Published #12." said once is enough: the page comes back without its notice.
      for (const notice of NOTICE_PARAMS) url.searchParams.delete(notice);
      return url.pathname + url.search;
    }
    if (c.req.path === '/items') return '/write';
    return /^\/items\/\d+$/.test(c.req.path) ? c.req.path : '/';
  };
  /** Who a page is for: its language, the session when there is one, and its address. */
  const viewer = (c: Context<Env>): Viewer => {
    const session = c.get('session') as DeskSession | undefined;
    return {
      tr: c.get('tr') ?? translatorFor(newsroom.defaultLanguage),
      ...(session && { session }),
      here: here(c),
    };
  };
  const notFound = (c: Context<Env>) => {
    const { tr } = viewer(c);
    return htmlResponse(
      c,
      plainPage(viewer(c), tr.t('desk.errors.notFoundTitle'), [tr.t('desk.errors.notFound')]),
      404,
    );
  };

  app.use(async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    c.header('X-Content-Type-Options', 'nosniff');
    // Not `no-referrer`: with it browsers send `Origin: null` on the desk's own forms. `same-origin`
    // still keeps every desk address (a sign-in path holds a token) from other sites.
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cross-Origin-Opener-Policy', 'same-origin');
    if (!c.res.headers.has('Cache-Control')) c.header('Cache-Control', 'no-store');
  });

  // Until a session says more, a page speaks the language the browser chose or asks for.
  app.use(async (c, next) => {
    c.set('tr', translatorOf(c));
    return next();
  });

  // Every state change must come from the desk's own pages: the browser's Origin says where a
  // request was made; another site's form or script carries its own.
  app.use(async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    if (c.req.header('origin') !== origin) return htmlResponse(c, refusedPage(viewer(c)), 403);
    return next();
  });
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => {
        const { tr } = viewer(c);
        return htmlResponse(
          c,
          plainPage(viewer(c), tr.t('desk.errors.tooLargeTitle'), [tr.t('desk.errors.tooLarge')]),
          413,
        );
      },
    }),
  );

  app.get('/static/:name', (c) => {
    const asset = assets.get(c.req.param('name'));
    if (!asset) return notFound(c);
    c.header('Cache-Control', 'no-cache');
    return c.body(asset.body, 200, { 'Content-Type': asset.type });
  });

  const address = (c: Context) => getConnInfo(c).remote.address ?? 'unknown';
  /** The refusal for an address that sent too many bad links, or `undefined` to go on. */
  const heldBack = (c: Context<Env>) => {
    const wait = limiter.blocked(address(c), clock.now().getTime());
    return wait === undefined
      ? undefined
      : htmlResponse(c, rateLimitedPage(viewer(c), Math.ceil(wait / 60_000)), 429);
  };
  const refuse = (c: Context<Env>, state: 'used' | 'expired' | 'unknown') => {
    limiter.fail(address(c), clock.now().getTime());
    return htmlResponse(c, linkRefusedPage(viewer(c), state), state === 'unknown' ? 404 : 410);
  };

  app.get('/sign-in/:token', async (c) => {
    const held = heldBack(c);
    if (held) return held;
    const token = c.req.param('token');
    const state = await auth.linkState(token, clock.now());
    return state === 'valid' ? htmlResponse(c, signInPage(viewer(c), token)) : refuse(c, state);
  });

  app.post('/sign-in', async (c) => {
    const held = heldBack(c);
    if (held) return held;
    const body = await c.req.parseBody();
    const token = typeof body.token === 'string' ? body.token : '';
    const result = await auth.signIn(token, clock.now());
    if (typeof result === 'string') return refuse(c, result);
    // A browser signing in again leaves no older session of its own behind.
    const previous = await getSignedCookie(c, await key(), cookieName);
    if (typeof previous === 'string') await auth.signOut(previous);
    await setSignedCookie(c, cookieName, result.sessionId, await key(), {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: https,
      maxAge: SESSION_MS / 1000,
    });
    return c.redirect('/', 303);
  });

  app.get('/signed-out', (c) => htmlResponse(c, signedOutPage(viewer(c))));

  app.post('/sign-out', async (c) => {
    const id = await getSignedCookie(c, await key(), cookieName);
    if (typeof id === 'string') await auth.signOut(id);
    deleteCookie(c, cookieName, { path: '/', secure: https });
    return c.redirect('/signed-out', 303);
  });

  // Everything below needs a live session: pages send the signed-out to the signed-out page; a
  // form sent after the session ended says so and shows what was typed.
  app.use(async (c, next) => {
    const id = await getSignedCookie(c, await key(), cookieName);
    const session = typeof id === 'string' ? await auth.session(id, clock.now()) : undefined;
    if (!session || typeof id !== 'string') {
      if (c.req.method === 'GET' || c.req.method === 'HEAD') return c.redirect('/signed-out', 303);
      if (c.req.path === '/preview') return c.json({ error: 'signed out' }, 401);
      const typed = formValues(await c.req.parseBody().catch(() => ({})));
      const { tr } = viewer(c);
      return htmlResponse(
        c,
        sessionEndedPage(
          viewer(c),
          FIELDS.map((f) => [fieldLabel(tr, f), typed[f]]),
        ),
        401,
      );
    }
    c.set('session', session);
    c.set('sessionId', id);
    // The session knows the language of the chat the editor signed in from.
    c.set('tr', translatorOf(c, session));
    return next();
  });

  // The language switch: kept in a cookie of its own (a preference, not a credential), for the
  // signed-out pages too; it changes nothing else.
  app.post('/language', async (c) => {
    const body = await c.req.parseBody();
    const wanted = typeof body.language === 'string' ? body.language : '';
    const asSent: string = wanted;
    if (!isLanguage(wanted)) {
      const { tr } = viewer(c);
      const choices = tr.list(LANGUAGE_PACKS.map((p) => `${p.code} (${p.name})`));
      return htmlResponse(
        c,
        plainPage(viewer(c), tr.t('desk.errors.badLanguageTitle'), [
          tr.t('desk.errors.badLanguage', { text: quoted(asSent), choices }),
        ]),
        400,
      );
    }
    setCookie(c, LANGUAGE_COOKIE, wanted, {
      httpOnly: true,
      sameSite: 'Lax',
      path: '/',
      secure: https,
      maxAge: LANGUAGE_COOKIE_MAX_AGE_S,
    });
    const back = typeof body.return === 'string' && RETURN_PATH.test(body.return) ? body.return : '/';
    return c.redirect(back, 303);
  });

  const today = () => localDate(clock.now(), newsroom.settings.timezone);
  const dayOf = (item: Item) => localDate(new Date(item.publishedAt), newsroom.settings.timezone);
  const itemId = (c: Context) =>
    ITEM_ID.test(c.req.param('id') ?? '') ? Number(c.req.param('id')) : undefined;
  const noItem = (c: Context<Env>, id: string) => {
    const { tr } = viewer(c);
    return htmlResponse(
      c,
      plainPage(viewer(c), tr.t('desk.errors.noItemTitle'), [tr.t('desk.errors.noItem', { id })]),
      404,
    );
  };

  const formPage = async (
    c: Context<Env>,
    values: FormValues,
    problems: readonly DraftProblem[],
    status: 200 | 404 | 422 | 500,
    editing?: Item,
    notice?: { text: string; tone: 'ok' | 'error' },
    fresh = false,
  ) => {
    const tr = c.get('tr');
    const preview = await previewDraft(newsroom, draftOf(values), {
      author: c.get('session').user,
      now: clock.now(),
      tr,
      ...(editing && { editing }),
    });
    return htmlResponse(
      c,
      itemFormPage({
        viewer: viewer(c),
        topics: newsroom.topics,
        values,
        problems,
        preview,
        ...(editing && { editing }),
        ...(notice && { notice }),
        fresh,
      }),
      status,
    );
  };
  const saveFailed = (c: Context<Env>, e: unknown, values: FormValues, editing?: Item) => {
    logger.error({ err: e, route: c.req.routePath }, 'desk could not save an item');
    return formPage(c, values, [], 500, editing, {
      text: c.get('tr').t('desk.errors.saveFailed'),
      tone: 'error',
    });
  };

  app.get('/', async (c) => {
    const now = clock.now();
    const tr = c.get('tr');
    const raw = c.req.query('date');
    const parsed =
      raw === undefined || raw === '' ? undefined : parseDate(raw, now, newsroom.settings.timezone, tr);
    const date = parsed?.ok ? parsed.value : today();
    const notices: { text: string; tone: 'ok' | 'error' }[] = [];
    const published = c.req.query('published');
    const savedId = c.req.query('saved');
    const savedForm =
      published !== undefined && ITEM_ID.test(published)
        ? '/items'
        : savedId !== undefined && ITEM_ID.test(savedId)
          ? `/items/${savedId}`
          : undefined;
    if (parsed && !parsed.ok)
      notices.push({ text: tr.t('desk.notices.showingToday', { problem: parsed.error }), tone: 'error' });
    for (const param of NOTICE_PARAMS) {
      const id = c.req.query(param);
      if (id !== undefined && ITEM_ID.test(id))
        notices.push({ text: tr.t(`desk.notices.${param}`, { id }), tone: 'ok' });
    }
    const briefing = await newsroom.briefings.ofDay(date);
    const latest = briefing ? undefined : await newsroom.briefings.latestDay(now);
    return htmlResponse(
      c,
      briefingPage({
        viewer: viewer(c),
        newsroom,
        date,
        today: today(),
        briefing,
        latest,
        ...(notices[0] && { notice: notices[0] }),
        ...(savedForm && { savedForm }),
      }),
    );
  });

  app.get('/write', (c) => formPage(c, blankValues(newsroom.topics), [], 200, undefined, undefined, true));

  app.post('/items', async (c) => {
    const values = formValues(await c.req.parseBody());
    try {
      const published = await newsroom.publish(
        draftOf(values),
        c.get('session').user,
        clock.now(),
        c.get('tr'),
      );
      if (!published.ok) return await formPage(c, values, published.error, 422);
      const item = published.value;
      return c.redirect(`/?date=${dayOf(item)}&published=${item.id}#item-${item.id}`, 303);
    } catch (e) {
      return saveFailed(c, e, values);
    }
  });

  app.get('/items/:id', async (c) => {
    const id = itemId(c);
    const item = id === undefined ? undefined : await newsroom.store.getItem(id);
    if (!item) return noItem(c, c.req.param('id'));
    return formPage(c, valuesOf(item), [], 200, item, undefined, true);
  });

  app.post('/items/:id', async (c) => {
    const values = formValues(await c.req.parseBody());
    const id = itemId(c);
    const item = id === undefined ? undefined : await newsroom.store.getItem(id);
    const gone = () =>
      formPage(c, values, [], 404, undefined, {
        text: c.get('tr').t('desk.errors.itemGone', { id: c.req.param('id') }),
        tone: 'error',
      });
    if (id === undefined || !item) return gone();
    try {
      const revised = await newsroom.revise(id, draftOf(values), clock.now(), c.get('tr'));
      if (!revised) return await gone();
      if (!revised.ok) return await formPage(c, values, revised.error, 422, item);
      return c.redirect(`/?date=${dayOf(revised.value)}&saved=${id}#item-${id}`, 303);
    } catch (e) {
      return saveFailed(c, e, values, item);
    }
  });

  app.get('/items/:id/delete', async (c) => {
    const id = itemId(c);
    const item = id === undefined ? undefined : await newsroom.store.getItem(id);
    if (!item) return noItem(c, c.req.param('id'));
    const { tr } = viewer(c);
    return htmlResponse(c, deletePage(viewer(c), item, newsroom.topics.label(item.topic, tr)));
  });

  app.post('/items/:id/delete', async (c) => {
    const id = itemId(c);
    const item = id === undefined ? undefined : await newsroom.store.deleteItem(id);
    if (!item) return noItem(c, c.req.param('id'));
    return c.redirect(`/?date=${dayOf(item)}&deleted=${item.id}`, 303);
  });

  app.post('/preview', async (c) => {
    const values = formValues(await c.req.parseBody());
    const idParam = c.req.query('id');
    const editing =
      idParam !== undefined && ITEM_ID.test(idParam)
        ? await newsroom.store.getItem(Number(idParam))
        : undefined;
    const preview = await previewDraft(newsroom, draftOf(values), {
      author: c.get('session').user,
      now: clock.now(),
      tr: c.get('tr'),
      ...(editing && { editing }),
    });
    return c.json({ html: preview.html.value, counts: preview.counts });
  });

  app.get('/search', async (c) => {
    const query = (c.req.query('q') ?? '').trim();
    const found = query === '' ? undefined : await searchItems(newsroom.store, query);
    return htmlResponse(c, searchPage(viewer(c), newsroom, query, found));
  });

  app.get('/deliveries', async (c) => {
    const platform = c.req.query('platform') || undefined;
    const status = c.req.query('status') || undefined;
    const after = c.req.query('after') || undefined;
    const filter: SubscriptionFilter = {
      ...(PLATFORMS.includes(platform as Platform) && { platform: platform as Platform }),
      ...((status === 'active' || status === 'paused') && { status }),
    };
    const page = await newsroom.store.subscriptionPage({
      ...filter,
      ...(after !== undefined && { after }),
      limit: SUBSCRIPTIONS_SHOWN + 1,
    });
    const records = page.records.slice(0, SUBSCRIPTIONS_SHOWN);
    const counts = await newsroom.store.subscriptionCounts();
    const total = Object.values(counts).reduce((n, c) => n + c.active + c.paused, 0);
    const runs = [...(await newsroom.store.recentRuns(RUNS_SHOWN))].reverse();
    const nextAfter = page.records.length > SUBSCRIPTIONS_SHOWN ? records.at(-1)?.settings.key : undefined;
    return htmlResponse(
      c,
      deliveriesPage({
        viewer: viewer(c),
        newsroom,
        filter,
        records,
        matching: page.total,
        total,
        runs,
        ...(nextAfter !== undefined && { nextAfter }),
      }),
    );
  });

  app.get('/deliveries/digest', async (c) => {
    const key = c.req.query('key') ?? '';
    const sub = key === '' ? undefined : (await newsroom.store.getSubscription(key))?.settings;
    const { tr } = viewer(c);
    if (!sub || sub.key !== chatKey(sub.chat))
      return htmlResponse(
        c,
        plainPage(viewer(c), tr.t('desk.errors.noSubscriptionTitle'), [tr.t('desk.errors.noSubscription')]),
        404,
      );
    const now = clock.now();
    // The digest speaks the chat's language, as its digests do; the page around it the desk's.
    const chatTr = await newsroom.translatorOf(sub.chat);
    const doc = await newsroom.digestPreview(sub.chat, now, chatTr);
    return htmlResponse(
      c,
      digestPreviewPage(
        viewer(c),
        newsroom,
        sub,
        { html: drawBoth(doc, tr), language: chatTr.pack.name },
        nextDelivery(sub, now),
      ),
    );
  });

  wireRoutes(app, { newsroom, translator: (c) => c.get('tr'), ...(options.wire && { wire: options.wire }) });

  app.notFound(notFound);
  // The route pattern is logged, never the path: a sign-in path holds a token.
  app.onError((e, c) => {
    logger.error({ err: e, method: c.req.method, route: c.req.routePath }, 'desk request failed');
    const { tr } = viewer(c);
    return htmlResponse(
      c,
      plainPage(viewer(c), tr.t('desk.errors.failedTitle'), [tr.t('desk.errors.failed')]),
      500,
    );
  });
  return app;
}

/** Serves the desk on `options.port` until closed. */
export async function startDeskServer(options: DeskServerOptions): Promise<DeskServer> {
  const app = deskApp(options, await loadAssets());
  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve(
      { fetch: app.fetch, port: options.port, ...(options.host !== undefined && { hostname: options.host }) },
      () => resolve(s as Server),
    ) as Server;
    s.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  options.logger.info({ port, url: options.publicUrl }, 'desk listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

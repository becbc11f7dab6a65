import type { Context, Hono } from 'hono';
import { UsageError } from '../../core/errors.js';
import type { Newsroom } from '../../core/newsroom.js';
import { parseTopic } from '../../core/parse.js';
import { quoted } from '../../core/user-text.js';
import { ENGLISH, type Translator } from '../../i18n/translator.js';
import type { Draft } from '../../wire/model.js';
import type { Wire } from '../../wire/wire.js';
import type { SafeHtml } from './html.js';
import {
  BLANK_FEED_FORM,
  type FeedFormProblems,
  type FeedFormValues,
  removeFeedPage,
  type WirePageParts,
  wireOffPage,
  wirePage,
} from './pages/wire.js';
import type { Env } from './server.js';

/** Waiting drafts the Wire page lists at a time. */
export const DRAFTS_PER_PAGE = 10;
/** Decided drafts the Wire page lists, the latest decision first. */
export const DECIDED_SHOWN = 10;
/** Feed and draft numbers as a path or query carries them. */
const NUMBER = /^[1-9]\d{0,8}$/;
const FEED_ACTIONS = ['pause', 'resume', 'remove'] as const;
const FEED_DONE = ['added', 'paused', 'resumed', 'removed', 'alreadyPaused', 'notPaused'] as const;

/** What the Wire routes work with. */
export interface WireRoutesOptions {
  readonly newsroom: Newsroom;
  /** Absent when no wire runs in this process: the page says so. */
  readonly wire?: Wire;
  /** The language of a request's pages. @defaultValue English */
  readonly translator?: (c: Context<Env>) => Translator;
}

type Notice = { readonly text: string; readonly tone: 'ok' | 'error' };
type Status = 200 | 404 | 409 | 422;

/** A number from a path or form, or `undefined` when it is not one. */
const numberOf = (text: string | undefined) =>
  text !== undefined && NUMBER.test(text) ? Number(text) : undefined;
const textOf = (value: unknown) => (typeof value === 'string' ? value : '');

/**
 * The desk's Wire section: `GET /wire` and the forms it posts — add a feed, pause, resume or remove
 * one, publish or skip a draft. Every change goes through the {@link Wire}'s own operations (the
 * same validation, refusals and compare-and-set as `/feed` and `/wire` in chat); a change that
 * worked redirects back to the page (303), a refusal draws it again with what was typed.
 */
export function wireRoutes(app: Hono<Env>, options: WireRoutesOptions): void {
  const { newsroom, wire } = options;
  const trOf = options.translator ?? (() => ENGLISH);
  const clock = newsroom.clock;
  const send = (c: Context<Env>, body: SafeHtml, status: Status = 200) => c.html(body.value, status);

  /** The page with the current feeds, a page of drafts and the latest decisions. */
  const draw = async (
    c: Context<Env>,
    w: Wire,
    extra: Partial<Pick<WirePageParts, 'form' | 'formProblems' | 'draftProblems' | 'notice'>> & {
      before?: number | undefined;
    },
    status: Status = 200,
  ) => {
    const tr = trOf(c);
    const before = extra.before;
    const page = await w.store.listDrafts({
      state: 'waiting',
      limit: DRAFTS_PER_PAGE,
      ...(before !== undefined && { beforeId: before }),
    });
    const waiting =
      before === undefined ? page.total : (await w.store.listDrafts({ state: 'waiting', limit: 0 })).total;
    const last = page.drafts.at(-1);
    const nextBefore = page.total > page.drafts.length && last ? last.id : undefined;
    return send(
      c,
      wirePage({
        session: c.get('session'),
        tr,
        topics: newsroom.topics,
        timezone: newsroom.settings.timezone,
        views: w.views,
        feeds: await w.store.listFeeds(),
        form: extra.form ?? BLANK_FEED_FORM,
        formProblems: extra.formProblems ?? {},
        drafts: page.drafts,
        waiting,
        ...(before !== undefined && { before }),
        ...(nextBefore !== undefined && { nextBefore }),
        ...(extra.draftProblems && { draftProblems: extra.draftProblems }),
        decided: await recentlyDecided(w),
        ...(extra.notice && { notice: extra.notice }),
      }),
      status,
    );
  };
  const error = (text: string): Notice => ({ text, tone: 'error' });

  app.get('/wire', async (c) => {
    const tr = trOf(c);
    if (!wire) return send(c, wireOffPage(c.get('session'), tr));
    const rawBefore = c.req.query('before');
    const before = numberOf(rawBefore);
    let notice: Notice | undefined;
    if (rawBefore !== undefined && before === undefined)
      notice = error(tr.t('desk.wire.notices.badCursor', { text: quoted(rawBefore) }));
    notice ??= await outcomeNotice(c, wire, tr);
    return draw(c, wire, { before, ...(notice && { notice }) });
  });

  app.post('/wire/feeds', async (c) => {
    const tr = trOf(c);
    if (!wire) return send(c, wireOffPage(c.get('session'), tr), 404);
    const body = await c.req.parseBody();
    const form: FeedFormValues = {
      url: textOf(body.url),
      topic: textOf(body.topic),
      auto: textOf(body.auto) === 'on',
    };
    const refuse = (problems: FeedFormProblems) => draw(c, wire, { form, formProblems: problems }, 422);
    if (form.url.trim() === '') return refuse({ url: tr.t('wire.feed.missingUrl') });
    // The topic as `/feed add` takes it: a slug or alias, else the same refusal.
    let topic: string | undefined;
    if (form.topic.trim() !== '') {
      const parsed = parseTopic(form.topic, newsroom.topics, tr);
      if (!parsed.ok) return refuse({ topic: parsed.error });
      topic = parsed.value.slug;
    }
    try {
      const added = await wire.createFeed(form.url, topic, form.auto, c.get('session').user, clock.now(), tr);
      const id = added.feed.id;
      return c.redirect(`/wire?feed=${id}&done=added&drafts=${added.drafts}#feed-${id}`, 303);
    } catch (e) {
      // The wire's refusals are all about the address: not a URL, not http(s), already there, unreadable.
      if (e instanceof UsageError) return refuse({ url: e.message });
      throw e;
    }
  });

  app.get('/wire/feeds/:id/remove', async (c) => {
    const tr = trOf(c);
    if (!wire) return send(c, wireOffPage(c.get('session'), tr), 404);
    const raw = c.req.param('id');
    const id = numberOf(raw);
    const feed = id === undefined ? undefined : await wire.store.getFeed(id);
    if (id === undefined)
      return draw(
        c,
        wire,
        { notice: error(tr.t('desk.wire.notices.badFeedId', { text: quoted(raw) })) },
        404,
      );
    if (!feed) return draw(c, wire, { notice: error(tr.t('desk.wire.notices.unknownFeed', { id })) }, 404);
    return send(c, removeFeedPage(c.get('session'), tr, feed));
  });

  for (const action of FEED_ACTIONS)
    app.post(`/wire/feeds/:id/${action}`, async (c) => {
      const tr = trOf(c);
      if (!wire) return send(c, wireOffPage(c.get('session'), tr), 404);
      const raw = c.req.param('id');
      const id = numberOf(raw);
      if (id === undefined)
        return draw(
          c,
          wire,
          { notice: error(tr.t('desk.wire.notices.badFeedId', { text: quoted(raw) })) },
          404,
        );
      const result = await wire.changeFeed(action, id, c.get('session').user);
      if (result.kind === 'missing')
        return draw(c, wire, { notice: error(tr.t('desk.wire.notices.unknownFeed', { id })) }, 404);
      return c.redirect(`/wire?feed=${id}&done=${result.kind}#feeds`, 303);
    });

  for (const action of ['publish', 'skip'] as const)
    app.post(`/wire/drafts/:id/${action}`, async (c) => {
      const tr = trOf(c);
      if (!wire) return send(c, wireOffPage(c.get('session'), tr), 404);
      const body = await c.req.parseBody();
      const before = numberOf(textOf(body.before));
      const raw = c.req.param('id');
      const id = numberOf(raw);
      if (id === undefined)
        return draw(
          c,
          wire,
          { before, notice: error(tr.t('desk.wire.notices.badDraftId', { text: quoted(raw) })) },
          404,
        );
      const topic = textOf(body.topic).trim();
      const result = await wire.decide(
        action,
        id,
        c.get('session').user,
        topic === '' ? undefined : topic,
        clock.now(),
        tr,
      );
      switch (result.kind) {
        case 'published':
        case 'skipped':
          return c.redirect(
            `/wire?decided=${id}${before !== undefined ? `&before=${before}` : ''}#drafts`,
            303,
          );
        case 'taken': {
          const state = wire.views.stateNotice(result.draft, tr);
          return draw(
            c,
            wire,
            { before, notice: error(tr.t('desk.wire.notices.taken', { id, state })) },
            409,
          );
        }
        case 'invalid': {
          const problems = result.problems.join(' ');
          return draw(
            c,
            wire,
            {
              before,
              notice: error(tr.t('desk.wire.notices.invalid', { id, problems })),
              draftProblems: { id, text: problems },
            },
            422,
          );
        }
        case 'missing':
          return draw(
            c,
            wire,
            { before, notice: error(tr.t('desk.wire.notices.missingDraft', { id })) },
            404,
          );
      }
    });
}

/** What a redirect after a change says (`?decided=12`, `?feed=3&done=paused`), from the store as it is now. */
async function outcomeNotice(c: Context<Env>, wire: Wire, tr: Translator): Promise<Notice | undefined> {
  const decided = numberOf(c.req.query('decided'));
  if (decided !== undefined) {
    const draft = await wire.store.getDraft(decided);
    // Who decided, as the store has it: the editor's own decision, or the one that came first.
    return {
      text: tr.t('desk.wire.notices.decided', { id: decided, state: wire.views.stateNotice(draft, tr) }),
      tone: 'ok',
    };
  }
  const id = numberOf(c.req.query('feed'));
  const done = FEED_DONE.find((d) => d === c.req.query('done'));
  if (id === undefined || done === undefined) return undefined;
  const feed = await wire.store.getFeed(id);
  const name = feed ? (feed.title ?? feed.url) : `#${id}`;
  switch (done) {
    case 'added': {
      const count = numberOf(c.req.query('drafts')) ?? 0;
      const text =
        count === 0
          ? tr.t('desk.wire.notices.addedNone', { id, name })
          : tr.t('desk.wire.notices.added', { id, name, count });
      return { text, tone: 'ok' };
    }
    case 'alreadyPaused':
      return {
        text: tr.t('desk.wire.notices.alreadyPaused', {
          id,
          reason: feed ? wire.views.pauseReason(feed, tr) : tr.t('wire.feed.pausedNoReason'),
        }),
        tone: 'ok',
      };
    default:
      return { text: tr.t(`desk.wire.notices.${done}`, { id }), tone: 'ok' };
  }
}

/** The latest decisions, published and skipped together, the latest first. */
async function recentlyDecided(wire: Wire): Promise<Draft[]> {
  const [published, skipped] = await Promise.all(
    (['published', 'skipped'] as const).map((state) =>
      wire.store.listDrafts({ state, limit: DECIDED_SHOWN }),
    ),
  );
  return [...(published?.drafts ?? []), ...(skipped?.drafts ?? [])]
    .sort((a, b) => (b.decidedAt ?? '').localeCompare(a.decidedAt ?? '') || b.id - a.id)
    .slice(0, DECIDED_SHOWN);
}

import type { DeskSession } from '../../../core/desk.js';
import type { TopicCatalog } from '../../../core/topics.js';
import type { Translator } from '../../../i18n/translator.js';
import { cutAtSentence } from '../../../wire/html-text.js';
import type { Draft, Feed } from '../../../wire/model.js';
import type { WireViews } from '../../../wire/wire-views.js';
import { html, type SafeHtml } from '../html.js';
import { page, type Viewer } from './layout.js';

/** Who a Wire page is for; the language switch comes back to the Wire. */
const viewerOf = (session: DeskSession, tr: Translator): Viewer => ({ tr, session, here: '/wire' });

/** A waiting draft's body as the desk lists it: enough to judge it, short enough for a page of ten. */
const EXCERPT_CHARS = 400;

/** The add-a-feed form as typed (kept when the wire refuses it). */
export interface FeedFormValues {
  readonly url: string;
  /** A topic slug, or `''` for "match by aliases". */
  readonly topic: string;
  readonly auto: boolean;
}

/** An empty add-a-feed form. */
export const BLANK_FEED_FORM: FeedFormValues = { url: '', topic: '', auto: false };

/** What the wire refused about the add-a-feed form, by field. */
export interface FeedFormProblems {
  readonly url?: string;
  readonly topic?: string;
}

/** What the Wire page shows. */
export interface WirePageParts {
  readonly session: DeskSession;
  /** The language the page is written in. */
  readonly tr: Translator;
  readonly topics: TopicCatalog;
  /** The briefing's zone, in which dates show. */
  readonly timezone: string;
  readonly views: WireViews;
  /** Every feed, in id order. */
  readonly feeds: readonly Feed[];
  readonly form: FeedFormValues;
  readonly formProblems: FeedFormProblems;
  /** A page of waiting drafts, newest first. */
  readonly drafts: readonly Draft[];
  /** Drafts waiting in all. */
  readonly waiting: number;
  /** The cursor this page was read from, when it is not the first. */
  readonly before?: number;
  /** The cursor of the next (older) page, when there is one. */
  readonly nextBefore?: number;
  /** Why a draft could not be published, shown on it. */
  readonly draftProblems?: { readonly id: number; readonly text: string };
  /** Published or skipped drafts, the latest decision first. */
  readonly decided: readonly Draft[];
  readonly notice?: { readonly text: string; readonly tone: 'ok' | 'error' };
}

/** The page when no wire runs in this process. */
export function wireOffPage(session: DeskSession, tr: Translator): SafeHtml {
  const title = tr.t('desk.wire.title');
  return page({
    title,
    viewer: viewerOf(session, tr),
    section: 'wire',
    body: html`<section class="card"><h1>${title}</h1><p>${tr.t('desk.wire.notRunning')}</p></section>`,
  });
}

/** Asks before a feed is removed (its waiting drafts go with it). */
export function removeFeedPage(session: DeskSession, tr: Translator, feed: Feed): SafeHtml {
  const title = tr.t('desk.wire.remove.title', { id: feed.id });
  return page({
    title,
    viewer: viewerOf(session, tr),
    section: 'wire',
    body: html`<section class="card narrow">
      <h1>${title}</h1>
      <p><strong>${feed.title ?? tr.t('desk.wire.feeds.notRead')}</strong><br><span class="muted">${feed.url}</span></p>
      <p>${tr.t('desk.wire.remove.body')}</p>
      <form method="post" action="/wire/feeds/${feed.id}/remove" class="actions">
        <button type="submit" class="danger">${tr.t('desk.wire.remove.confirm', { id: feed.id })}</button>
        <a class="button" href="/wire#feed-${feed.id}">${tr.t('desk.wire.remove.keep')}</a>
      </form>
    </section>`,
  });
}

/**
 * The Wire: the feeds (status, last success and error, entries seen) with Pause, Resume and Remove,
 * the add-a-feed form, the waiting drafts newest first with Publish and Skip, a page at a time, and
 * the latest decisions with who made them. Everything a feed supplied is text, escaped.
 */
export function wirePage(parts: WirePageParts): SafeHtml {
  const { tr } = parts;
  const title = tr.t('desk.wire.title');
  return page({
    title,
    viewer: viewerOf(parts.session, tr),
    section: 'wire',
    ...(parts.notice && { notice: parts.notice }),
    body: html`<div class="wire">
      <section class="card">
        <h1>${title}</h1>
        <p class="hint">${tr.t('desk.wire.intro')} ${tr.t('desk.wire.times', { timezone: parts.timezone })}</p>
        <h2 id="feeds">${tr.t('desk.wire.feeds.heading')}</h2>
        ${feedTable(parts)}
        ${feedForm(parts)}
      </section>
      <section class="card" aria-labelledby="drafts">
        <h2 id="drafts">${tr.t('desk.wire.drafts.heading')}</h2>
        ${draftList(parts)}
      </section>
      <section class="card" aria-labelledby="decided">
        <h2 id="decided">${tr.t('desk.wire.decided.heading')}</h2>
        ${decidedList(parts)}
      </section>
    </div>`,
  });
}

function when(parts: WirePageParts, iso: string | undefined): string {
  return iso === undefined ? parts.tr.t('desk.wire.feeds.never') : parts.tr.entryTime(iso, parts.timezone);
}

/** A button that posts to `action` (a form of its own: the desk runs no script for it). */
function postButton(action: string, label: string, aria: string, tone?: 'primary' | 'danger'): SafeHtml {
  return html`<form class="inline-form" method="post" action="${action}"><button type="submit"${tone ? html` class="${tone}"` : ''} aria-label="${aria}">${label}</button></form>`;
}

function feedTable(parts: WirePageParts): SafeHtml {
  const { tr, feeds } = parts;
  if (feeds.length === 0) return html`<p>${tr.t('desk.wire.feeds.none')}</p>`;
  const col = (key: Parameters<Translator['t']>[0]) => html`<th scope="col">${tr.t(key)}</th>`;
  return html`<div class="table-wrap"><table class="feeds">
    <caption>${tr.t('desk.wire.feeds.caption', { count: feeds.length })}</caption>
    <thead><tr>${col('desk.wire.feeds.id')}${col('desk.wire.feeds.feed')}${col('desk.wire.feeds.topic')}${col('desk.wire.feeds.auto')}${col('desk.wire.feeds.status')}${col('desk.wire.feeds.lastSuccess')}${col('desk.wire.feeds.lastError')}${col('desk.wire.feeds.seen')}${col('desk.wire.feeds.actions')}</tr></thead>
    <tbody>${feeds.map((feed) => feedRow(parts, feed))}</tbody>
  </table></div>`;
}

function feedRow(parts: WirePageParts, feed: Feed): SafeHtml {
  const { tr } = parts;
  const id = feed.id;
  const paused = feed.status === 'paused';
  const label = (key: Parameters<Translator['t']>[0]) => html` data-label="${tr.t(key)}"`;
  return html`<tr id="feed-${id}">
    <td class="feed-id">#${id}</td>
    <td class="feed-name"><strong>${feed.title ?? tr.t('desk.wire.feeds.notRead')}</strong><br><span class="muted url">${feed.url}</span></td>
    <td${label('desk.wire.feeds.topic')}>${feed.topic === undefined ? tr.t('desk.wire.feeds.byAliases') : parts.topics.label(feed.topic, tr)}</td>
    <td${label('desk.wire.feeds.auto')}>${tr.t(feed.auto ? 'desk.wire.feeds.autoYes' : 'desk.wire.feeds.autoNo')}</td>
    <td${label('desk.wire.feeds.status')}><span class="status status-${feed.status}">${tr.t(paused ? 'desk.wire.feeds.paused' : 'desk.wire.feeds.active')}</span>${paused ? html`<br><span class="muted">${parts.views.pauseReason(feed, tr)}</span>` : ''}</td>
    <td${label('desk.wire.feeds.lastSuccess')}>${when(parts, feed.lastSuccessAt)}</td>
    <td${label('desk.wire.feeds.lastError')}>${
      feed.lastError !== undefined
        ? html`${when(parts, feed.lastErrorAt)}<br><span class="muted error-text">${feed.lastError}</span>${feed.failures > 0 ? html`<br><span class="muted">${tr.t('desk.wire.feeds.failures', { failures: feed.failures })}</span>` : ''}`
        : '—'
    }</td>
    <td class="feed-seen"${label('desk.wire.feeds.seen')}>${feed.entriesSeen}</td>
    <td><div class="row-actions">${
      paused
        ? postButton(
            `/wire/feeds/${id}/resume`,
            tr.t('desk.wire.feeds.resume'),
            tr.t('desk.wire.feeds.resumeLabel', { id }),
          )
        : postButton(
            `/wire/feeds/${id}/pause`,
            tr.t('desk.wire.feeds.pause'),
            tr.t('desk.wire.feeds.pauseLabel', { id }),
          )
    }<a class="button danger" href="/wire/feeds/${id}/remove" aria-label="${tr.t('desk.wire.feeds.removeLabel', { id })}">${tr.t('desk.wire.feeds.remove')}</a></div></td>
  </tr>`;
}

function feedForm(parts: WirePageParts): SafeHtml {
  const { tr, form, formProblems: problems } = parts;
  const known = form.topic === '' || parts.topics.get(form.topic) !== undefined;
  const invalid = (error: string | undefined, id: string) =>
    error
      ? html` aria-invalid="true" aria-describedby="${id}-hint ${id}-error"`
      : html` aria-describedby="${id}-hint"`;
  const errorOf = (error: string | undefined, id: string) =>
    error ? html`<p class="field-error" id="${id}-error">${error}</p>` : '';
  const firstProblem = problems.url ? 'url' : problems.topic ? 'topic' : undefined;
  return html`<h3 id="add-feed">${tr.t('desk.wire.add.heading')}</h3>
    ${firstProblem ? html`<div class="form-problems" role="alert"><p>${tr.t('desk.wire.add.notAdded')}</p></div>` : ''}
    <form class="feed-form" method="post" action="/wire/feeds" novalidate>
      <div class="field${problems.url ? ' has-error' : ''}">
        <label for="feed-url">${tr.t('desk.wire.add.url')}</label>
        <p class="hint" id="feed-url-hint">${tr.t('desk.wire.add.urlHint')}</p>
        <input type="url" id="feed-url" name="url" value="${form.url}" placeholder="https://" autocomplete="off" spellcheck="false"${invalid(problems.url, 'feed-url')}${firstProblem === 'url' ? html` autofocus` : ''}>
        ${errorOf(problems.url, 'feed-url')}
      </div>
      <div class="field${problems.topic ? ' has-error' : ''}">
        <label for="feed-topic">${tr.t('desk.wire.add.topic')}</label>
        <p class="hint" id="feed-topic-hint">${tr.t('desk.wire.add.topicHint')}</p>
        <select id="feed-topic" name="topic"${invalid(problems.topic, 'feed-topic')}${firstProblem === 'topic' ? html` autofocus` : ''}>
          <option value=""${form.topic === '' ? html` selected` : ''}>${tr.t('desk.wire.add.byAliases')}</option>
          ${parts.topics.topics.map(
            (t) =>
              html`<option value="${t.slug}"${t.slug === form.topic ? html` selected` : ''}>${t.emoji} ${parts.topics.title(t, tr)}</option>`,
          )}
          ${known ? '' : html`<option value="${form.topic}" selected>${form.topic}</option>`}
        </select>
        ${errorOf(problems.topic, 'feed-topic')}
      </div>
      <div class="field check">
        <input type="checkbox" id="feed-auto" name="auto" value="on" aria-describedby="feed-auto-hint"${form.auto ? html` checked` : ''}>
        <label for="feed-auto">${tr.t('desk.wire.add.auto')}</label>
        <p class="hint" id="feed-auto-hint">${tr.t('desk.wire.add.autoHint')}</p>
      </div>
      <button type="submit" class="primary">${tr.t('desk.wire.add.submit')}</button>
    </form>`;
}

/** Only http(s) addresses become links (a feed may name anything as an entry's link). */
const linkable = (url: string | undefined) => url !== undefined && /^https?:\/\//i.test(url);

/** The host of a source URL, to name a source that has no name. */
function hostOf(url: string | undefined): string | undefined {
  if (!linkable(url)) return undefined;
  try {
    return new URL(url as string).host;
  } catch {
    return undefined;
  }
}

function draftList(parts: WirePageParts): SafeHtml {
  const { tr, drafts } = parts;
  if (parts.waiting === 0 && parts.before === undefined) return html`<p>${tr.t('desk.wire.drafts.none')}</p>`;
  const first = drafts[0];
  const last = drafts.at(-1);
  return html`<p>${tr.t('desk.wire.drafts.count', { count: parts.waiting })}${
    first && last
      ? html` ${tr.t('desk.wire.drafts.shown', { newest: first.id, oldest: last.id })}`
      : html` ${tr.t('desk.wire.drafts.noneOlder')}`
  }</p>
    ${drafts.map((d) => draftCard(parts, d))}
    ${pager(parts)}`;
}

function pager(parts: WirePageParts): SafeHtml {
  const { tr } = parts;
  if (parts.before === undefined && parts.nextBefore === undefined) return html``;
  return html`<nav class="pager" aria-label="${tr.t('desk.wire.drafts.heading')}">
    ${parts.before !== undefined ? html`<a class="button" href="/wire#drafts">← ${tr.t('desk.wire.drafts.newest')}</a>` : ''}
    ${parts.nextBefore !== undefined ? html`<a class="button" href="/wire?before=${parts.nextBefore}#drafts">${tr.t('desk.wire.drafts.older')} →</a>` : ''}
  </nav>`;
}

function draftCard(parts: WirePageParts, draft: Draft): SafeHtml {
  const { tr } = parts;
  const id = draft.id;
  const problem = parts.draftProblems?.id === id ? parts.draftProblems.text : undefined;
  const topic = draft.topic === undefined ? undefined : parts.topics.get(draft.topic);
  const source = draft.sourceName ?? hostOf(draft.sourceUrl);
  const back =
    parts.before === undefined ? '' : html`<input type="hidden" name="before" value="${parts.before}">`;
  return html`<article class="wire-draft${problem ? ' has-error' : ''}" id="draft-${id}" aria-labelledby="draft-${id}-headline">
    <p class="item-meta"><span class="draft-no">${tr.t('desk.wire.drafts.draft', { id })}</span> · ${
      topic
        ? `${topic.emoji} ${parts.topics.title(topic, tr)}`
        : html`<span class="no-topic">${tr.t('desk.wire.drafts.noTopic')}</span>`
    } · ${draft.entryDate === undefined ? tr.t('desk.wire.drafts.undated') : tr.entryTime(draft.entryDate, parts.timezone)} · ${tr.t('desk.wire.drafts.fromFeed', { id: draft.feedId })}</p>
    <h3 class="item-headline" id="draft-${id}-headline">${draft.headline}</h3>
    <p class="item-meta">${tr.t('desk.wire.drafts.source')}: ${
      linkable(draft.sourceUrl)
        ? html`<a href="${draft.sourceUrl}" rel="noopener noreferrer" target="_blank">${source ?? draft.sourceUrl}</a>`
        : (source ?? tr.t('desk.wire.drafts.noSource'))
    }</p>
    <p class="item-body">${cutAtSentence(draft.body, EXCERPT_CHARS)}</p>
    ${problem ? html`<p class="field-error" id="draft-${id}-error" role="alert">${tr.t('desk.wire.drafts.notPublished', { problems: problem })}</p>` : ''}
    <div class="draft-actions">
      <form class="inline-form" method="post" action="/wire/drafts/${id}/publish">
        ${back}
        ${
          draft.topic === undefined
            ? html`<label class="visually-hidden" for="draft-${id}-topic">${tr.t('desk.wire.drafts.topicFor', { id })}</label>
        <select id="draft-${id}-topic" name="topic"${problem ? html` aria-invalid="true" aria-describedby="draft-${id}-error"` : ''}>
          <option value="">${tr.t('desk.wire.drafts.chooseTopic')}</option>
          ${parts.topics.topics.map((t) => html`<option value="${t.slug}">${t.emoji} ${parts.topics.title(t, tr)}</option>`)}
        </select>`
            : ''
        }
        <button type="submit" class="primary" aria-label="${tr.t('desk.wire.drafts.publishLabel', { id })}">${tr.t('desk.wire.drafts.publish')}</button>
      </form>
      <form class="inline-form" method="post" action="/wire/drafts/${id}/skip">
        ${back}
        <button type="submit" aria-label="${tr.t('desk.wire.drafts.skipLabel', { id })}">${tr.t('desk.wire.drafts.skip')}</button>
      </form>
    </div>
  </article>`;
}

function decidedList(parts: WirePageParts): SafeHtml {
  const { tr } = parts;
  if (parts.decided.length === 0) return html`<p>${tr.t('desk.wire.decided.none')}</p>`;
  return html`<ul class="decided">${parts.decided.map(
    (d) =>
      html`<li><span class="muted">${d.decidedAt ? tr.entryTime(d.decidedAt, parts.timezone) : ''}</span> ${tr.t('desk.wire.decided.line', { id: d.id, state: parts.views.stateNotice(d, tr) })}<br>${d.itemId !== undefined ? html`<a class="decided-headline" href="/items/${d.itemId}">${d.headline}</a>` : html`<span class="decided-headline">${d.headline}</span>`}</li>`,
  )}</ul>`;
}

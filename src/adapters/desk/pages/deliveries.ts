import { PLATFORMS, type Platform } from '../../../core/chat.js';
import type { Newsroom } from '../../../core/newsroom.js';
import type { DeliveryRun } from '../../../core/store.js';
import type { Subscription, SubscriptionRecord } from '../../../core/subscription.js';
import type { Translator } from '../../../i18n/translator.js';
import { sendRateChart } from '../chart.js';
import { html, type SafeHtml } from '../html.js';
import { page, type Viewer } from './layout.js';

/** Subscriptions the table shows at most; the filters narrow it. */
export const SUBSCRIPTIONS_SHOWN = 200;

/** The filters of the subscriptions table, from the query string. */
export interface SubscriptionFilter {
  readonly platform?: Platform;
  readonly status?: Subscription['status'];
}

/** What the deliveries page shows. */
export interface DeliveriesParts {
  readonly viewer: Viewer;
  readonly newsroom: Newsroom;
  readonly filter: SubscriptionFilter;
  /** A page of the subscriptions matching the filter, in key order. */
  readonly records: readonly SubscriptionRecord[];
  /** How many match the filter. */
  readonly matching: number;
  /** Subscriptions in all, before filtering. */
  readonly total: number;
  /** The key the next page starts after, when there is one. */
  readonly nextAfter?: string;
  /** Newest first. */
  readonly runs: readonly DeliveryRun[];
}

const seconds = (run: DeliveryRun) => (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;

/** A filter's `<select>`: "all", then each value named in `tr`'s words (`name` of a value). */
function select(
  tr: Translator,
  name: string,
  label: string,
  options: readonly string[],
  value: string | undefined,
  nameOf: (option: string) => string,
): SafeHtml {
  return html`<div class="filter"><label for="${name}">${label}</label>
    <select id="${name}" name="${name}">
      <option value=""${value === undefined ? html` selected` : ''}>${tr.t('desk.deliveries.all')}</option>
      ${options.map((o) => html`<option value="${o}"${o === value ? html` selected` : ''}>${nameOf(o)}</option>`)}
    </select></div>`;
}

/** A platform's name in `tr`'s words. */
const platformName = (tr: Translator, platform: Platform) => tr.t(`platforms.${platform}`);
/** A subscription's status in `tr`'s words. */
const statusName = (tr: Translator, status: Subscription['status']) =>
  tr.t(`desk.deliveries.statuses.${status}`);

/**
 * The deliveries: the last runs and the send rate of the newest, then the subscriptions (platform,
 * chat, topics, time and zone, status with the paused reason), filterable, each with a digest preview.
 */
export function deliveriesPage(parts: DeliveriesParts): SafeHtml {
  const { newsroom, filter, runs, viewer } = parts;
  const { tr } = viewer;
  const tz = newsroom.settings.timezone;
  const last = runs[0];
  const shown = parts.records;
  const nextQuery = new URLSearchParams({
    ...(filter.platform && { platform: filter.platform }),
    ...(filter.status && { status: filter.status }),
    ...(parts.nextAfter !== undefined && { after: parts.nextAfter }),
  }).toString();
  const counted = tr.t(
    parts.matching > shown.length ? 'desk.deliveries.countedSome' : 'desk.deliveries.counted',
    {
      matching: parts.matching,
      count: parts.total,
      shown: shown.length,
    },
  );
  const th = (key: Parameters<Translator['t']>[0]) => html`<th scope="col">${tr.t(key)}</th>`;
  return page({
    title: tr.t('desk.deliveries.title'),
    viewer,
    section: 'deliveries',
    body: html`<section class="card">
      <h1>${tr.t('desk.deliveries.title')}</h1>
      <h2>${tr.t('desk.deliveries.runs')}</h2>
      ${
        runs.length === 0
          ? html`<p>${tr.t('desk.deliveries.noRun')}</p>`
          : html`<div class="table-wrap"><table>
        <caption>${tr.t('desk.deliveries.caption', { timezone: tz })}</caption>
        <thead><tr>${th('desk.deliveries.started')}${th('desk.deliveries.due')}${th('desk.deliveries.sent')}${th('desk.deliveries.empty')}${th('desk.deliveries.failed')}${th('desk.deliveries.paused')}${th('desk.deliveries.duration')}</tr></thead>
        <tbody>${runs.map(
          (run) =>
            html`<tr><td>${tr.instant(new Date(run.startedAt), tz)}</td><td>${tr.number(run.due)}</td><td>${tr.number(run.sent)}</td><td>${tr.number(run.empty)}</td><td>${tr.number(run.failed)}</td><td>${tr.number(run.paused)}</td><td>${tr.t('desk.deliveries.seconds', { seconds: seconds(run) })}</td></tr>`,
        )}</tbody>
      </table></div>`
      }
      ${
        last
          ? last.sendRate
            ? sendRateChart(
                last.sendRate,
                tr.t('desk.deliveries.chart', { when: tr.instant(new Date(last.startedAt), tz) }),
                tr,
              )
            : html`<p class="hint">${tr.t('desk.deliveries.noRate')}</p>`
          : ''
      }
    </section>
    <section class="card">
      <h2 id="subscriptions">${tr.t('desk.deliveries.subscriptions')}</h2>
      <form class="filters" method="get" action="/deliveries">
        ${select(tr, 'platform', tr.t('desk.deliveries.platform'), PLATFORMS, filter.platform, (p) => platformName(tr, p as Platform))}
        ${select(tr, 'status', tr.t('desk.deliveries.status'), ['active', 'paused'], filter.status, (s) => statusName(tr, s as Subscription['status']))}
        <button type="submit">${tr.t('desk.deliveries.filter')}</button>
      </form>
      <p>${counted}${parts.nextAfter !== undefined ? html` <a href="/deliveries?${nextQuery}#subscriptions">${tr.t('desk.deliveries.next', { count: SUBSCRIPTIONS_SHOWN })}</a>` : ''}</p>
      ${
        shown.length === 0
          ? ''
          : html`<div class="table-wrap"><table class="subscriptions">
        <thead><tr>${th('desk.deliveries.platform')}${th('desk.deliveries.chat')}${th('desk.deliveries.topics')}${th('desk.deliveries.time')}${th('desk.deliveries.status')}${th('desk.deliveries.lastDigest')}<th scope="col"><span class="visually-hidden">${tr.t('desk.deliveries.digest')}</span></th></tr></thead>
        <tbody>${shown.map(({ settings: sub, delivery }) => {
          const chat = sub.chatTitle ?? sub.chat.id;
          return html`<tr>
            <td>${platformName(tr, sub.chat.platform)}</td>
            <td>${sub.chat.thread !== undefined ? tr.t('desk.deliveries.thread', { chat, thread: sub.chat.thread }) : chat}</td>
            <td>${sub.topics.length === 0 ? tr.t('desk.deliveries.allTopics') : tr.list(sub.topics.map((t) => newsroom.topics.label(t, tr)))}</td>
            <td>${sub.time} ${sub.timezone}</td>
            <td><span class="status status-${sub.status}">${statusName(tr, sub.status)}</span>${sub.pausedReason ? html`<br><span class="muted">${tr.reason(sub.pausedReason)}</span>` : ''}</td>
            <td>${delivery.lastSentAt ? tr.instant(new Date(delivery.lastSentAt), sub.timezone) : '—'}${delivery.lastError ? html`<br><span class="muted">${tr.t('desk.deliveries.lastError', { error: delivery.lastError })}</span>` : ''}</td>
            <td><a href="/deliveries/digest?key=${encodeURIComponent(sub.key)}" aria-label="${tr.t('desk.deliveries.previewLabel', { chat })}">${tr.t('desk.deliveries.preview')}</a></td>
          </tr>`;
        })}</tbody>
      </table></div>`
      }
    </section>`,
  });
}

/**
 * The digest one subscription would get now, drawn on both platforms (its own first in the heading)
 * in the chat's language (`drawing`), the page around it in the desk's.
 */
export function digestPreviewPage(
  viewer: Viewer,
  newsroom: Newsroom,
  sub: Subscription,
  drawing: { readonly html: SafeHtml; readonly language: string },
  next: Date | undefined,
): SafeHtml {
  const { tr } = viewer;
  const chat = sub.chatTitle ?? sub.chat.id;
  const status = statusName(tr, sub.status);
  const summary = tr.t('desk.digestPreview.summary', {
    platform: platformName(tr, sub.chat.platform),
    topics:
      sub.topics.length === 0
        ? tr.t('desk.digestPreview.allTopics')
        : tr.list(sub.topics.map((t) => newsroom.topics.label(t, tr))),
    time: sub.time,
    timezone: sub.timezone,
    status: sub.pausedReason
      ? tr.t('desk.digestPreview.pausedStatus', { status, reason: tr.reason(sub.pausedReason) })
      : status,
  });
  return page({
    title: tr.t('desk.digestPreview.title', { chat }),
    viewer,
    section: 'deliveries',
    body: html`<section class="card">
      <p><a href="/deliveries">${tr.t('desk.digestPreview.back')}</a></p>
      <h1>${tr.t('desk.digestPreview.title', { chat })}</h1>
      <p>${summary}${next ? ` ${tr.t('desk.digestPreview.next', { when: tr.instant(next, sub.timezone) })}` : ''}</p>
      <p class="hint">${tr.t('desk.digestPreview.hint')} ${tr.t('desk.digestPreview.language', { language: drawing.language })}</p>
      ${drawing.html}
    </section>`,
  });
}

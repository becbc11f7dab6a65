import { PLATFORMS, type Platform } from '../../../core/chat.js';
import type { DeskSession } from '../../../core/desk.js';
import type { Newsroom } from '../../../core/newsroom.js';
import type { DeliveryRun } from '../../../core/store.js';
import type { Subscription, SubscriptionRecord } from '../../../core/subscription.js';
import { describeInstant } from '../../../core/time.js';
import { sendRateChart } from '../chart.js';
import { html, type SafeHtml } from '../html.js';
import { page } from './layout.js';

/** Subscriptions the table shows at most; the filters narrow it. */
export const SUBSCRIPTIONS_SHOWN = 200;

/** The filters of the subscriptions table, from the query string. */
export interface SubscriptionFilter {
  readonly platform?: Platform;
  readonly status?: Subscription['status'];
}

/** What the deliveries page shows. */
export interface DeliveriesParts {
  readonly session: DeskSession;
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

const seconds = (run: DeliveryRun) =>
  ((Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000).toFixed(1);

function select(
  name: string,
  label: string,
  options: readonly string[],
  value: string | undefined,
): SafeHtml {
  return html`<div class="filter"><label for="${name}">${label}</label>
    <select id="${name}" name="${name}">
      <option value=""${value === undefined ? html` selected` : ''}>all</option>
      ${options.map((o) => html`<option value="${o}"${o === value ? html` selected` : ''}>${o}</option>`)}
    </select></div>`;
}

/**
 * The deliveries: the last runs and the send rate of the newest, then the subscriptions (platform,
 * chat, topics, time and zone, status with the paused reason), filterable, each with a digest preview.
 */
export function deliveriesPage(parts: DeliveriesParts): SafeHtml {
  const { newsroom, filter, runs } = parts;
  const tz = newsroom.settings.timezone;
  const last = runs[0];
  const shown = parts.records;
  const nextQuery = new URLSearchParams({
    ...(filter.platform && { platform: filter.platform }),
    ...(filter.status && { status: filter.status }),
    ...(parts.nextAfter !== undefined && { after: parts.nextAfter }),
  }).toString();
  return page({
    title: 'Deliveries',
    session: parts.session,
    section: 'deliveries',
    body: html`<section class="card">
      <h1>Deliveries</h1>
      <h2>Last runs</h2>
      ${
        runs.length === 0
          ? html`<p>No delivery run yet.</p>`
          : html`<div class="table-wrap"><table>
        <caption>The newest delivery runs (${tz})</caption>
        <thead><tr><th scope="col">Started</th><th scope="col">Due</th><th scope="col">Sent</th><th scope="col">Empty</th><th scope="col">Failed</th><th scope="col">Paused</th><th scope="col">Duration</th></tr></thead>
        <tbody>${runs.map(
          (run) =>
            html`<tr><td>${describeInstant(new Date(run.startedAt), tz)}</td><td>${run.due}</td><td>${run.sent}</td><td>${run.empty}</td><td>${run.failed}</td><td>${run.paused}</td><td>${seconds(run)} s</td></tr>`,
        )}</tbody>
      </table></div>`
      }
      ${
        last
          ? last.sendRate
            ? sendRateChart(
                last.sendRate,
                `Digests sent per second, run of ${describeInstant(new Date(last.startedAt), tz)}`,
              )
            : html`<p class="hint">The last run has no per-second figures.</p>`
          : ''
      }
    </section>
    <section class="card">
      <h2 id="subscriptions">Subscriptions</h2>
      <form class="filters" method="get" action="/deliveries">
        ${select('platform', 'Platform', PLATFORMS, filter.platform)}
        ${select('status', 'Status', ['active', 'paused'], filter.status)}
        <button type="submit">Filter</button>
      </form>
      <p>${parts.matching} of ${parts.total} ${parts.total === 1 ? 'subscription' : 'subscriptions'}${parts.matching > shown.length ? `; ${shown.length} shown` : ''}.${parts.nextAfter !== undefined ? html` <a href="/deliveries?${nextQuery}#subscriptions">Next ${SUBSCRIPTIONS_SHOWN}</a>` : ''}</p>
      ${
        shown.length === 0
          ? ''
          : html`<div class="table-wrap"><table class="subscriptions">
        <thead><tr><th scope="col">Platform</th><th scope="col">Chat</th><th scope="col">Topics</th><th scope="col">Time</th><th scope="col">Status</th><th scope="col">Last digest</th><th scope="col"><span class="visually-hidden">Digest</span></th></tr></thead>
        <tbody>${shown.map(
          ({ settings: sub, delivery }) => html`<tr>
            <td>${sub.chat.platform}</td>
            <td>${sub.chatTitle ?? sub.chat.id}${sub.chat.thread !== undefined ? ` (topic ${sub.chat.thread})` : ''}</td>
            <td>${sub.topics.length === 0 ? 'all' : sub.topics.map((t) => newsroom.topics.label(t)).join(', ')}</td>
            <td>${sub.time} ${sub.timezone}</td>
            <td><span class="status status-${sub.status}">${sub.status}</span>${sub.pausedReason ? html`<br><span class="muted">${sub.pausedReason}</span>` : ''}</td>
            <td>${delivery.lastSentAt ? describeInstant(new Date(delivery.lastSentAt), sub.timezone) : '—'}${delivery.lastError ? html`<br><span class="muted">last error: ${delivery.lastError}</span>` : ''}</td>
            <td><a href="/deliveries/digest?key=${encodeURIComponent(sub.key)}" aria-label="Digest preview for ${sub.chatTitle ?? sub.chat.id}">Digest preview</a></td>
          </tr>`,
        )}</tbody>
      </table></div>`
      }
    </section>`,
  });
}

/** The digest one subscription would get now, drawn on both platforms (its own first in the heading). */
export function digestPreviewPage(
  session: DeskSession,
  sub: Subscription,
  drawing: SafeHtml,
  next: string | undefined,
): SafeHtml {
  const chat = sub.chatTitle ?? sub.chat.id;
  return page({
    title: `Digest preview: ${chat}`,
    session,
    section: 'deliveries',
    body: html`<section class="card">
      <p><a href="/deliveries">← Deliveries</a></p>
      <h1>Digest preview: ${chat}</h1>
      <p>A ${sub.chat.platform} chat; ${sub.topics.length === 0 ? 'all topics' : sub.topics.join(', ')} at ${sub.time} ${sub.timezone}; ${sub.status}${sub.pausedReason ? ` (${sub.pausedReason})` : ''}.${next ? ` Next digest: ${next}.` : ''}</p>
      <p class="hint">What this chat would get if its digest went out now. Nothing is sent, and its delivery is not affected.</p>
      ${drawing}
    </section>`,
  });
}

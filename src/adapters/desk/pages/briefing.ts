import type { Briefing } from '../../../core/briefing.js';
import type { Newsroom } from '../../../core/newsroom.js';
import { type LocalDate, shiftDate } from '../../../core/time.js';
import { html, type SafeHtml } from '../html.js';
import { drawBoth } from '../preview.js';
import { itemCard } from './items.js';
import { markup, page, type Viewer } from './layout.js';

/** What the briefing page shows. */
export interface BriefingParts {
  readonly viewer: Viewer;
  readonly newsroom: Newsroom;
  readonly date: LocalDate;
  readonly today: LocalDate;
  readonly briefing: Briefing | undefined;
  /** The newest day with items, for a hint when this one has none. */
  readonly latest: LocalDate | undefined;
  readonly notice?: { readonly text: string; readonly tone: 'ok' | 'error' };
  /** The form whose save brought the editor here (`/items`, `/items/12`): its kept draft is done with. */
  readonly savedForm?: string;
}

/**
 * A day's briefing: its items by topic, newest first, each with Edit; and the briefing drawn on both
 * platforms as `/brief` sends it (in the desk's language). Other days by the arrows or the date field.
 */
export function briefingPage(parts: BriefingParts): SafeHtml {
  const { newsroom, date, briefing, viewer } = parts;
  const { tr } = viewer;
  const heading = tr.t(date === parts.today ? 'desk.briefing.today' : 'desk.briefing.day', {
    date: tr.date(date),
  });
  const before = shiftDate(date, -1);
  const after = shiftDate(date, 1);
  const dayNav = html`<form class="day-nav" method="get" action="/">
    <a class="button" href="/?date=${before}" aria-label="${tr.t('desk.briefing.earlierLabel', { date: tr.date(before) })}">${tr.t('desk.briefing.earlier')}</a>
    <label for="date">${tr.t('desk.briefing.dayField')}</label>
    <input id="date" name="date" type="date" value="${date}">
    <button type="submit">${tr.t('desk.briefing.show')}</button>
    ${date !== parts.today ? html`<a class="button" href="/?date=${after}" aria-label="${tr.t('desk.briefing.laterLabel', { date: tr.date(after) })}">${tr.t('desk.briefing.later')}</a>` : ''}
    ${date !== parts.today ? html`<a class="button" href="/">${tr.t('desk.briefing.toToday')}</a>` : ''}
  </form>`;
  const latest =
    parts.latest && parts.latest !== date
      ? html` ${markup(
          tr,
          'desk.briefing.latest',
          {},
          { date: html`<a href="/?date=${parts.latest}">${tr.date(parts.latest)}</a>` },
        )}`
      : '';
  const empty = html`<p>${tr.t('desk.briefing.empty', { date: tr.date(date) })}${latest}</p>`;
  return page({
    title: heading,
    viewer,
    section: 'briefing',
    ...(parts.notice && { notice: parts.notice }),
    scripts: ['desk.js'],
    body: html`${parts.savedForm ? html`<span id="saved-form" data-form="${parts.savedForm}" hidden></span>` : ''}<section class="card">
      <div class="heading-row"><h1>${heading}</h1><a class="button primary" href="/write">${tr.t('desk.briefing.write')}</a></div>
      ${dayNav}
      ${
        briefing
          ? html`<p class="lede">${briefing.lede}</p>
        ${briefing.sections.map(
          (section) => html`<section class="topic-section" aria-labelledby="topic-${section.topic}">
            <h2 id="topic-${section.topic}">${newsroom.topics.label(section.topic, tr)} <span class="muted">(${tr.number(section.items.length)})</span></h2>
            ${section.items.map((item) => itemCard(newsroom, item, tr))}
          </section>`,
        )}
        <details class="as-readers">
          <summary>${tr.t('desk.briefing.asReaders', { date })}</summary>
          ${drawBoth(newsroom.views.briefing(briefing, tr), tr)}
        </details>`
          : empty
      }
    </section>`,
  });
}

import type { Briefing } from '../../../core/briefing.js';
import type { DeskSession } from '../../../core/desk.js';
import type { Newsroom } from '../../../core/newsroom.js';
import { describeDate, type LocalDate, shiftDate } from '../../../core/time.js';
import { ENGLISH } from '../../../i18n/translator.js';
import { html, type SafeHtml } from '../html.js';
import { drawBoth } from '../preview.js';
import { itemCard } from './items.js';
import { page } from './layout.js';

/** What the briefing page shows. */
export interface BriefingParts {
  readonly session: DeskSession;
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
 * platforms as `/brief` sends it. Other days by the arrows or the date field.
 */
export function briefingPage(parts: BriefingParts): SafeHtml {
  const { newsroom, date, briefing } = parts;
  const heading = `${date === parts.today ? 'Today’s briefing' : 'Briefing'} — ${describeDate(date)}`;
  const dayNav = html`<form class="day-nav" method="get" action="/">
    <a class="button" href="/?date=${shiftDate(date, -1)}" aria-label="The day before, ${describeDate(shiftDate(date, -1))}">← Earlier</a>
    <label for="date">Day</label>
    <input id="date" name="date" type="date" value="${date}">
    <button type="submit">Show</button>
    ${date !== parts.today ? html`<a class="button" href="/?date=${shiftDate(date, 1)}" aria-label="The day after, ${describeDate(shiftDate(date, 1))}">Later →</a>` : ''}
    ${date !== parts.today ? html`<a class="button" href="/">Today</a>` : ''}
  </form>`;
  const empty = html`<p>Nothing was published on ${describeDate(date)}.${parts.latest && parts.latest !== date ? html` The latest briefing is <a href="/?date=${parts.latest}">${describeDate(parts.latest)}</a>.` : ''}</p>`;
  return page({
    title: heading,
    session: parts.session,
    section: 'briefing',
    ...(parts.notice && { notice: parts.notice }),
    scripts: ['desk.js'],
    body: html`${parts.savedForm ? html`<span id="saved-form" data-form="${parts.savedForm}" hidden></span>` : ''}<section class="card">
      <div class="heading-row"><h1>${heading}</h1><a class="button primary" href="/write">Write an item</a></div>
      ${dayNav}
      ${
        briefing
          ? html`<p class="lede">${briefing.lede}</p>
        ${briefing.sections.map(
          (section) => html`<section class="topic-section" aria-labelledby="topic-${section.topic}">
            <h2 id="topic-${section.topic}">${newsroom.topics.label(section.topic)} <span class="muted">(${section.items.length})</span></h2>
            ${section.items.map((item) => itemCard(newsroom, item))}
          </section>`,
        )}
        <details class="as-readers">
          <summary>As readers get it with /brief ${date}</summary>
          ${drawBoth(newsroom.views.briefing(briefing, ENGLISH))}
        </details>`
          : empty
      }
    </section>`,
  });
}

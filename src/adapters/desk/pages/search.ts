import type { Item } from '../../../core/items.js';
import type { Newsroom } from '../../../core/newsroom.js';
import { SEARCH_MAX_QUERY } from '../../../core/search.js';
import { html, type SafeHtml } from '../html.js';
import { itemCard } from './items.js';
import { page, type Viewer } from './layout.js';

/** The search form and, after a search, what it found. */
export function searchPage(
  viewer: Viewer,
  newsroom: Newsroom,
  query: string,
  found: { readonly items: readonly Item[]; readonly total: number } | undefined,
): SafeHtml {
  const { tr } = viewer;
  const summary = (total: number, shown: number) =>
    total > shown
      ? tr.t('desk.search.foundSome', { count: total, query, shown })
      : tr.t('desk.search.found', { count: total, query });
  return page({
    title: query ? tr.t('desk.search.titleQuery', { query }) : tr.t('desk.search.title'),
    viewer,
    section: 'search',
    body: html`<section class="card">
      <h1>${tr.t('desk.search.title')}</h1>
      <form class="search" method="get" action="/search" role="search">
        <label for="q">${tr.t('desk.search.label')}</label>
        <div class="search-row">
          <input id="q" name="q" type="search" value="${query}" maxlength="${SEARCH_MAX_QUERY}">
          <button type="submit">${tr.t('desk.search.button')}</button>
        </div>
      </form>
      ${
        found === undefined
          ? html`<p class="hint">${tr.t('desk.search.hint')}</p>`
          : found.total === 0
            ? html`<p>${tr.t('desk.search.none', { query })}</p>`
            : html`<p>${summary(found.total, found.items.length)}</p>
              ${found.items.map((item) => itemCard(newsroom, item, tr))}`
      }
    </section>`,
  });
}

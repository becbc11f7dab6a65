import type { DeskSession } from '../../../core/desk.js';
import type { Item } from '../../../core/items.js';
import type { Newsroom } from '../../../core/newsroom.js';
import { SEARCH_MAX_QUERY } from '../../../core/search.js';
import { html, type SafeHtml } from '../html.js';
import { itemCard } from './items.js';
import { page } from './layout.js';

/** The search form and, after a search, what it found. */
export function searchPage(
  session: DeskSession,
  newsroom: Newsroom,
  query: string,
  found: { readonly items: readonly Item[]; readonly total: number } | undefined,
): SafeHtml {
  return page({
    title: query ? `Search: ${query}` : 'Search',
    session,
    section: 'search',
    body: html`<section class="card">
      <h1>Search</h1>
      <form class="search" method="get" action="/search" role="search">
        <label for="q">Words in headlines, bodies and sources</label>
        <div class="search-row">
          <input id="q" name="q" type="search" value="${query}" maxlength="${SEARCH_MAX_QUERY}">
          <button type="submit">Search</button>
        </div>
      </form>
      ${
        found === undefined
          ? html`<p class="hint">Every word must occur; Chinese text matches as typed (挖矿 finds 比特币挖矿).</p>`
          : found.total === 0
            ? html`<p>Nothing matches “${query}”.</p>`
            : html`<p>${found.total} ${found.total === 1 ? 'item matches' : 'items match'} “${query}”${found.total > found.items.length ? `; the newest ${found.items.length} are shown` : ''}.</p>
              ${found.items.map((item) => itemCard(newsroom, item))}`
      }
    </section>`,
  });
}

import type { Item } from '../../../core/items.js';
import type { Newsroom } from '../../../core/newsroom.js';
import { describeInstant } from '../../../core/time.js';
import { ENGLISH } from '../../../i18n/translator.js';
import { html, type SafeHtml } from '../html.js';

/** One item as the desk lists it: as readers read it, with its id, when and by whom, and Edit. */
export function itemCard(newsroom: Newsroom, item: Item): SafeHtml {
  const view = newsroom.views.item(item, ENGLISH);
  const tz = newsroom.settings.timezone;
  const edited = item.updatedAt !== item.publishedAt;
  return html`<article class="item" id="item-${item.id}">
    <h3 class="item-headline">${item.headline}</h3>
    <div class="item-body">${item.body}</div>
    <p class="item-meta">
      ${view.sourceUrl ? html`<a href="${view.sourceUrl}" rel="noopener noreferrer nofollow" target="_blank">${view.sourceName ?? new URL(view.sourceUrl).hostname}</a> · ` : view.sourceName ? html`${view.sourceName} · ` : ''}
      #${item.id} · ${newsroom.topics.label(item.topic)} · ${describeInstant(new Date(item.publishedAt), tz)} by ${item.author.name}${edited ? html` · edited ${describeInstant(new Date(item.updatedAt), tz)}` : ''}
    </p>
    <p class="item-actions"><a class="button" href="/items/${item.id}" aria-label="Edit #${item.id}: ${item.headline}">Edit</a></p>
  </article>`;
}

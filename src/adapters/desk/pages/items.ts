import type { Item } from '../../../core/items.js';
import type { Newsroom } from '../../../core/newsroom.js';
import type { Translator } from '../../../i18n/translator.js';
import { html, type SafeHtml } from '../html.js';

/** One item as the desk lists it: as readers read it, with its id, when and by whom, and Edit. */
export function itemCard(newsroom: Newsroom, item: Item, tr: Translator): SafeHtml {
  const view = newsroom.views.item(item, tr);
  const tz = newsroom.settings.timezone;
  const edited = item.updatedAt !== item.publishedAt;
  const when = tr.t('desk.item.when', {
    when: tr.instant(new Date(item.publishedAt), tz),
    author: item.author.name,
  });
  return html`<article class="item" id="item-${item.id}">
    <h3 class="item-headline">${item.headline}</h3>
    <div class="item-body">${item.body}</div>
    <p class="item-meta">
      ${view.sourceUrl ? html`<a href="${view.sourceUrl}" rel="noopener noreferrer nofollow" target="_blank">${view.sourceName ?? new URL(view.sourceUrl).hostname}</a> · ` : view.sourceName ? html`${view.sourceName} · ` : ''}
      #${item.id} · ${newsroom.topics.label(item.topic, tr)} · ${when}${edited ? html` · ${tr.t('desk.item.edited', { when: tr.instant(new Date(item.updatedAt), tz) })}` : ''}
    </p>
    <p class="item-actions"><a class="button" href="/items/${item.id}" aria-label="${tr.t('desk.item.editLabel', { id: item.id, headline: item.headline })}">${tr.t('desk.item.edit')}</a></p>
  </article>`;
}

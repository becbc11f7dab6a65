import type { Item } from './items.js';
import type { ItemStore } from './store.js';

/** Results a search shows at most. */
export const SEARCH_MAX_RESULTS = 50;
/** The longest query taken; more is cut off. */
export const SEARCH_MAX_QUERY = 200;

/** Text folded for matching: compatibility forms (full-width ｂｔｃ → btc) and case. */
function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/** The words of a query; Chinese has no spaces, so a run of Chinese text is one term matched as a substring. */
export function searchTerms(query: string): string[] {
  return fold(query.slice(0, SEARCH_MAX_QUERY))
    .split(/\s+/)
    .filter((term) => term !== '');
}

/** What a search looks in: the item's headline, body and source name, folded as {@link searchTerms} folds a query. */
export function searchText(item: Pick<Item, 'headline' | 'body' | 'sourceName'>): string {
  return fold(`${item.headline}\n${item.body}\n${item.sourceName ?? ''}`);
}

/** Whether every term occurs in the item's headline, body or source name. */
export function itemMatches(item: Item, terms: readonly string[]): boolean {
  const text = searchText(item);
  return terms.every((term) => text.includes(term));
}

/**
 * Items whose headline, body or source contain every word of `query` (any case, Chinese too), newest
 * first, at most `limit`, and how many matched in all.
 */
export async function searchItems(
  items: ItemStore,
  query: string,
  limit = SEARCH_MAX_RESULTS,
): Promise<{ items: Item[]; total: number }> {
  const terms = searchTerms(query);
  if (terms.length === 0) return { items: [], total: 0 };
  // A store that answers the question itself (PostgreSQL) does; the others are read item by item.
  if (items.searchItems) {
    const page = await items.searchItems(terms, limit);
    return { items: [...page.items], total: page.total };
  }
  const { items: all } = await items.queryItems({});
  const found = all.filter((item) => itemMatches(item, terms));
  return { items: found.slice(0, limit), total: found.length };
}

import { ENGLISH, type Translator } from '../i18n/translator.js';
import type { UserRef } from './chat.js';
import { err, ok, type Result } from './result.js';
import type { TopicCatalog } from './topics.js';
import { quoted } from './user-text.js';

/** Limits on an item's fields, as PRODUCT.md states them. */
export const ITEM_LIMITS = {
  headline: 200,
  body: 1500,
  sourceName: 100,
  sourceUrl: 2000,
} as const;

/** What an editor supplies for an item (`/post`, `/edit`). */
export interface ItemDraft {
  readonly topic: string;
  readonly headline: string;
  readonly body: string;
  readonly sourceName?: string;
  readonly sourceUrl?: string;
}

/** One published news item. */
export interface Item extends ItemDraft {
  /** Sequential, starting at 1; never reused. */
  readonly id: number;
  /** UTC instant, ISO 8601. */
  readonly publishedAt: string;
  readonly author: UserRef;
  /** UTC instant of the last change, ISO 8601. */
  readonly updatedAt: string;
}

/** Whether `url` is an absolute http(s) URL — the only kind ever rendered as a link. */
export function isWebUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/** Counts characters as people do (code points), so a Chinese headline is not penalised for surrogates. */
function length(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Trims each line's end and collapses runs of blank lines, keeping paragraphs. */
function tidyBody(body: string): string {
  return body
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The fields of a draft, as forms name them. */
export type DraftField = 'topic' | 'headline' | 'body' | 'sourceName' | 'sourceUrl';

/** One thing wrong with a draft: which field, and a sentence saying what. */
export interface DraftProblem {
  readonly field: DraftField;
  readonly message: string;
}

/** Counts characters as {@link ITEM_LIMITS} does: code points, so a form can show "12 / 200". */
export function draftLength(text: string): number {
  return length(text);
}

/**
 * Checks a draft against the limits and the topic list and returns it normalised (topic as its slug,
 * whitespace tidied), or every problem found, each naming its field — the one definition of what an
 * item may hold, used by `/post`, `/edit`, the desk's form and the sample loader.
 */
export function checkDraft(
  draft: ItemDraft,
  topics: TopicCatalog,
  tr: Translator = ENGLISH,
): Result<ItemDraft, DraftProblem[]> {
  const problems: DraftProblem[] = [];
  const problem = (field: DraftField, message: string) => problems.push({ field, message });
  const topic = topics.resolve(draft.topic);
  if (!topic) problem('topic', tr.t('parse.topic', { text: quoted(draft.topic), topics: topics.names(tr) }));
  const headline = draft.headline.replace(/\s+/g, ' ').trim();
  if (headline === '') problem('headline', tr.t('item.headlineEmpty'));
  else if (length(headline) > ITEM_LIMITS.headline)
    problem('headline', tr.t('item.headlineLong', { length: length(headline), limit: ITEM_LIMITS.headline }));
  const body = tidyBody(draft.body);
  if (body === '') problem('body', tr.t('item.bodyEmpty'));
  else if (length(body) > ITEM_LIMITS.body)
    problem('body', tr.t('item.bodyLong', { length: length(body), limit: ITEM_LIMITS.body }));
  const sourceName = draft.sourceName?.replace(/\s+/g, ' ').trim() || undefined;
  if (sourceName !== undefined && length(sourceName) > ITEM_LIMITS.sourceName)
    problem(
      'sourceName',
      tr.t('item.sourceNameLong', { length: length(sourceName), limit: ITEM_LIMITS.sourceName }),
    );
  const sourceUrl = draft.sourceUrl?.trim() || undefined;
  if (sourceUrl !== undefined) {
    if (!isWebUrl(sourceUrl)) problem('sourceUrl', tr.t('item.urlScheme', { url: quoted(sourceUrl) }));
    else if (sourceUrl.length > ITEM_LIMITS.sourceUrl)
      problem('sourceUrl', tr.t('item.urlLong', { limit: ITEM_LIMITS.sourceUrl }));
  }
  if (problems.length > 0 || !topic) return err(problems);
  return ok({
    topic: topic.slug,
    headline,
    body,
    ...(sourceName !== undefined && { sourceName }),
    ...(sourceUrl !== undefined && { sourceUrl }),
  });
}

/** {@link checkDraft} with the problems as sentences only (in `tr`'s language), as chat replies state them. */
export function validateDraft(
  draft: ItemDraft,
  topics: TopicCatalog,
  tr: Translator = ENGLISH,
): Result<ItemDraft, string[]> {
  const checked = checkDraft(draft, topics, tr);
  return checked.ok ? checked : err(checked.error.map((p) => p.message));
}

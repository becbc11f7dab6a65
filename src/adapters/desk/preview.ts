import { groupByTopic } from '../../core/briefing.js';
import type { UserRef } from '../../core/chat.js';
import { DIGEST_MAX_ITEMS } from '../../core/digest.js';
import type { Doc } from '../../core/document.js';
import {
  checkDraft,
  type DraftField,
  type DraftProblem,
  draftLength,
  ITEM_LIMITS,
  type Item,
  type ItemDraft,
} from '../../core/items.js';
import type { Newsroom } from '../../core/newsroom.js';
import { dayBounds, localDate } from '../../core/time.js';
import type { Translator } from '../../i18n/translator.js';
import { renderDiscord } from '../discord/render.js';
import { renderTelegram } from '../telegram/render.js';
import { discordFirstLine, drawDiscord } from './draw-discord.js';
import { drawTelegram, telegramFirstLine } from './draw-telegram.js';
import { html, type SafeHtml } from './html.js';

/** A field's length as the limits count it, for the counter beside it. */
export interface FieldCount {
  readonly length: number;
  readonly limit: number;
  /** As the counter shows it, in the page's language: `1,234 / 1,500`. */
  readonly text: string;
}

/** What the desk shows beside a draft: the previews, the counters and what is wrong. */
export interface DraftPreview {
  /** The item drawn on Telegram and on Discord, then the day's digest with it, split as it would be. */
  readonly html: SafeHtml;
  readonly counts: Readonly<Record<'headline' | 'body' | 'sourceName', FieldCount>>;
  readonly problems: readonly DraftProblem[];
}

/** The problems of one field, for the message beside it. */
export function problemsOf(problems: readonly DraftProblem[], field: DraftField): string {
  return problems
    .filter((p) => p.field === field)
    .map((p) => p.message)
    .join(' ');
}

/**
 * A Doc drawn on both platforms side by side, with the adapters' own renderers; counts in `tr`'s
 * language (the platforms' names are theirs in every language).
 */
export function drawBoth(doc: Doc, tr: Translator): SafeHtml {
  return html`<div class="platforms">
    <section class="platform" aria-label="Telegram">
      <h3 class="platform-name">Telegram</h3>
      ${drawTelegram(renderTelegram(doc), tr)}
    </section>
    <section class="platform" aria-label="Discord">
      <h3 class="platform-name">Discord</h3>
      ${drawDiscord(renderDiscord(doc), tr)}
    </section>
  </div>`;
}

/** Where a document splits on each platform: "1 message", or "3 messages; 2 starts with …". */
function splitSummary(doc: Doc, tr: Translator): SafeHtml {
  const telegram = renderTelegram(doc);
  const discord = renderDiscord(doc);
  const line = (name: string, starts: readonly string[]) =>
    html`<li><strong>${name}:</strong> ${tr.t('desk.preview.messages', { count: starts.length + 1 })}${starts.map(
      (first, i) => tr.t('desk.preview.startsAt', { n: i + 2, text: first }),
    )}</li>`;
  return html`<ul class="split-summary">
    ${line('Telegram', telegram.slice(1).map(telegramFirstLine))}
    ${line('Discord', discord.slice(1).map(discordFirstLine))}
  </ul>`;
}

/**
 * The previews of a draft at `now`: the item as readers see it in a briefing (its topic's heading and
 * the item), and today's digest with the draft in it — what a chat subscribed to every topic gets
 * next — with where each platform splits it. The draft is shown as typed even when it is not valid
 * yet; the problems come from {@link checkDraft}, the same check `/post` makes, in `tr`'s language,
 * which the previews and counters speak too.
 */
export async function previewDraft(
  newsroom: Newsroom,
  draft: ItemDraft,
  options: { readonly editing?: Item; readonly author: UserRef; readonly now: Date; readonly tr: Translator },
): Promise<DraftPreview> {
  const { now, editing, tr } = options;
  const checked = checkDraft(draft, newsroom.topics, tr);
  const topic = newsroom.topics.resolve(draft.topic)?.slug ?? newsroom.topics.slugs[0]!;
  const at = editing?.publishedAt ?? now.toISOString();
  const item: Item = {
    id: editing?.id ?? 0,
    topic,
    headline: draft.headline.trim() || tr.t('desk.preview.headline'),
    body: draft.body.trim() || tr.t('desk.preview.body'),
    ...(draft.sourceName?.trim() && { sourceName: draft.sourceName.trim() }),
    ...(draft.sourceUrl?.trim() && { sourceUrl: draft.sourceUrl.trim() }),
    publishedAt: at,
    updatedAt: now.toISOString(),
    author: editing?.author ?? options.author,
  };
  const itemDoc: Doc = {
    blocks: [
      { type: 'section', text: newsroom.topics.label(topic, tr) },
      { type: 'item', item: newsroom.views.item(item, tr) },
    ],
  };
  const digestDoc = await digestWith(newsroom, item, now, tr);
  const count = (length: number, limit: number): FieldCount => ({
    length,
    limit,
    text: tr.t('desk.form.count', { length, limit }),
  });
  return {
    html: html`<h3 class="preview-heading">${tr.t('desk.preview.item')}</h3>
      ${drawBoth(itemDoc, tr)}
      <h3 class="preview-heading">${tr.t('desk.preview.digest')}</h3>
      ${splitSummary(digestDoc, tr)}
      <details class="digest-preview">
        <summary>${tr.t('desk.preview.whole')}</summary>
        ${drawBoth(digestDoc, tr)}
      </details>`,
    counts: {
      headline: count(draftLength(draft.headline.trim()), ITEM_LIMITS.headline),
      body: count(draftLength(draft.body.trim()), ITEM_LIMITS.body),
      sourceName: count(draftLength(draft.sourceName?.trim() ?? ''), ITEM_LIMITS.sourceName),
    },
    problems: checked.ok ? [] : checked.error,
  };
}

/** Today's digest (the newsroom's day so far) with `item` in it, replacing its stored self when editing. */
async function digestWith(newsroom: Newsroom, item: Item, now: Date, tr: Translator): Promise<Doc> {
  const today = localDate(now, newsroom.settings.timezone);
  const { start } = dayBounds(today, newsroom.settings.timezone);
  const { items } = await newsroom.store.queryItems({ from: start.toISOString(), upTo: now.toISOString() });
  const others = items.filter((i) => i.id !== item.id);
  const all = [item, ...others].sort((a, b) => b.publishedAt.localeCompare(a.publishedAt));
  const shown = all.slice(0, DIGEST_MAX_ITEMS);
  const beyond = all.slice(DIGEST_MAX_ITEMS);
  return newsroom.views.digest(
    {
      window: { after: start.toISOString(), upTo: now.toISOString() },
      sections: groupByTopic(shown, newsroom.topics),
      shown: shown.length,
      omitted: beyond.length,
      omittedTopics: newsroom.topics.sort(new Set(beyond.map((i) => i.topic))),
    },
    tr,
  );
}

import type { Block, Doc, ItemView } from '../../core/document.js';
import { cutPlainText, packBlocks } from '../../core/document.js';
import { isWebUrl } from '../../core/items.js';

/**
 * The most characters one message may show: `sendMessage.text` is "1-4096 characters after entities
 * parsing", counted in UTF-16 code units.
 * @see https://core.telegram.org/bots/api#sendmessage
 */
export const TELEGRAM_MESSAGE_LIMIT = 4096;

/** Blocks are separated by an empty line; Telegram HTML has no `<p>` or `<br>`. */
const BLOCK_SEPARATOR = '\n\n';

/**
 * One Telegram message, ready to send: its HTML (for `parse_mode: 'HTML'`) and the same message as plain
 * text, sent instead should Telegram refuse the HTML (`can't parse entities`). Both stay within
 * {@link TELEGRAM_MESSAGE_LIMIT}.
 */
export interface TelegramPart {
  readonly html: string;
  readonly plain: string;
  /** The document's buttons, on its last message. */
  readonly keyboard?: InlineKeyboard;
}

/** One inline keyboard button: its text and the `callback_data` a press sends back. */
export interface InlineButton {
  readonly text: string;
  readonly callback_data: string;
}

/** Telegram's `InlineKeyboardMarkup.inline_keyboard`. @see https://core.telegram.org/bots/api#inlinekeyboardmarkup */
export type InlineKeyboard = readonly (readonly InlineButton[])[];

/** A document's buttons as an inline keyboard; `undefined` when it has none. */
export function keyboardOf(actions: Doc['actions']): InlineKeyboard | undefined {
  const rows = (actions ?? [])
    .map((row) => row.map((a) => ({ text: a.label, callback_data: a.data })))
    .filter((row) => row.length > 0);
  return rows.length > 0 ? rows : undefined;
}

/**
 * Escapes text for Telegram HTML: `&` first, then `<` and `>`. Every user- and editor-supplied string
 * passes through here.
 * @see https://core.telegram.org/bots/api#html-style
 */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes an attribute value (an `href`): as {@link escapeHtml}, and `"` too. */
export function escapeAttribute(text: string): string {
  return escapeHtml(text).replace(/"/g, '&quot;');
}

const bold = (text: string) => `<b>${escapeHtml(text)}</b>`;
const italic = (text: string) => `<i>${escapeHtml(text)}</i>`;

/** The host of a URL, as a link's text when the source has no name. */
function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

/** An item's source as HTML: a link only for http(s) URLs; any other URL is left out. */
function sourceHtml(item: ItemView): string | undefined {
  const url = item.sourceUrl !== undefined && isWebUrl(item.sourceUrl) ? item.sourceUrl : undefined;
  if (url === undefined) return item.sourceName === undefined ? undefined : escapeHtml(item.sourceName);
  return `<a href="${escapeAttribute(url)}">${escapeHtml(item.sourceName ?? hostOf(url))}</a>`;
}

function itemHtml(item: ItemView, showId: boolean): string {
  const id = showId ? ` [#${item.id}]` : '';
  const source = sourceHtml(item);
  const footer =
    source === undefined ? `— ${escapeHtml(item.dateLabel)}` : `— ${source}, ${escapeHtml(item.dateLabel)}`;
  return `${bold(item.headline)}${id}\n${escapeHtml(item.body)}\n${footer}`;
}

/** Renders one block as Telegram HTML. Headlines, section headings and field labels are bold. */
export function renderBlockHtml(block: Block): string {
  switch (block.type) {
    case 'paragraph':
      return block.style === 'muted' ? italic(block.text) : escapeHtml(block.text);
    case 'section':
      return bold(block.text);
    case 'list':
      return block.entries.map((entry) => `• ${escapeHtml(entry)}`).join('\n');
    case 'fields':
      return block.entries.map(([label, value]) => `${bold(`${label}:`)} ${escapeHtml(value)}`).join('\n');
    case 'item':
      return itemHtml(block.item, block.showId ?? false);
  }
}

const LINK = /<a href="([^"]*)">([\s\S]*?)<\/a>/g;
const TAG = /<\/?[a-z]+[^>]*>/g;

/** Decodes the four entities {@link escapeAttribute} produces; `&amp;` last so `&amp;lt;` stays `&lt;`. */
function unescapeHtml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/**
 * The plain-text form of HTML this module rendered: tags dropped, entities decoded, and each link's URL
 * kept after its text (`NDRC (https://…)`) so the fallback loses nothing. Never shorter than what the
 * HTML shows, so measuring it bounds both forms.
 */
export function plainOf(html: string): string {
  const linked = html.replace(LINK, (_all, href: string, text: string) => {
    const url = unescapeHtml(href);
    const shown = unescapeHtml(text.replace(TAG, ''));
    return shown === url ? shown : `${shown} (${url})`;
  });
  return unescapeHtml(linked.replace(TAG, ''));
}

/** A block too long for one message loses its formatting and is cut as plain text at line or word breaks. */
function cutHtml(html: string, limit: number): string[] {
  return cutPlainText(plainOf(html), limit).map(escapeHtml);
}

/** Measures a message as its plain form, which is at least as long as what the HTML shows. */
function measure(html: string): number {
  return plainOf(html).length;
}

/**
 * Renders a document as Telegram messages: the title bold, each block in HTML with every string escaped,
 * packed into messages of at most {@link TELEGRAM_MESSAGE_LIMIT} visible characters. Messages break
 * only between blocks (so between items), never inside a tag. Pure.
 */
export function renderTelegram(doc: Doc, limit = TELEGRAM_MESSAGE_LIMIT): TelegramPart[] {
  const blocks = doc.blocks.map(renderBlockHtml);
  if (doc.title !== undefined && doc.title !== '') blocks.unshift(bold(doc.title));
  const nonEmpty = blocks.filter((b) => plainOf(b).trim() !== '');
  const parts: TelegramPart[] = packBlocks(nonEmpty, limit, BLOCK_SEPARATOR, cutHtml, measure).map(
    (html) => ({
      html,
      plain: plainOf(html),
    }),
  );
  const keyboard = keyboardOf(doc.actions);
  const last = parts.at(-1);
  if (keyboard !== undefined && last !== undefined) parts[parts.length - 1] = { ...last, keyboard };
  return parts;
}

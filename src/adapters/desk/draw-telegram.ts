import { isWebUrl } from '../../core/items.js';
import type { Translator } from '../../i18n/translator.js';
import { plainOf, TELEGRAM_MESSAGE_LIMIT, type TelegramPart } from '../telegram/render.js';
import { escapeHtml, html, type SafeHtml, trusted } from './html.js';

/** The tags the Telegram renderer writes (`render.ts`); anything else in its output is shown as text. */
const TAG = /<(\/?)(b|i|a)(?:\s+href="([^"]*)")?>/g;

/** Decodes the entities the Telegram renderer writes. */
function decode(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/**
 * Telegram HTML (as `renderTelegram` made it) as web HTML: `<b>`, `<i>` and http(s) links kept, every
 * piece of text decoded and escaped again, so nothing but those three tags can reach the page even
 * if the renderer let something through.
 */
export function telegramHtmlToWeb(telegramHtml: string): string {
  let out = '';
  let last = 0;
  const open: string[] = [];
  for (const match of telegramHtml.matchAll(TAG)) {
    out += escapeHtml(decode(telegramHtml.slice(last, match.index)));
    last = match.index + match[0].length;
    const [, closing, tag, href] = match;
    if (tag === undefined) continue;
    const name = tag === 'b' ? 'strong' : tag === 'i' ? 'em' : 'a';
    if (closing) {
      if (open.at(-1) === name) out += `</${open.pop()}>`;
      continue;
    }
    if (name === 'a') {
      const url = href === undefined ? '' : decode(href);
      if (!isWebUrl(url)) continue;
      out += `<a href="${escapeHtml(url)}" rel="noopener noreferrer nofollow" target="_blank">`;
    } else {
      out += `<${name}>`;
    }
    open.push(name);
  }
  out += escapeHtml(decode(telegramHtml.slice(last)));
  while (open.length > 0) out += `</${open.pop()}>`;
  return out;
}

/** Characters Telegram counts in a message: the text after entities parsing. */
export function telegramVisibleLength(part: TelegramPart): number {
  return decode(part.html.replace(/<[^>]*>/g, '')).length;
}

/** The first line of a message as text, to say where a long digest is split. */
export function telegramFirstLine(part: TelegramPart): string {
  return plainOf(part.html).split('\n')[0] ?? '';
}

/** Telegram messages drawn as chat bubbles, each with its character count against the limit (in `tr`'s words). */
export function drawTelegram(parts: readonly TelegramPart[], tr: Translator): SafeHtml {
  return html`<div class="tg-chat">${parts.map((part, i) => {
    const length = telegramVisibleLength(part);
    const over = length > TELEGRAM_MESSAGE_LIMIT;
    return html`<div class="tg-bubble">
      <div class="tg-text">${trusted(telegramHtmlToWeb(part.html))}</div>
      <div class="tg-meta${over ? ' over' : ''}">${parts.length > 1 ? tr.t('desk.preview.messageOf', { n: i + 1, total: parts.length }) : ''}${tr.t('desk.preview.characters', { length, limit: TELEGRAM_MESSAGE_LIMIT })}</div>
    </div>`;
  })}</div>`;
}

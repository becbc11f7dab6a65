/**
 * The entities Telegram's HTML parse_mode creates from closed tags, as TDLib's `parse_html` does: bold,
 * italic, …, text links (only to URLs Telegram accepts), mentions, custom emoji, pre/code with a language and
 * blockquotes. Used by the parser in `html.ts`.
 */
import type { TextEntity } from './types.js';

/** One `<a>` tag found by {@link parseTelegramHtml}. */
export interface HtmlLink {
  readonly text: string;
  readonly href: string;
}

/** A syntax error of the markup; the parser turns it into the Bot API's description. */
export class HtmlParseError extends Error {
  override name = 'HtmlParseError';
}

/** A tag opened and not yet closed. */
export interface OpenTag {
  readonly tag: string;
  readonly argument: string;
  /** Visible-text offset (UTF-16) where the tag opened. */
  readonly offset: number;
}

const LANGUAGE_CLASS_PREFIX = 'language-';
const SPAN_CLASS_PREFIX = 'tg-';

const SIMPLE_ENTITY_TYPES: ReadonlyMap<string, string> = new Map([
  ['b', 'bold'],
  ['strong', 'bold'],
  ['i', 'italic'],
  ['em', 'italic'],
  ['u', 'underline'],
  ['ins', 'underline'],
  ['s', 'strikethrough'],
  ['strike', 'strikethrough'],
  ['del', 'strikethrough'],
  ['span', 'spoiler'],
  ['tg-spoiler', 'spoiler'],
]);

/** A link target Telegram accepts for a text link (its `check_url` is stricter; this is close enough). */
function isAcceptedUrl(url: string): boolean {
  const candidate = /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `http://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(candidate);
  } catch {
    return false;
  }
  if (parsed.protocol === 'tg:' || parsed.protocol === 'ton:') return true;
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:' && parsed.protocol !== 'ftp:') return false;
  return parsed.hostname.includes('.') || parsed.hostname === 'localhost';
}

/** What a tag's attribute contributes: an href, emoji id, code language, span class or `expandable`. */
export function tagArgument(tag: string, attribute: string, value: string): string | undefined {
  if ((tag === 'a' && attribute === 'href') || (tag === 'tg-emoji' && attribute === 'emoji-id')) return value;
  if (tag === 'code' && attribute === 'class' && value.startsWith(LANGUAGE_CLASS_PREFIX)) {
    return value.slice(LANGUAGE_CLASS_PREFIX.length);
  }
  if (tag === 'span' && attribute === 'class' && value.startsWith(SPAN_CLASS_PREFIX)) {
    return value.slice(SPAN_CLASS_PREFIX.length);
  }
  if (tag === 'blockquote' && attribute === 'expandable') return '1';
  return undefined;
}

/** Turns a closed tag into an entity, as TDLib does (empty entities are dropped). */
export function closeTag(open: OpenTag, visible: string, entities: TextEntity[], links: HtmlLink[]): void {
  const offset = open.offset;
  const length = visible.length - offset;
  if (open.tag === 'a') {
    const linkText = visible.slice(offset);
    links.push({ text: linkText, href: open.argument !== '' ? open.argument : linkText });
  }
  if (length <= 0) return;
  const simple = SIMPLE_ENTITY_TYPES.get(open.tag);
  if (simple !== undefined) {
    entities.push({ type: simple, offset, length });
    return;
  }
  const last = entities.at(-1);
  const sameSpan = last !== undefined && last.offset === offset && last.length === length;
  switch (open.tag) {
    case 'a': {
      const url = open.argument !== '' ? open.argument : visible.slice(offset);
      const userId = /^tg:\/\/user\?id=(\d+)$/.exec(url)?.[1];
      if (userId !== undefined)
        entities.push({ type: 'text_mention', offset, length, user: { id: Number(userId) } });
      else if (isAcceptedUrl(url)) entities.push({ type: 'text_link', offset, length, url });
      return;
    }
    case 'tg-emoji':
      if (!/^[1-9]\d*$/.test(open.argument))
        throw new HtmlParseError('Invalid custom emoji identifier specified');
      entities.push({ type: 'custom_emoji', offset, length, custom_emoji_id: open.argument });
      return;
    case 'pre':
      if (sameSpan && last.type === 'code' && last.language !== undefined) {
        entities[entities.length - 1] = { type: 'pre', offset, length, language: last.language };
      } else {
        entities.push({ type: 'pre', offset, length });
      }
      return;
    case 'code':
      if (sameSpan && last.type === 'pre' && open.argument !== '') {
        entities[entities.length - 1] = { type: 'pre', offset, length, language: open.argument };
      } else {
        entities.push(
          open.argument !== ''
            ? { type: 'code', offset, length, language: open.argument }
            : { type: 'code', offset, length },
        );
      }
      return;
    case 'blockquote':
      entities.push({ type: open.argument !== '' ? 'expandable_blockquote' : 'blockquote', offset, length });
      return;
    default:
      // tg-time creates no entity here.
      return;
  }
}

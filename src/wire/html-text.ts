import { decodeHTML } from 'entities';

/** Elements whose content is never text a reader should see. */
const HIDDEN_OPEN = /<(script|style|noscript|template|iframe|object|svg|math)\b/gi;
/** At most this many characters of HTML are read: plenty for 1,500 characters of text, and a bound on the work. */
export const MAX_HTML_CHARS = 64 * 1024;
/** A tag longer than this is not a tag (and looking further would make a page of `<` slow). */
const MAX_TAG = 2000;
const COMMENT = /<!--[\s\S]*?(?:-->|$)/g;
const CDATA = /<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)/g;
/** Tags that end a line of text. */
const LINE_BREAK = new RegExp(
  `<\\/?(?:br|p|div|li|ul|ol|h[1-6]|tr|table|blockquote|section|article|header|footer|figure|figcaption|pre|hr|dd|dt)\\b[^>]{0,${MAX_TAG}}>`,
  'gi',
);
const TAG = new RegExp(`<\\/?[A-Za-z][^>]{0,${MAX_TAG}}>`, 'g');

/** `html` without the content of scripts, styles and the like; an unclosed one hides the rest, as in a browser. */
function dropHidden(html: string): string {
  const lower = html.toLowerCase();
  let out = '';
  let from = 0;
  HIDDEN_OPEN.lastIndex = 0;
  for (let open = HIDDEN_OPEN.exec(html); open !== null; open = HIDDEN_OPEN.exec(html)) {
    if (open.index < from) continue;
    out += html.slice(from, open.index);
    const close = lower.indexOf(`</${open[1]!.toLowerCase()}`, open.index);
    if (close < 0) return out;
    const end = html.indexOf('>', close);
    from = end < 0 ? html.length : end + 1;
    HIDDEN_OPEN.lastIndex = from;
  }
  return out + html.slice(from);
}

/**
 * The text of an HTML fragment as a reader would see it: scripts, styles and comments dropped,
 * block elements as line breaks, every other tag removed, entities decoded, runs of spaces collapsed
 * and at most one empty line between paragraphs. The result is plain text; renderers escape it for
 * each platform, so nothing here needs to be safe HTML. Linear time: no pattern backtracks across
 * the input.
 */
export function htmlToText(html: string): string {
  const text = dropHidden(html.slice(0, MAX_HTML_CHARS).replace(CDATA, '$1').replace(COMMENT, ''))
    .replace(LINE_BREAK, '\n')
    .replace(TAG, '');
  return decodeHTML(text)
    .replace(/\r\n?/g, '\n')
    .replace(/[^\S\n]+/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** An HTML fragment as one line of text (a headline, a source name). */
export function htmlToLine(html: string): string {
  return htmlToText(html).replace(/\s+/g, ' ').trim();
}

/** Ends of sentences: Latin punctuation before a space or the end, or CJK full stops anywhere. */
const SENTENCE_END = /[.!?…]["'”’)\]]*(?=\s|$)|[。！？][”’」』）]*/gu;

/**
 * `text` cut to at most `limit` characters (code points), at the end of a sentence when one ends in
 * the second half of the allowance, else at a word break with `…`, else mid-text with `…`.
 */
export function cutAtSentence(text: string, limit: number): string {
  const chars = Array.from(text);
  if (chars.length <= limit) return text;
  const window = chars.slice(0, limit).join('');
  let end = -1;
  for (const match of window.matchAll(SENTENCE_END)) end = match.index + match[0].length;
  if (end > 0 && Array.from(window.slice(0, end)).length >= limit / 2) return window.slice(0, end).trim();
  const shorter = chars.slice(0, limit - 1).join('');
  const space = shorter.search(/\s\S*$/);
  const cut =
    space > 0 && Array.from(shorter.slice(0, space)).length >= limit / 2 ? shorter.slice(0, space) : shorter;
  return `${cut.trimEnd()}…`;
}

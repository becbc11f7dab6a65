/**
 * A reply as the core builds it: a platform-neutral document that each adapter renders in its own
 * way (Telegram HTML, Discord embeds, plain text for the console). Every string here is plain text;
 * renderers escape it.
 */
export interface Doc {
  /** Shown first and prominently, e.g. `Briefing — Tue 11 Jan 2022`. */
  readonly title?: string;
  readonly blocks: readonly Block[];
  /** `error` marks replies to mistakes; Discord shows those only to the person who asked. */
  readonly tone?: 'normal' | 'error';
  /** Show only to the person who asked where the platform can (Discord ephemeral replies). */
  readonly private?: boolean;
  /** The language it is written in, for the few words a renderer adds (Discord's "(continued)"). @defaultValue `en` */
  readonly language?: string;
  /**
   * Buttons under the message, in rows (at most {@link MAX_ACTION_ROWS} of {@link MAX_ACTIONS_PER_ROW}):
   * Telegram inline keyboards, Discord buttons; the console prints each with the command it runs.
   */
  readonly actions?: readonly (readonly Action[])[];
}

/**
 * A button. Pressing it runs `data` — a command name and its text arguments, `wire publish 12` —
 * through the dispatcher's {@link press}, with the same access checks as typing `/wire publish 12`.
 */
export interface Action {
  readonly label: string;
  /** At most {@link MAX_ACTION_DATA} bytes of UTF-8 (Telegram's `callback_data` limit). */
  readonly data: string;
  readonly style?: 'primary' | 'success' | 'danger' | 'secondary';
  /** Shown but not pressable (Discord); on Telegram pressing it only shows its state. */
  readonly disabled?: boolean;
}

/** Discord allows 5 action rows of 5 buttons per message; Telegram more, so Discord's limit holds. */
export const MAX_ACTION_ROWS = 5;
export const MAX_ACTIONS_PER_ROW = 5;
/** Telegram's `callback_data` is 1–64 bytes; Discord's `custom_id` up to 100 characters. */
export const MAX_ACTION_DATA = 64;

/** One news item as readers see it. */
export interface ItemView {
  readonly id: number;
  readonly topic: string;
  readonly headline: string;
  readonly body: string;
  readonly sourceName?: string;
  /** Only ever an http(s) URL; renderers link it and nothing else. */
  readonly sourceUrl?: string;
  /** Publication date as the newsroom states it: `11 Jan 2022`. */
  readonly dateLabel: string;
}

/** A piece of a document. Renderers may split a long document between blocks, never inside one. */
export type Block =
  | { readonly type: 'paragraph'; readonly text: string; readonly style?: 'lede' | 'muted' }
  /** A topic's heading inside a briefing or digest. */
  | { readonly type: 'section'; readonly text: string }
  | { readonly type: 'item'; readonly item: ItemView; readonly showId?: boolean }
  | { readonly type: 'list'; readonly entries: readonly string[] }
  /** Label/value pairs, e.g. a subscription's settings. */
  | { readonly type: 'fields'; readonly entries: readonly (readonly [string, string])[] };

/** A document made of one paragraph. */
export function textDoc(text: string, extra: Partial<Omit<Doc, 'blocks'>> = {}): Doc {
  return { ...extra, blocks: [{ type: 'paragraph', text }] };
}

/** Visible length in UTF-16 code units — how Telegram and Discord count message limits. */
export function visibleLength(text: string): number {
  return text.length;
}

/**
 * Packs rendered blocks into messages of at most `limit` characters (as `measure` counts them),
 * joining with `separator` and never splitting a block unless it alone is longer than `limit`, in
 * which case `cut` breaks it into pieces that fit.
 */
export function packBlocks(
  blocks: readonly string[],
  limit: number,
  separator: string,
  cut: (block: string, limit: number) => string[] = cutPlainText,
  measure: (text: string) => number = visibleLength,
): string[] {
  const messages: string[] = [];
  let current = '';
  const push = (piece: string) => {
    if (current === '') current = piece;
    else if (measure(current) + measure(separator) + measure(piece) <= limit) current += separator + piece;
    else {
      messages.push(current);
      current = piece;
    }
  };
  for (const block of blocks) {
    if (measure(block) <= limit) push(block);
    else for (const piece of cut(block, limit)) push(piece);
  }
  if (current !== '') messages.push(current);
  return messages;
}

/** Where Chinese (and Japanese) text ends a sentence or a clause; a cut goes after one. */
const CJK_BREAK = /[。！？；，、：）」』】》…]/g;

/** Grapheme clusters: an emoji with its modifiers, a letter with its accents, a surrogate pair. */
const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The longest start of `text` of at most `max` UTF-16 units that ends between two characters as
 * people see them (grapheme clusters): never inside a surrogate pair, an emoji sequence (👨‍👩‍👧,
 * ⛏️) or a letter and its accent. Empty only when the first character alone is longer than `max`.
 */
export function sliceWhole(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (const { index, segment } of GRAPHEMES.segment(text.slice(0, max + 16))) {
    if (index + segment.length > max) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}

/** How many UTF-16 units the code points at the start of `text` take within `limit` (at least one code point). */
function codePointsWithin(text: string, limit: number): number {
  let end = 0;
  for (const ch of text) {
    if (end + ch.length > limit && end > 0) break;
    end += ch.length;
  }
  return end;
}

/**
 * Breaks plain text into pieces of at most `limit`, preferring line breaks, then spaces, then the
 * end of a Chinese sentence or clause (Chinese has no spaces), and otherwise cutting between two
 * characters — never inside one (see {@link sliceWhole}).
 */
export function cutPlainText(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  // Each turn removes at least one character, so the loop ends.
  while (rest.length > limit) {
    const window = sliceWhole(rest, limit);
    let at = window.lastIndexOf('\n');
    if (at < limit / 2) at = window.lastIndexOf(' ');
    if (at < limit / 2) {
      let punctuation = -1;
      for (const match of window.matchAll(CJK_BREAK)) punctuation = match.index + match[0].length;
      at = punctuation;
    }
    if (at < limit / 2) at = window.length;
    // One character longer than the limit (an emoji sequence longer than a tiny limit) is cut
    // between its code points, never inside a surrogate pair, so the loop still moves on.
    if (at === 0) at = codePointsWithin(rest, limit);
    const piece = rest.slice(0, at).trimEnd();
    if (piece !== '') pieces.push(piece);
    rest = rest.slice(at).trimStart();
  }
  if (rest !== '') pieces.push(rest);
  return pieces;
}

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

/** Breaks plain text into pieces of at most `limit`, preferring line, then word boundaries. */
export function cutPlainText(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  // Each turn removes at least one character, so the loop ends.
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    let at = window.lastIndexOf('\n');
    if (at < limit / 2) at = window.lastIndexOf(' ');
    if (at < limit / 2) at = limit;
    // Do not cut a surrogate pair in half.
    if (at === limit && /[\uD800-\uDBFF]/.test(rest.charAt(at - 1))) at -= 1;
    pieces.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest !== '') pieces.push(rest);
  return pieces;
}

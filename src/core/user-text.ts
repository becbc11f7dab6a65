/**
 * Text as people type it: made well-formed on the way in, and quoted short on the way back out.
 */

/** How many characters of a user's input a reply quotes before cutting it short with `…`. */
export const MAX_QUOTED_LENGTH = 40;

/** A lone UTF-16 surrogate: with the `u` flag a valid pair is one code point and does not match. */
const LONE_SURROGATE = /\p{Cs}/gu;

/**
 * `text` with every lone UTF-16 surrogate replaced by U+FFFD, as `String#toWellFormed` does. A lone
 * surrogate cannot be encoded in UTF-8, so a platform refuses a message carrying one; replacing it
 * where input comes in keeps it out of replies, items and digests.
 */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD');
}

/** `text`, well-formed, cut to {@link MAX_QUOTED_LENGTH} characters (whole code points) with `…`. */
function shortened(text: string): string {
  const chars = Array.from(wellFormed(text));
  return chars.length > MAX_QUOTED_LENGTH ? `${chars.slice(0, MAX_QUOTED_LENGTH).join('')}…` : chars.join('');
}

/**
 * `text` in quotes for a reply that names a mistake, cut short (see {@link MAX_QUOTED_LENGTH}), so
 * that 10 kB of input does not push the explanation and the usage line past the platform's message
 * limit.
 */
export function quoted(text: string): string {
  return `"${shortened(text)}"`;
}

/** A command name as a reply repeats it, `/name`, cut short like {@link quoted} input. */
export function commandAsTyped(name: string): string {
  return `/${shortened(name)}`;
}

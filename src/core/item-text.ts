import { arg, type Command, type RawArgs } from './command.js';
import { ITEM_LIMITS, type ItemDraft } from './items.js';
import { err, ok, type Result } from './result.js';
import type { Topic } from './topics.js';

const SOURCE_LINE = /^source:\s*(.*)$/i;
/** A token that is meant as a URL: it has a scheme (`https:`, and also `javascript:`, to be refused later) or starts with www. */
const URL_LIKE = /^([a-z][a-z0-9+.-]*:\S+|www\.\S+)$/i;

/** The text form of an item as `/post` and `/edit` read it. */
export const ITEM_TEXT_FORM =
  '<topic> <headline> on the first line, the body on the following lines, and optionally a last line "Source: NAME URL"';

/**
 * Splits the text form of an item: the first line holds the topic and the headline, the following
 * lines the body, and an optional last line `Source: NAME URL` (either part may be missing).
 * Returns raw `topic`, `headline`, `body`, `source`, `url`; the values are checked later.
 */
export function splitItemText(text: string): Result<RawArgs> {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const first = (lines.shift() ?? '').trim();
  const [topic, ...headlineWords] = first.split(/\s+/).filter((w) => w !== '');
  if (topic === undefined) return err(`The item is missing. Give ${ITEM_TEXT_FORM}.`);
  if (headlineWords.length === 0)
    return err(`The headline is missing: put it after the topic on the first line.`);
  let source: string | undefined;
  let url: string | undefined;
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  const last = lines.at(-1)?.trim();
  const sourceMatch = last === undefined ? null : SOURCE_LINE.exec(last);
  if (sourceMatch) {
    lines.pop();
    const words = (sourceMatch[1] ?? '')
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    if (words.length > 0 && URL_LIKE.test(words.at(-1)!)) {
      const candidate = words.pop()!;
      url = candidate.toLowerCase().startsWith('www.') ? `https://${candidate}` : candidate;
    }
    if (words.length > 0) source = words.join(' ');
  }
  const body = lines.join('\n').trim();
  if (body === '') return err('The body is missing: write it on the lines after the headline.');
  return ok({
    topic,
    headline: headlineWords.join(' '),
    body,
    ...(source !== undefined && { source }),
    ...(url !== undefined && { url }),
  });
}

/** The arguments `/post` and `/edit` share, with Discord's option limits set to the item limits. */
export const itemArgs = {
  topic: arg.topic({ description: 'The topic', required: true }),
  headline: arg.text({
    description: 'The headline',
    name: 'headline',
    required: true,
    maxLength: ITEM_LIMITS.headline,
  }),
  body: arg.text({
    description: 'The text (paragraphs allowed)',
    name: 'body',
    required: true,
    maxLength: ITEM_LIMITS.body,
  }),
  source: arg.text({
    description: 'Source name',
    name: 'source',
    required: false,
    maxLength: ITEM_LIMITS.sourceName,
  }),
  url: arg.text({
    description: 'Source URL (http or https)',
    name: 'url',
    required: false,
    maxLength: ITEM_LIMITS.sourceUrl,
  }),
};

/** The form Discord opens when `/post` or `/edit` is missing its headline or body. */
export const itemForm: NonNullable<Command['form']> = {
  title: 'News item',
  needs: ['topic', 'headline', 'body'],
  fields: [
    { arg: 'topic', label: 'Topic', style: 'short', maxLength: 32, required: true },
    { arg: 'headline', label: 'Headline', style: 'short', maxLength: ITEM_LIMITS.headline, required: true },
    { arg: 'body', label: 'Body', style: 'paragraph', maxLength: ITEM_LIMITS.body, required: true },
    {
      arg: 'source',
      label: 'Source name',
      style: 'short',
      maxLength: ITEM_LIMITS.sourceName,
      required: false,
    },
    {
      arg: 'url',
      label: 'Source URL (http or https)',
      style: 'short',
      maxLength: ITEM_LIMITS.sourceUrl,
      required: false,
    },
  ],
};

/** The draft an editor's parsed arguments describe. */
export function draftOf(args: {
  topic: Topic;
  headline: string;
  body: string;
  source: string | undefined;
  url: string | undefined;
}): ItemDraft {
  return {
    topic: args.topic.slug,
    headline: args.headline,
    body: args.body,
    ...(args.source !== undefined && { sourceName: args.source }),
    ...(args.url !== undefined && { sourceUrl: args.url }),
  };
}

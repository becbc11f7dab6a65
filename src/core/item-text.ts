import type { Translator } from '../i18n/translator.js';
import { arg, type Command, type RawArgs } from './command.js';
import { ITEM_LIMITS, type ItemDraft } from './items.js';
import { err, ok, type Result } from './result.js';
import type { Topic } from './topics.js';

const SOURCE_LINE = /^source:\s*(.*)$/i;
/** A token that is meant as a URL: it has a scheme (`https:`, and also `javascript:`, to be refused later) or starts with www. */
const URL_LIKE = /^([a-z][a-z0-9+.-]*:\S+|www\.\S+)$/i;

/**
 * Splits the text form of an item: the first line holds the topic and the headline, the following
 * lines the body, and an optional last line `Source: NAME URL` (either part may be missing).
 * Returns raw `topic`, `headline`, `body`, `source`, `url`; the values are checked later.
 */
export function splitItemText(text: string, tr: Translator): Result<RawArgs> {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const first = (lines.shift() ?? '').trim();
  const [topic, ...headlineWords] = first.split(/\s+/).filter((w) => w !== '');
  if (topic === undefined) return err(tr.t('item.missing', { form: tr.t('item.textForm') }));
  if (headlineWords.length === 0) return err(tr.t('item.noHeadline'));
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
  if (body === '') return err(tr.t('item.noBody'));
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
  topic: arg.topic({ required: true }),
  headline: arg.text({
    name: 'headline',
    required: true,
    maxLength: ITEM_LIMITS.headline,
    missing: 'headline',
  }),
  body: arg.text({ name: 'body', required: true, maxLength: ITEM_LIMITS.body, missing: 'body' }),
  source: arg.text({ name: 'source', required: false, maxLength: ITEM_LIMITS.sourceName }),
  url: arg.text({ name: 'url', required: false, maxLength: ITEM_LIMITS.sourceUrl }),
};

/** The form Discord opens when `/post` or `/edit` is missing its headline or body. */
export const itemForm: NonNullable<Command['form']> = {
  title: 'forms.item',
  needs: ['topic', 'headline', 'body'],
  fields: [
    { arg: 'topic', label: 'forms.topic', style: 'short', maxLength: 32, required: true },
    {
      arg: 'headline',
      label: 'forms.headline',
      style: 'short',
      maxLength: ITEM_LIMITS.headline,
      required: true,
    },
    { arg: 'body', label: 'forms.body', style: 'paragraph', maxLength: ITEM_LIMITS.body, required: true },
    {
      arg: 'source',
      label: 'forms.source',
      style: 'short',
      maxLength: ITEM_LIMITS.sourceName,
      required: false,
    },
    {
      arg: 'url',
      label: 'forms.url',
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

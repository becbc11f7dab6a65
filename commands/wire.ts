import { defineCommand } from '../src/core/command.js';
import { UsageError } from '../src/core/errors.js';
import { parseItemId } from '../src/core/parse.js';
import type { Translator } from '../src/i18n/translator.js';
import { choiceArg, optionalTextArg, optionalTopicArg, splitActionText } from '../src/wire/command-args.js';
import { needWire } from '../src/wire/wire-commands.js';

const ACTIONS = ['list', 'publish', 'skip', 'show'] as const;

/** `/wire`: the drafts waiting; `/wire publish <id> [topic]`, `/wire skip <id>` (also the buttons' form). */
export default defineCommand({
  name: 'wire',
  access: 'editor',
  args: {
    action: choiceArg({ words: ACTIONS, fallback: 'list' }),
    target: optionalTextArg('id', 12),
    topic: optionalTopicArg(),
  },
  splitText: (rest, tr) => splitActionText(rest, [{ name: 'topic', accepts: () => true }], tr),
  async run(ctx, { action, target, topic }) {
    const { tr } = ctx;
    const wire = needWire(ctx);
    if (action === 'list') return wire.waiting(tr);
    const id = draftId(target, tr);
    if (action === 'publish') return wire.publish(id, ctx.user!, topic, ctx.now, tr);
    if (action === 'skip') return wire.skip(id, ctx.user!, ctx.now, tr);
    return wire.waiting(tr);
  },
  async press(ctx, { action, target, topic }, view) {
    const { tr } = ctx;
    const wire = needWire(ctx);
    if (action !== 'publish' && action !== 'skip' && action !== 'show')
      return { doc: await wire.waiting(tr) };
    return wire.press(action, draftId(target, tr), ctx.user!, topic, view, ctx.now, tr);
  },
});

function draftId(target: string | undefined, tr: Translator): number {
  if (target === undefined) throw new UsageError('missingDraft', tr.t('wire.draft.missing'));
  const id = parseItemId(target, tr);
  if (!id.ok) throw new UsageError('badDraftId', tr.t('wire.draft.badId', { text: target.slice(0, 12) }));
  return id.value;
}

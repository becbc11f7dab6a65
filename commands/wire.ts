import { defineCommand } from '../src/core/command.js';
import { UsageError } from '../src/core/errors.js';
import { parseItemId } from '../src/core/parse.js';
import { choiceArg, optionalTextArg, optionalTopicArg, splitActionText } from '../src/wire/command-args.js';
import { needWire } from '../src/wire/wire-commands.js';

const ACTIONS = ['list', 'publish', 'skip', 'show'] as const;

/** `/wire`: the drafts waiting; `/wire publish <id> [topic]`, `/wire skip <id>` (also the buttons' form). */
export default defineCommand({
  name: 'wire',
  description: 'The drafts waiting on the news wire; publish or skip one (editors)',
  access: 'editor',
  args: {
    action: choiceArg({
      description: 'List, publish or skip',
      name: 'action',
      words: ACTIONS,
      fallback: 'list',
    }),
    target: optionalTextArg('The draft’s number (publish, skip)', 'id', 12),
    topic: optionalTopicArg('The topic to publish it under, when it has none or another is better'),
  },
  usage: '/wire · /wire publish <id> [topic] · /wire skip <id>',
  examples: ['/wire publish 12', '/wire publish 12 mining', '/wire skip 13'],
  splitText: (rest) => splitActionText(rest, [{ name: 'topic', accepts: () => true }]),
  async run(ctx, { action, target, topic }) {
    const wire = needWire(ctx);
    if (action === 'list') return wire.waiting();
    const id = draftId(target);
    if (action === 'publish') return wire.publish(id, ctx.user!, topic, ctx.now);
    if (action === 'skip') return wire.skip(id, ctx.user!, ctx.now);
    return wire.waiting();
  },
  async press(ctx, { action, target, topic }, view) {
    const wire = needWire(ctx);
    if (action !== 'publish' && action !== 'skip' && action !== 'show') return { doc: await wire.waiting() };
    return wire.press(action, draftId(target), ctx.user!, topic, view, ctx.now);
  },
});

function draftId(target: string | undefined): number {
  if (target === undefined) throw new UsageError('missingDraft', 'The draft’s number is missing.');
  const id = parseItemId(target);
  if (!id.ok)
    throw new UsageError('badDraftId', `${target.slice(0, 12)} is not a draft number; /wire lists them.`);
  return id.value;
}

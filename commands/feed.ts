import { defineCommand } from '../src/core/command.js';
import { UsageError } from '../src/core/errors.js';
import { parseItemId } from '../src/core/parse.js';
import {
  autoArg,
  choiceArg,
  optionalTextArg,
  optionalTopicArg,
  splitActionText,
} from '../src/wire/command-args.js';
import { needWire } from '../src/wire/wire-commands.js';

const ACTIONS = ['list', 'add', 'remove', 'pause', 'resume'] as const;

/** `/feed add <url> [topic] [auto]`, `/feed list`, `/feed remove|pause|resume <id>`: the wire's sources. */
export default defineCommand({
  name: 'feed',
  access: 'editor',
  args: {
    action: choiceArg({ words: ACTIONS, fallback: 'list' }),
    target: optionalTextArg('url|id', 2000),
    topic: optionalTopicArg(),
    auto: autoArg(),
  },
  splitText: (rest, tr) =>
    splitActionText(
      rest,
      [
        { name: 'auto', accepts: (w) => w.toLowerCase() === 'auto' },
        { name: 'topic', accepts: () => true },
      ],
      tr,
    ),
  async run(ctx, { action, target, topic, auto }) {
    const { tr } = ctx;
    const wire = needWire(ctx);
    if (action === 'list') return wire.listFeeds(tr);
    if (target === undefined)
      throw new UsageError(
        'missingTarget',
        tr.t(action === 'add' ? 'wire.feed.missingUrl' : 'wire.feed.missingId'),
      );
    if (action === 'add') return wire.addFeed(target, topic, auto, ctx.user!, ctx.now, tr);
    const id = parseItemId(target, tr);
    if (!id.ok) throw new UsageError('badFeedId', tr.t('wire.feed.badId', { text: target.slice(0, 40) }));
    if (action === 'remove') return wire.removeFeed(id.value, tr);
    if (action === 'pause') return wire.pauseFeed(id.value, ctx.user!, tr);
    return wire.resumeFeed(id.value, tr);
  },
});

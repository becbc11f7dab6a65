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
  description: 'Add, list, pause, resume or remove the news wire’s feeds (editors)',
  access: 'editor',
  args: {
    action: choiceArg({ description: 'What to do', name: 'action', words: ACTIONS, fallback: 'list' }),
    target: optionalTextArg('The feed’s URL (add) or its id (remove, pause, resume)', 'url|id', 2000),
    topic: optionalTopicArg('The topic its entries go under (add); without one, by their words'),
    auto: autoArg('Publish new entries at once instead of waiting for an editor (add)'),
  },
  usage: '/feed add <url> [topic] [auto] · /feed list · /feed remove|pause|resume <id>',
  examples: ['/feed add https://www.ndrc.gov.cn/xxgk/zcfb/rss.xml policy', '/feed pause 3'],
  splitText: (rest) =>
    splitActionText(rest, [
      { name: 'auto', accepts: (w) => w.toLowerCase() === 'auto' },
      { name: 'topic', accepts: () => true },
    ]),
  async run(ctx, { action, target, topic, auto }) {
    const wire = needWire(ctx);
    if (action === 'list') return wire.listFeeds();
    if (target === undefined)
      throw new UsageError(
        'missingTarget',
        action === 'add' ? 'The feed’s URL is missing.' : 'The feed id is missing.',
      );
    if (action === 'add') return wire.addFeed(target, topic, auto, ctx.user!, ctx.now);
    const id = parseItemId(target);
    if (!id.ok)
      throw new UsageError('badFeedId', `${target.slice(0, 40)} is not a feed id; /feed list shows them.`);
    if (action === 'remove') return wire.removeFeed(id.value);
    if (action === 'pause') return wire.pauseFeed(id.value, ctx.user!);
    return wire.resumeFeed(id.value);
  },
});

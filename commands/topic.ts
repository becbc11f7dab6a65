import { arg, defineCommand } from '../src/core/command.js';
import { TOPIC_DEFAULT_COUNT, TOPIC_MAX_COUNT } from '../src/core/newsroom.js';

/** `/topic <topic> [count]`: the latest items on one topic. */
export default defineCommand({
  name: 'topic',
  description: 'The latest items on one topic',
  access: 'anyone',
  args: {
    topic: arg.topic({ description: 'The topic', required: true }),
    count: arg.int({
      description: `How many items (1–${TOPIC_MAX_COUNT}, default ${TOPIC_DEFAULT_COUNT})`,
      name: 'count',
      min: 1,
      max: TOPIC_MAX_COUNT,
      default: TOPIC_DEFAULT_COUNT,
    }),
  },
  usage: '/topic <topic> [count]',
  examples: ['/topic nft', '/topic mining 3'],
  run: (ctx, { topic, count }) => ctx.newsroom.latestOnTopic(topic, count, ctx.now),
});

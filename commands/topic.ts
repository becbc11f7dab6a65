import { arg, defineCommand } from '../src/core/command.js';
import { TOPIC_DEFAULT_COUNT, TOPIC_MAX_COUNT } from '../src/core/newsroom.js';

/** `/topic <topic> [count]`: the latest items on one topic. */
export default defineCommand({
  name: 'topic',
  access: 'anyone',
  args: {
    topic: arg.topic({ required: true }),
    count: arg.int({ name: 'count', min: 1, max: TOPIC_MAX_COUNT, default: TOPIC_DEFAULT_COUNT }),
  },
  run: (ctx, { topic, count }) => ctx.newsroom.latestOnTopic(topic, count, ctx.now, ctx.tr),
});

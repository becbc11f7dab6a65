import { defineCommand } from '../src/core/command.js';

/** `/stats`: subscriptions, items and the last delivery run. */
export default defineCommand({
  name: 'stats',
  access: 'editor',
  args: {},
  run: (ctx) => ctx.newsroom.stats(ctx.tr),
});

import { defineCommand } from '../src/core/command.js';

/** `/topics`: every topic with its description, item count and latest date. */
export default defineCommand({
  name: 'topics',
  access: 'anyone',
  args: {},
  run: (ctx) => ctx.newsroom.topicsOverview(ctx.tr),
});

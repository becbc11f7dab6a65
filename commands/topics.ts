import { defineCommand } from '../src/core/command.js';

/** `/topics`: every topic with its description, item count and latest date. */
export default defineCommand({
  name: 'topics',
  description: 'Every topic, its number of items and the date of its latest',
  access: 'anyone',
  args: {},
  usage: '/topics',
  run: (ctx) => ctx.newsroom.topicsOverview(),
});

import { defineCommand } from '../src/core/command.js';

/** `/stats`: subscriptions, items and the last delivery run. */
export default defineCommand({
  name: 'stats',
  description: 'Subscriptions, items by topic and the last delivery run (editors)',
  access: 'editor',
  args: {},
  usage: '/stats',
  run: (ctx) => ctx.newsroom.stats(),
});

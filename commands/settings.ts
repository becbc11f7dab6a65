import { defineCommand } from '../src/core/command.js';

/** `/settings`: this chat's subscription and next delivery. */
export default defineCommand({
  name: 'settings',
  description: 'This chat’s subscription and its next delivery',
  access: 'anyone',
  args: {},
  usage: '/settings',
  run: (ctx) => ctx.newsroom.settingsOf(ctx.chat, ctx.now),
});

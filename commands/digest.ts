import { defineCommand } from '../src/core/command.js';

/** `/digest`: preview this chat's digest without moving its delivery cursor. */
export default defineCommand({
  name: 'digest',
  description: 'Preview this chat’s digest now; its delivery is not affected (editors)',
  access: 'editor',
  args: {},
  usage: '/digest',
  run: (ctx) => ctx.newsroom.digestPreview(ctx.chat, ctx.now),
});

import { defineCommand } from '../src/core/command.js';

/** `/digest`: preview this chat's digest without moving its delivery cursor. */
export default defineCommand({
  name: 'digest',
  access: 'editor',
  args: {},
  run: (ctx) => ctx.newsroom.digestPreview(ctx.chat, ctx.now, ctx.tr),
});

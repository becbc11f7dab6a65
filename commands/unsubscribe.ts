import { defineCommand } from '../src/core/command.js';

/** `/unsubscribe`: stop this chat's digests. */
export default defineCommand({
  name: 'unsubscribe',
  access: 'chatAdmin',
  args: {},
  run: (ctx) => ctx.newsroom.unsubscribe(ctx.chat, ctx.tr),
});

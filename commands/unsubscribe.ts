import { defineCommand } from '../src/core/command.js';

/** `/unsubscribe`: stop this chat's digests. */
export default defineCommand({
  name: 'unsubscribe',
  description: 'Stop this chat’s daily digest',
  access: 'chatAdmin',
  args: {},
  usage: '/unsubscribe',
  run: (ctx) => ctx.newsroom.unsubscribe(ctx.chat),
});

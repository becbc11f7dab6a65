import { defineCommand } from '../src/core/command.js';

/** `/help`: the commands, the topics, and this chat's subscription. */
export default defineCommand({
  name: 'help',
  access: 'anyone',
  args: {},
  run: (ctx) => ctx.newsroom.help(ctx.chat, ctx.commands, ctx.isEditor, ctx.now, ctx.tr),
});

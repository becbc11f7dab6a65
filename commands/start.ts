import { defineCommand } from '../src/core/command.js';

/** `/start` (Telegram): the welcome and the help text. */
export default defineCommand({
  name: 'start',
  access: 'anyone',
  platforms: ['telegram'],
  args: {},
  async run(ctx) {
    const help = await ctx.newsroom.help(ctx.chat, ctx.commands, ctx.isEditor, ctx.now, ctx.tr);
    return {
      ...help,
      blocks: [{ type: 'paragraph', text: ctx.tr.t('commands.start.welcome') }, ...help.blocks],
    };
  },
});

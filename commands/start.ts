import { defineCommand } from '../src/core/command.js';

/** `/start` (Telegram): the welcome and the help text. */
export default defineCommand({
  name: 'start',
  description: 'Welcome and help',
  access: 'anyone',
  platforms: ['telegram'],
  args: {},
  usage: '/start',
  async run(ctx) {
    const help = await ctx.newsroom.help(ctx.chat, ctx.commands, ctx.isEditor, ctx.now);
    return {
      ...help,
      blocks: [
        {
          type: 'paragraph',
          text: 'Welcome to Briefcast: a daily briefing on crypto mining, blockchain policy and NFTs in China. Try /brief for today’s briefing.',
        },
        ...help.blocks,
      ],
    };
  },
});

import { defineCommand } from '../src/core/command.js';

/** `/settings`: this chat's subscription and next delivery. */
export default defineCommand({
  name: 'settings',
  access: 'anyone',
  args: {},
  // Private: Discord shows a chat's settings to the asker only (the "settings replies are ephemeral").
  run: async (ctx) => ({ ...(await ctx.newsroom.settingsOf(ctx.chat, ctx.now, ctx.tr)), private: true }),
});

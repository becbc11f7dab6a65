import { defineCommand } from '../src/core/command.js';
import { textDoc } from '../src/core/document.js';
import { describeInstant } from '../src/core/time.js';

/** `/desk`: a one-time link that signs an editor in to the desk, the web page for the briefing. */
export default defineCommand({
  name: 'desk',
  description: 'A one-time sign-in link to the editors’ desk, a web page (editors)',
  access: 'editor',
  args: {},
  usage: '/desk',
  async run(ctx) {
    if (!ctx.desk) {
      return textDoc('The desk is off: the operator turns it on by setting DESK_PORT.', { private: true });
    }
    // A link posted in a group works for whoever opens it first. Discord shows a server reply only
    // to the asker (ephemeral); Telegram groups and channels have no such reply.
    if (ctx.chatKind !== 'private' && ctx.chat.platform !== 'discord') {
      return textDoc(
        'Ask for the desk link in a private chat with the bot: anyone here could use a link posted in this chat.',
        { private: true, tone: 'error' },
      );
    }
    const link = await ctx.desk.signInLink(ctx.user!, ctx.now);
    return {
      blocks: [
        { type: 'paragraph', text: `Your desk link: ${link.url}` },
        {
          type: 'paragraph',
          text: `It signs you in once and works until ${describeInstant(link.expiresAt, ctx.newsroom.settings.timezone)}. Do not share it.`,
          style: 'muted',
        },
      ],
      private: true,
    };
  },
});

import { defineCommand } from '../src/core/command.js';
import { textDoc } from '../src/core/document.js';

/** `/desk`: a one-time link that signs an editor in to the desk, the web page for the briefing. */
export default defineCommand({
  name: 'desk',
  access: 'editor',
  args: {},
  async run(ctx) {
    const { tr } = ctx;
    if (!ctx.desk) return textDoc(tr.t('desk.off'), { private: true });
    // A link posted in a group works for whoever opens it first. Discord shows a server reply only
    // to the asker (ephemeral); Telegram groups and channels have no such reply.
    if (ctx.chatKind !== 'private' && ctx.chat.platform !== 'discord')
      return textDoc(tr.t('desk.privateOnly'), { private: true, tone: 'error' });
    // The desk speaks the language this reply is in, unless the editor's browser chose one.
    const link = await ctx.desk.signInLink(ctx.user!, ctx.now, tr.language);
    return {
      blocks: [
        { type: 'paragraph', text: tr.t('desk.link', { url: link.url }) },
        {
          type: 'paragraph',
          text: tr.t('desk.expires', { when: tr.instant(link.expiresAt, ctx.newsroom.settings.timezone) }),
          style: 'muted',
        },
      ],
      private: true,
    };
  },
});

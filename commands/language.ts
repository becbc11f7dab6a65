import { arg, defineCommand } from '../src/core/command.js';
import { languageCodes } from '../src/core/parse.js';

/** `/language [zh|en]`: this chat's language, or choose another (in a group, only its admins). */
export default defineCommand({
  name: 'language',
  access: 'anyone',
  args: { language: arg.language() },
  // Showing the language is for anyone; changing it is for those who may change the subscription.
  accessWithArgs: 'chatAdmin',
  run: (ctx, { language }) => ctx.newsroom.language(ctx.chat, language, ctx.language, languageCodes()),
});

import { defineCommand } from '../src/core/command.js';
import { draftOf, itemArgs, itemForm, splitItemText } from '../src/core/item-text.js';

/** `/post`: add an item. */
export default defineCommand({
  name: 'post',
  description: 'Add a news item (editors)',
  access: 'editor',
  args: itemArgs,
  usage: '/post <topic> <headline> ⏎ <body> ⏎ [Source: NAME URL]',
  examples: [
    '/post mining China lists crypto mining as an industry to retire ⏎ The NDRC put … ⏎ Source: NDRC https://www.ndrc.gov.cn/',
  ],
  splitText: splitItemText,
  form: itemForm,
  run: (ctx, args) => ctx.newsroom.post(draftOf(args), ctx.user!, ctx.now),
});

import { defineCommand } from '../src/core/command.js';
import { draftOf, itemArgs, itemForm, splitItemText } from '../src/core/item-text.js';

/** `/post`: add an item. */
export default defineCommand({
  name: 'post',
  access: 'editor',
  args: itemArgs,
  splitText: splitItemText,
  form: itemForm,
  run: (ctx, args) => ctx.newsroom.post(draftOf(args), ctx.user!, ctx.now, ctx.tr),
});

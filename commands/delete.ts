import { arg, defineCommand } from '../src/core/command.js';

/** `/delete <id>`: remove an item. */
export default defineCommand({
  name: 'delete',
  description: 'Remove a news item (editors)',
  access: 'editor',
  args: { id: arg.itemId({ description: 'The item’s id (#12)' }) },
  usage: '/delete <id>',
  examples: ['/delete 12'],
  run: (ctx, { id }) => ctx.newsroom.delete(id),
});

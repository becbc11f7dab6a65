import { arg, defineCommand } from '../src/core/command.js';

/** `/delete <id>`: remove an item. */
export default defineCommand({
  name: 'delete',
  access: 'editor',
  args: { id: arg.itemId() },
  run: (ctx, { id }) => ctx.newsroom.delete(id, ctx.tr),
});

import { arg, defineCommand } from '../src/core/command.js';

/** `/brief [date]`: the briefing of a day. */
export default defineCommand({
  name: 'brief',
  access: 'anyone',
  args: { date: arg.date() },
  run: (ctx, { date }) => ctx.newsroom.brief(date, ctx.now, ctx.tr),
});

import { arg, defineCommand } from '../src/core/command.js';

/** `/brief [date]`: the briefing of a day. */
export default defineCommand({
  name: 'brief',
  description: 'The briefing of a day (today’s, or the latest)',
  access: 'anyone',
  args: { date: arg.date({ description: 'YYYY-MM-DD, today or yesterday' }) },
  usage: '/brief [YYYY-MM-DD|today|yesterday]',
  examples: ['/brief', '/brief 2022-01-11', '/brief yesterday'],
  run: (ctx, { date }) => ctx.newsroom.brief(date, ctx.now),
});

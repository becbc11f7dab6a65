import { arg, defineCommand, type RawArgs } from '../src/core/command.js';
import { looksLikeTimezone } from '../src/core/parse.js';
import { err, ok, type Result } from '../src/core/result.js';

const TIME_LIKE = /^\d/;

/** Sorts the words of `/subscribe` into topics, a time and a time zone, in any order. */
function splitSubscribeText(rest: string): Result<RawArgs> {
  const topics: string[] = [];
  let time: string | undefined;
  let timezone: string | undefined;
  for (const word of rest.split(/[\s,]+/).filter((w) => w !== '')) {
    if (TIME_LIKE.test(word)) {
      if (time !== undefined) return err(`Two times given (${time} and ${word}); give one HH:MM.`);
      time = word;
    } else if (looksLikeTimezone(word)) {
      if (timezone !== undefined) return err(`Two time zones given (${timezone} and ${word}); give one.`);
      timezone = word;
    } else {
      topics.push(word);
    }
  }
  return ok({
    ...(topics.length > 0 && { topics: topics.join(',') }),
    ...(time !== undefined && { time }),
    ...(timezone !== undefined && { timezone }),
  });
}

/** `/subscribe [topics…] [HH:MM] [timezone]`: subscribe this chat or change its subscription. */
export default defineCommand({
  name: 'subscribe',
  description: 'Get the daily digest here, or change its topics, time or time zone',
  access: 'chatAdmin',
  args: {
    topics: arg.topics({ description: 'Topics, comma-separated, or all' }),
    time: arg.time({ description: 'Delivery time, HH:MM (24-hour)' }),
    timezone: arg.timezone({ description: 'IANA time zone, e.g. Asia/Shanghai' }),
  },
  usage: '/subscribe [topics…|all] [HH:MM] [timezone]',
  examples: ['/subscribe mining nft 08:30 Asia/Shanghai', '/subscribe all 7:00 UTC', '/subscribe policy'],
  splitText: splitSubscribeText,
  async run(ctx, { topics, time, timezone }) {
    // A chatAdmin command always has a user, except in a Telegram channel, where the channel itself subscribes.
    const by = ctx.user ?? { platform: ctx.chat.platform, id: ctx.chat.id, name: ctx.chatTitle ?? 'channel' };
    return ctx.newsroom.subscribe(
      { chat: ctx.chat, kind: ctx.chatKind, ...(ctx.chatTitle !== undefined && { title: ctx.chatTitle }) },
      by,
      {
        ...(topics !== undefined && { topics }),
        ...(time !== undefined && { time }),
        ...(timezone !== undefined && { timezone }),
      },
      ctx.now,
    );
  },
});

import { arg, defineCommand, type RawArgs } from '../src/core/command.js';
import { looksLikeTimezone } from '../src/core/parse.js';
import { err, ok, type Result } from '../src/core/result.js';
import type { Translator } from '../src/i18n/translator.js';

const TIME_LIKE = /^\d/;

/** Sorts the words of `/subscribe` into topics, a time and a time zone, in any order. */
function splitSubscribeText(rest: string, tr: Translator): Result<RawArgs> {
  const topics: string[] = [];
  let time: string | undefined;
  let timezone: string | undefined;
  for (const word of rest.split(/[\s,，、]+/).filter((w) => w !== '')) {
    if (TIME_LIKE.test(word)) {
      if (time !== undefined) return err(tr.t('parse.twoTimes', { first: time, second: word }));
      time = word;
    } else if (looksLikeTimezone(word)) {
      if (timezone !== undefined) return err(tr.t('parse.twoTimezones', { first: timezone, second: word }));
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
  access: 'chatAdmin',
  args: { topics: arg.topics(), time: arg.time(), timezone: arg.timezone() },
  splitText: splitSubscribeText,
  async run(ctx, { topics, time, timezone }) {
    // A chat that never chose a language keeps, for its digests, the one its platform gives posts there.
    if (ctx.language.chosen === undefined)
      await ctx.newsroom.languages.setLanguage(ctx.chat, ctx.language.forPosts);
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
      ctx.tr,
    );
  },
});

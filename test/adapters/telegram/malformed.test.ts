import { afterEach, describe, expect, it } from 'vitest';
import { type Bot, startBot } from './harness.js';

let bot: Bot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('malformed updates', () => {
  it('are logged and dropped, and polling goes on', async () => {
    bot = await startBot({ now: '2022-01-11T06:00:00Z' });
    const { fake, records, ask } = bot;
    // telegraf's own `message('text')` filter throws on these; its error handler must not rethrow.
    fake.pushUpdate({ message: 'not an object' });
    fake.pushUpdate({ message: null });
    fake.pushUpdate({
      message: {
        message_id: 1,
        date: 0,
        text: '/help',
        entities: [{ type: 'bot_command', offset: 0, length: 5 }],
      },
    });
    fake.pushUpdate({ my_chat_member: { chat: { id: 5, type: 'private' } } });
    await bot.settle();
    expect(records.filter((r) => r.msg === 'ignoring a malformed Telegram update').map((r) => r.why)).toEqual(
      [
        'message is not an object',
        'message is not an object',
        'message.chat is not an object',
        'my_chat_member.old_chat_member has no status',
      ],
    );
    const reply = await ask({ chat: { id: 9, type: 'private' }, text: '/topics' });
    expect(reply.visibleText).toContain('Topics');
    expect(fake.sent.map((m) => m.chat_id)).toEqual([9]);
  });
});

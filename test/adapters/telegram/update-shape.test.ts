import { describe, expect, it } from 'vitest';
import { malformedUpdate } from '../../../src/adapters/telegram/update-shape.js';

const chat = { id: 42, type: 'private', first_name: 'Ann' };
const from = { id: 42, is_bot: false, first_name: 'Ann' };
const text = (fields: Record<string, unknown> = {}) => ({
  update_id: 1,
  message: {
    message_id: 7,
    date: 0,
    chat,
    from,
    text: '/help',
    entities: [{ type: 'bot_command', offset: 0, length: 5 }],
    ...fields,
  },
});
const member = (fields: Record<string, unknown> = {}) => ({
  update_id: 2,
  my_chat_member: {
    chat,
    from,
    date: 0,
    old_chat_member: { status: 'member', user: from },
    new_chat_member: { status: 'kicked', user: from },
    ...fields,
  },
});

describe('malformedUpdate', () => {
  it('passes well-formed updates, and kinds the adapter does not read', () => {
    expect(malformedUpdate(text())).toBeUndefined();
    expect(
      malformedUpdate(text({ from: undefined, sender_chat: { id: -100, type: 'channel' } })),
    ).toBeUndefined();
    expect(
      malformedUpdate(text({ text: undefined, entities: undefined, migrate_to_chat_id: -1001 })),
    ).toBeUndefined();
    expect(
      malformedUpdate({
        update_id: 3,
        channel_post: { message_id: 1, date: 0, chat: { id: -100, type: 'channel' }, text: 'hi' },
      }),
    ).toBeUndefined();
    expect(malformedUpdate(member())).toBeUndefined();
    expect(malformedUpdate({ update_id: 4, inline_query: 'anything' })).toBeUndefined();
    expect(
      malformedUpdate({
        update_id: 5,
        callback_query: {
          id: 'q1',
          from: { id: 1, is_bot: false, first_name: 'A' },
          data: 'wire publish 1',
          message: {
            message_id: 9,
            date: 1,
            chat: { id: 1, type: 'private' },
            reply_markup: { inline_keyboard: [] },
          },
        },
      }),
    ).toBeUndefined();
  });

  it.each([
    ['anything', 'callback_query is not an object'],
    [{ from: { id: 1, first_name: 'A' } }, 'callback_query.id is not a string'],
    [{ id: 'q', from: { id: 'x', first_name: 'A' } }, 'callback_query.from.id is not an integer'],
    [{ id: 'q', from: { id: 1, first_name: 'A' }, data: 5 }, 'callback_query.data is not a string'],
    [
      { id: 'q', from: { id: 1, first_name: 'A' }, message: { message_id: 1, chat: {} } },
      'callback_query.message.chat.id is not an integer',
    ],
    [
      {
        id: 'q',
        from: { id: 1, first_name: 'A' },
        message: { message_id: 1, chat: { id: 1, type: 'private' }, reply_markup: 3 },
      },
      'callback_query.message.reply_markup is not an inline keyboard',
    ],
  ])('refuses a malformed button press %#', (query, why) => {
    expect(malformedUpdate({ update_id: 6, callback_query: query })).toBe(why);
    expect(malformedUpdate({ update_id: 5 })).toBeUndefined();
  });

  it('names what is wrong with a message', () => {
    expect(malformedUpdate(null)).toBe('the update is not an object');
    expect(malformedUpdate({ message: 'text' })).toBe('message is not an object');
    expect(malformedUpdate({ message: [] })).toBe('message is not an object');
    expect(malformedUpdate({ channel_post: null })).toBe('channel_post is not an object');
    expect(malformedUpdate(text({ message_id: '7' }))).toBe('message.message_id is not an integer');
    expect(malformedUpdate(text({ chat: undefined }))).toBe('message.chat is not an object');
    expect(malformedUpdate(text({ chat: { id: 'abc', type: 'private' } }))).toBe(
      'message.chat.id is not an integer',
    );
    expect(malformedUpdate(text({ chat: { id: 1 } }))).toBe('message.chat.type is not a chat type');
    expect(malformedUpdate(text({ from: null }))).toBe('message.from is not an object');
    expect(malformedUpdate(text({ from: { id: 1 } }))).toBe('message.from.first_name is not a string');
    expect(malformedUpdate(text({ sender_chat: 5 }))).toBe('message.sender_chat is not an object');
    expect(malformedUpdate(text({ text: 42 }))).toBe('message.text is not a string');
    expect(malformedUpdate(text({ entities: 'none' }))).toBe('message.entities is not a list of entities');
    expect(malformedUpdate(text({ entities: [null] }))).toBe('message.entities is not a list of entities');
    expect(malformedUpdate(text({ entities: [{ type: 'bot_command', offset: -1, length: 5 }] }))).toBe(
      'message.entities is not a list of entities',
    );
    expect(malformedUpdate(text({ message_thread_id: 'x' }))).toBe(
      'message.message_thread_id is not an integer',
    );
    expect(malformedUpdate(text({ migrate_to_chat_id: 'soon' }))).toBe(
      'message.migrate_to_chat_id is not an integer',
    );
  });

  it('names what is wrong with a membership update', () => {
    expect(malformedUpdate({ my_chat_member: 'x' })).toBe('my_chat_member is not an object');
    expect(malformedUpdate(member({ chat: undefined }))).toBe('my_chat_member.chat is not an object');
    expect(malformedUpdate(member({ new_chat_member: {} }))).toBe(
      'my_chat_member.new_chat_member has no status',
    );
    expect(malformedUpdate(member({ old_chat_member: undefined }))).toBe(
      'my_chat_member.old_chat_member has no status',
    );
  });
});

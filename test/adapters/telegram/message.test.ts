import type { Message } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { menusOf } from '../../../src/adapters/telegram/menu.js';
import {
  chatKindOf,
  chatOf,
  isAnonymousAdmin,
  isForBot,
  parseCommand,
  telegramChatId,
} from '../../../src/adapters/telegram/message.js';

const command = (text: string, length = text.split(/\s/)[0]!.length) =>
  parseCommand(text, [{ type: 'bot_command', offset: 0, length }]);

describe('parseCommand', () => {
  it.each([
    ['/brief', { name: 'brief', rest: '' }],
    ['/brief 2022-01-11', { name: 'brief', rest: '2022-01-11' }],
    ['/Brief@Briefcast_Bot today', { name: 'brief', bot: 'Briefcast_Bot', rest: 'today' }],
    [
      '/post mining Headline\nBody line\nSource: X https://x.org',
      { name: 'post', rest: 'mining Headline\nBody line\nSource: X https://x.org' },
    ],
  ])('reads %j', (text, expected) => {
    expect(command(text)).toEqual(expected);
  });

  it('needs a bot_command entity at offset 0', () => {
    expect(parseCommand('/brief', undefined)).toBeUndefined();
    expect(parseCommand('see /brief', [{ type: 'bot_command', offset: 4, length: 6 }])).toBeUndefined();
    expect(parseCommand('/brief', [{ type: 'bold', offset: 0, length: 6 }])).toBeUndefined();
  });

  it('tells commands for this bot from commands for others', () => {
    expect(isForBot(command('/brief')!, 'briefcast_bot')).toBe(true);
    expect(isForBot(command('/brief@BRIEFCAST_bot')!, 'briefcast_bot')).toBe(true);
    expect(isForBot(command('/brief@otherbot')!, 'briefcast_bot')).toBe(false);
  });
});

describe('chats', () => {
  const base = { message_id: 1, date: 0, text: 'x' };
  it('keys a forum topic by its thread, and nothing else', () => {
    const chat = { id: -1001, type: 'supergroup', title: 'F', is_forum: true } as const;
    expect(chatOf({ ...base, chat, message_thread_id: 42, is_topic_message: true } as Message)).toEqual({
      platform: 'telegram',
      id: '-1001',
      thread: '42',
    });
    // A reply thread in an ordinary group has a thread id but is not a topic.
    expect(chatOf({ ...base, chat, message_thread_id: 42 } as Message)).toEqual({
      platform: 'telegram',
      id: '-1001',
    });
  });

  it('maps chat types to kinds', () => {
    expect(chatKindOf({ id: 1, type: 'private', first_name: 'A' })).toBe('private');
    expect(chatKindOf({ id: -1, type: 'group', title: 'G' })).toBe('group');
    expect(chatKindOf({ id: -2, type: 'supergroup', title: 'S' })).toBe('group');
    expect(chatKindOf({ id: -3, type: 'channel', title: 'C' })).toBe('channel');
  });

  it('recognizes an anonymous group admin', () => {
    const chat = { id: -5, type: 'supergroup', title: 'S' } as const;
    expect(isAnonymousAdmin({ ...base, chat, sender_chat: chat } as Message)).toBe(true);
    expect(
      isAnonymousAdmin({ ...base, chat, sender_chat: { id: -6, type: 'channel', title: 'C' } } as Message),
    ).toBe(false);
  });

  it('sends numeric ids as numbers and usernames as given', () => {
    expect(telegramChatId({ platform: 'telegram', id: '-1001234' })).toBe(-1001234);
    expect(telegramChatId({ platform: 'telegram', id: '@briefcast' })).toBe('@briefcast');
  });
});

describe('menus', () => {
  it('shows readers no editor command and editors every command', () => {
    const telegramCommands = commands.filter((c) => !c.platforms || c.platforms.includes('telegram'));
    const { readers, editors } = menusOf(telegramCommands);
    expect(readers.map((c) => c.command)).toContain('subscribe');
    expect(readers.map((c) => c.command)).not.toContain('post');
    expect(new Set(editors.map((c) => c.command))).toEqual(new Set(telegramCommands.map((c) => c.name)));
    expect(editors.map((c) => c.command)).toEqual(
      expect.arrayContaining(['post', 'edit', 'delete', 'digest', 'stats']),
    );
    expect(editors).toHaveLength(telegramCommands.length);
  });
});

import { describe, expect, it } from 'vitest';
import { startFake, telegramError } from '../helpers.js';

describe('FakeTelegram setMyCommands', () => {
  it('records commands per scope and validates them', async () => {
    const { fake, telegram } = await startFake();
    const commands = [{ command: 'ping', description: 'Check the bot' }];
    await telegram.setMyCommands(commands, { scope: { type: 'all_group_chats' } });

    expect(fake.commands).toEqual([{ commands, scope: { type: 'all_group_chats' }, language_code: '' }]);
    expect(await telegram.getMyCommands({ scope: { type: 'all_group_chats' } })).toEqual(commands);
    expect(await telegram.getMyCommands()).toEqual([]);
    const invalid = await telegramError(telegram.setMyCommands([{ command: 'Ping!', description: 'x' }]));
    expect(invalid.description).toBe('Bad Request: BOT_COMMAND_INVALID');
  });

  it('fails setMyCommands for a chat scope when the chat is failed for that method', async () => {
    const { fake, telegram } = await startFake();
    const commands = [{ command: 'ping', description: 'Check the bot' }];
    fake.failChat(77, 'chat_not_found', { methods: ['setMyCommands'] });

    const error = await telegramError(
      telegram.setMyCommands(commands, { scope: { type: 'chat', chat_id: 77 } }),
    );
    expect(error.description).toBe('Bad Request: chat not found');
    await telegram.setMyCommands(commands);
    expect(fake.commands).toEqual([{ commands, scope: { type: 'default' }, language_code: '' }]);
  });
});

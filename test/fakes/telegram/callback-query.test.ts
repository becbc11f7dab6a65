import { describe, expect, it } from 'vitest';
import { PRIVATE_CHAT, startFake } from './helpers.js';

describe('FakeTelegram button presses', () => {
  it('carries the pressed message with its current text and inline keyboard', async () => {
    const { fake, telegram } = await startFake();
    const keyboard = { inline_keyboard: [[{ text: 'Publish', callback_data: 'wire publish 1' }]] };
    const sent = await telegram.sendMessage(PRIVATE_CHAT.id, 'Draft 1', { reply_markup: keyboard });
    fake.pushCallbackQuery({ chat: PRIVATE_CHAT, data: 'wire publish 1', message_id: sent.message_id });
    const [update] = await telegram.getUpdates(0, 10, 0, []);
    expect(update).toMatchObject({
      callback_query: {
        data: 'wire publish 1',
        message: { message_id: sent.message_id, text: 'Draft 1', reply_markup: keyboard },
      },
    });

    await telegram.editMessageText(PRIVATE_CHAT.id, sent.message_id, undefined, 'Published', {
      reply_markup: { inline_keyboard: [[{ text: 'Done', callback_data: 'wire show 1' }]] },
    });
    fake.pushCallbackQuery({ chat: PRIVATE_CHAT, data: 'wire show 1', message_id: sent.message_id });
    const later = await telegram.getUpdates(0, 10, (update?.update_id ?? 0) + 1, []);
    expect(later[0]).toMatchObject({
      callback_query: {
        message: { text: 'Published', reply_markup: { inline_keyboard: [[{ text: 'Done' }]] } },
      },
    });
  });

  it('carries a placeholder message when the pressed message is not one the fake knows', async () => {
    const { fake, telegram } = await startFake();
    fake.pushCallbackQuery({ chat: PRIVATE_CHAT, data: 'x' });
    const [update] = await telegram.getUpdates(0, 10, 0, []);
    expect(update).toMatchObject({ callback_query: { data: 'x', message: { text: '…' } } });
    expect((update as { callback_query: { message: object } }).callback_query.message).not.toHaveProperty(
      'reply_markup',
    );
  });
});

import { describe, expect, it } from 'vitest';
import { SUPERGROUP_ID, startFake, telegramError } from '../helpers.js';

describe('FakeTelegram sendMessage validation', () => {
  const cases: [string, string, string][] = [
    ['an unsupported tag', '<div>hi</div>', 'Unsupported start tag "div" at byte offset 0'],
    ['an unclosed tag', '<b>hi', 'Can\'t find end tag corresponding to start tag "b"'],
    ['crossed tags', '<b><i>x</b></i>', 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'],
    ['a stray end tag', 'x</b>', 'Unexpected end tag at byte offset 1'],
    ['a bare ampersand', 'Tom & Jerry', 'Unescaped "&" at byte offset 4'],
    ['a bare less-than', 'a < b', 'Unsupported start tag "" at byte offset 2'],
    [
      'a spoiler span without its class',
      '<span>x</span>',
      'Tag "span" must have class "tg-spoiler" at byte offset 0',
    ],
  ];

  it.each(cases)('rejects %s with a can-not-parse-entities 400', async (_name, text, detail) => {
    const { fake, telegram } = await startFake();
    const error = await telegramError(telegram.sendMessage(1, text, { parse_mode: 'HTML' }));
    expect(error.code).toBe(400);
    expect(error.description).toBe(`Bad Request: can't parse entities: ${detail}`);
    expect(fake.sent).toEqual([]);
  });

  it('counts the visible text, not the markup, against 4096', async () => {
    const { telegram } = await startFake();
    const full = 'x'.repeat(4096);
    await expect(telegram.sendMessage(1, `<b>${full}</b>`, { parse_mode: 'HTML' })).resolves.toMatchObject({
      text: full,
    });

    const tooLong = await telegramError(telegram.sendMessage(1, `${full}y`));
    expect([tooLong.code, tooLong.description]).toEqual([400, 'Bad Request: message is too long']);
    const raw = await telegramError(telegram.sendMessage(1, 'x'.repeat(40_000)));
    expect(raw.description).toBe('Bad Request: Text is too long');
  });

  it('rejects empty text and a missing chat_id', async () => {
    const { telegram } = await startFake();
    expect((await telegramError(telegram.sendMessage(1, ''))).description).toBe(
      'Bad Request: message text is empty',
    );
    const onlyTags = await telegramError(telegram.sendMessage(1, '<b></b>', { parse_mode: 'HTML' }));
    expect(onlyTags.description).toBe('Bad Request: message text is empty');
    const noChat = await telegramError(telegram.callApi('sendMessage', { text: 'hi' } as never));
    expect(noChat.description).toBe('Bad Request: chat_id is empty');
  });

  it('only counts messages when recordSent is off', async () => {
    const { fake, telegram } = await startFake({ recordSent: false });
    await telegram.sendMessage(1, 'a');
    await telegram.sendMessage('1', 'b');

    expect(fake.sent).toEqual([]);
    expect(fake.sentCount(1)).toBe(2);
    expect(fake.stats.accepted).toBe(2);
  });

  it('records thread, reply and preview options and echoes them in the Message', async () => {
    const { fake, telegram } = await startFake();
    const message = await telegram.sendMessage(SUPERGROUP_ID, 'hi', {
      message_thread_id: 3,
      reply_parameters: { message_id: 9 },
      link_preview_options: { is_disabled: true },
    });

    expect(message).toMatchObject({ chat: { id: SUPERGROUP_ID, type: 'supergroup' }, message_thread_id: 3 });
    expect(message.from).toMatchObject({ id: fake.botUser.id, is_bot: true });
    expect(fake.sent[0]).toMatchObject({
      message_thread_id: 3,
      reply_parameters: { message_id: 9 },
      link_preview_options: { is_disabled: true },
    });
  });

  it('edits and deletes only messages that exist', async () => {
    const { fake, telegram } = await startFake();
    const sent = await telegram.sendMessage(1, 'draft');

    await telegram.editMessageText(1, sent.message_id, undefined, '<i>final</i>', { parse_mode: 'HTML' });
    expect(fake.edits).toMatchObject([{ chat_id: 1, message_id: sent.message_id, visibleText: 'final' }]);
    const same = await telegramError(
      telegram.editMessageText(1, sent.message_id, undefined, '<i>final</i>', { parse_mode: 'HTML' }),
    );
    expect(same.description).toMatch(/^Bad Request: message is not modified/);

    expect(await telegram.deleteMessage(1, sent.message_id)).toBe(true);
    const gone = await telegramError(telegram.deleteMessage(1, sent.message_id));
    expect(gone.description).toBe('Bad Request: message to delete not found');
  });
});

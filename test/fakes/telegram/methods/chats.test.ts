import { describe, expect, it } from 'vitest';
import { GROUP_ID, startFake } from '../helpers.js';

describe('FakeTelegram getChatMember', () => {
  it('answers getChatMember from the table, member by default', async () => {
    const { fake, telegram } = await startFake();
    fake.setChatMember(GROUP_ID, 5, 'administrator');

    expect(await telegram.getChatMember(GROUP_ID, 5)).toMatchObject({
      status: 'administrator',
      can_manage_chat: true,
    });
    expect(await telegram.getChatMember(GROUP_ID, 6)).toMatchObject({ status: 'member', user: { id: 6 } });
  });
});

import { ChannelType, Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { ALICE, apiError, boot, LOCKED_ID, NEWS_ID, newsChannel } from '../helpers.js';

describe('FakeDiscord messages', () => {
  it('dedupes enforce_nonce sends and records allowed_mentions', async () => {
    const { fake, client } = await boot();
    const channel = newsChannel(client);
    const first = await channel.send({ content: 'hi @everyone', nonce: 'abc', enforceNonce: true });
    const second = await channel.send({ content: 'hi @everyone', nonce: 'abc', enforceNonce: true });
    expect(second.id).toBe(first.id);
    expect(fake.messagesIn(NEWS_ID)).toHaveLength(1);
    expect(fake.messages[0]).toMatchObject({
      content: 'hi @everyone',
      nonce: 'abc',
      enforce_nonce: true,
      allowed_mentions: { parse: [] },
      mention_everyone: false,
    });
    await channel.send({ content: 'again', nonce: 'abc' });
    expect(fake.messagesIn(NEWS_ID)).toHaveLength(2);
  });

  it('turns 10003 and 50013 answers into DiscordAPIError codes', async () => {
    const { fake, client } = await boot();
    const channel = newsChannel(client);
    fake.failChannel(NEWS_ID, 'unknown_channel', { times: 1 });
    expect(await apiError(channel.send('x'))).toMatchObject({ code: 10003, status: 404 });
    fake.failChannel(NEWS_ID, 'missing_permissions', { times: 1 });
    expect(await apiError(channel.send('x'))).toMatchObject({ code: 50013, status: 403 });
    const locked = client.channels.cache.get(LOCKED_ID);
    if (locked?.type !== ChannelType.GuildText) throw new Error('locked channel not cached');
    expect(await apiError(locked.send('x'))).toMatchObject({ code: 50013 });
    expect(
      await apiError(client.rest.post(Routes.channelMessages('999'), { body: { content: 'x' } })),
    ).toMatchObject({
      code: 10003,
    });
    await channel.send('works again');
    expect(fake.messagesIn(NEWS_ID).map((m) => m.content)).toEqual(['works again']);
  });

  it("enforces Discord's content and embed limits with 50035 and 50006", async () => {
    const { client } = await boot();
    const channel = newsChannel(client);
    const tooLong = await apiError(channel.send({ content: 'x'.repeat(2001) }));
    expect(tooLong.code).toBe(50035);
    expect(tooLong.rawError).toMatchObject({
      errors: { content: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH' }] } },
    });
    const bigEmbeds = Array.from({ length: 2 }, () => ({ description: 'y'.repeat(3500) }));
    const tooBig = await apiError(channel.send({ embeds: bigEmbeds }));
    expect(tooBig.rawError).toMatchObject({
      errors: { embeds: { _errors: [{ code: 'MAX_EMBED_SIZE_EXCEEDED' }] } },
    });
    const empty = await apiError(
      client.rest.post(Routes.channelMessages(NEWS_ID), { body: { content: '' } }),
    );
    expect(empty.code).toBe(50006);
  });

  it('sends DMs through POST /users/@me/channels and injects 50007', async () => {
    const { fake, client } = await boot();
    const dm = await client.users.createDM(ALICE.id);
    expect(dm.type).toBe(ChannelType.DM);
    await dm.send('morning briefing');
    expect(fake.messagesIn(dm.id)).toHaveLength(1);
    fake.failChannel(dm.id, 'cannot_dm');
    expect(await apiError(dm.send('again'))).toMatchObject({ code: 50007, status: 403 });
  });

  it('waits for a message with a bounded timeout', async () => {
    const { fake, client } = await boot();
    const waiting = fake.waitForMessage((m) => m.content === 'later');
    await newsChannel(client).send('later');
    expect((await waiting).channel_id).toBe(NEWS_ID);
    await expect(fake.waitForMessage(() => false, 50)).rejects.toThrow(/timed out after 50 ms/);
  });
});

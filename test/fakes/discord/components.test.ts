import { ButtonStyle, ComponentType, MessageFlags, Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { ALICE, apiError, boot, NEWS_ID, onInteraction } from './helpers.js';

const row = (...ids: string[]) => ({
  type: ComponentType.ActionRow,
  components: ids.map((id) => ({
    type: ComponentType.Button,
    style: ButtonStyle.Primary,
    label: id,
    custom_id: id,
  })),
});

describe('FakeDiscord buttons', () => {
  it('records a message’s buttons and sends a button press with the message', async () => {
    const { fake, client } = await boot();
    const sent = (await client.rest.post(Routes.channelMessages(NEWS_ID), {
      body: { content: 'Pick one', components: [row('a', 'b')] },
    })) as { id: string };
    expect(fake.messagesIn(NEWS_ID).at(-1)?.components).toEqual([row('a', 'b')]);
    const seen: string[] = [];
    onInteraction(client, async (interaction) => {
      if (!interaction.isButton()) return;
      seen.push(`${interaction.customId} on ${interaction.message.id}: ${interaction.message.content}`);
      await interaction.update({ content: 'Picked b', components: [] });
    });
    const press = fake.interact({
      kind: 'component',
      customId: 'b',
      messageId: sent.id,
      channelId: NEWS_ID,
      user: ALICE,
    });
    expect((await press.response()).type).toBe(7);
    expect(seen).toEqual([`b on ${sent.id}: Pick one`]);
    expect(fake.messagesIn(NEWS_ID).at(-1)).toMatchObject({ content: 'Picked b', components: [] });
  });

  it('answers a press with an ephemeral reply too', async () => {
    const { fake, client } = await boot();
    const sent = (await client.rest.post(Routes.channelMessages(NEWS_ID), {
      body: { content: 'x', components: [row('only')] },
    })) as { id: string };
    onInteraction(client, async (interaction) => {
      if (interaction.isButton())
        await interaction.reply({ content: 'noted', flags: MessageFlags.Ephemeral });
    });
    const press = fake.interact({
      kind: 'component',
      customId: 'only',
      messageId: sent.id,
      channelId: NEWS_ID,
      user: ALICE,
    });
    expect(await press.settled()).toMatchObject({ kind: 'message', content: 'noted', ephemeral: true });
  });

  it('refuses presses Discord could not send: an unknown message, a missing or disabled button', async () => {
    const { fake, client } = await boot();
    const sent = (await client.rest.post(Routes.channelMessages(NEWS_ID), {
      body: {
        content: 'x',
        components: [
          { type: 1, components: [{ type: 2, style: 2, label: 'off', custom_id: 'off', disabled: true }] },
        ],
      },
    })) as { id: string };
    const press = (customId: string, messageId: string) =>
      fake.interact({ kind: 'component', customId, messageId, channelId: NEWS_ID, user: ALICE });
    expect(() => press('off', sent.id)).toThrow('has no enabled button off');
    expect(() => press('nope', sent.id)).toThrow('has no enabled button nope');
    expect(() => press('off', '1')).toThrow('no message 1');
  });

  it('validates components: at most 5 rows of 5 buttons, unique custom ids, labels of 80', async () => {
    const { client } = await boot();
    const post = (components: unknown[]) =>
      client.rest.post(Routes.channelMessages(NEWS_ID), { body: { content: 'x', components } });
    for (const bad of [
      [row('1'), row('2'), row('3'), row('4'), row('5'), row('6')],
      [row('a', 'b', 'c', 'd', 'e', 'f')],
      [row('same', 'same')],
      [{ type: 1, components: [{ type: 2, style: 1, label: 'x'.repeat(81), custom_id: 'long' }] }],
    ])
      expect((await apiError(post(bad))).code).toBe(50035);
    await expect(post([row('fine')])).resolves.toMatchObject({ components: [row('fine')] });
  });
});

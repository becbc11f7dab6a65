import {
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  Routes,
  TextInputBuilder,
  TextInputStyle,
} from 'discord.js';
import { describe, expect, it, vi } from 'vitest';
import { ALICE, apiError, boot, NEWS_ID, onInteraction, THREAD_ID } from './helpers.js';

describe('FakeDiscord interactions', () => {
  it('sees an ephemeral reply to a slash command', async () => {
    const { fake, client } = await boot();
    onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const count = interaction.options.getInteger('count', true);
      await interaction.reply({
        content: `${interaction.commandName} x${count}`,
        flags: MessageFlags.Ephemeral,
      });
    });
    const rec = fake.interact({
      kind: 'command',
      name: 'brief',
      options: { count: 3 },
      channelId: NEWS_ID,
      user: ALICE,
    });
    expect(await rec.settled()).toEqual({
      kind: 'message',
      content: 'brief x3',
      flags: 64,
      ephemeral: true,
      allowed_mentions: { parse: [] },
    });
    expect((await rec.response()).type).toBe(4);
    expect(rec.respondedAfterMs).toBeLessThan(3000);
  });

  it('sees a deferred reply completed by editReply', async () => {
    const { fake, client } = await boot();
    onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.deferReply();
      const edited = await interaction.editReply({
        content: 'Your briefing',
        embeds: [{ title: 'Top story' }],
      });
      expect(edited.content).toBe('Your briefing');
    });
    const rec = fake.interact({ kind: 'command', name: 'brief', channelId: THREAD_ID, user: ALICE });
    const answer = await rec.settled();
    expect(answer).toMatchObject({ kind: 'message', content: 'Your briefing', ephemeral: false });
    expect(answer.embeds).toEqual([{ title: 'Top story' }]);
    expect(rec.callbacks.map((c) => c.type)).toEqual([5]);
    expect(rec.edits).toHaveLength(1);
  });

  it('answers ?with_response=true with an interaction callback response', async () => {
    const { fake, client } = await boot();
    const seen: (string | null | undefined)[] = [];
    onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const response = await interaction.reply({ content: 'hello', withResponse: true });
      seen.push(response.resource?.message?.content, response.interaction.responseMessageId);
    });
    const rec = fake.interact({ kind: 'command', name: 'brief', channelId: NEWS_ID, user: ALICE });
    await rec.settled();
    await vi.waitFor(() => expect(seen).toEqual(['hello', rec.originalMessageId]), { timeout: 1000 });
  });

  it('answers a second acknowledgement with 40060 like Discord', async () => {
    const { fake, client } = await boot();
    const rec = fake.interact({ kind: 'command', name: 'brief', channelId: NEWS_ID, user: ALICE });
    const route = Routes.interactionCallback(rec.id, rec.token);
    await client.rest.post(route, { body: { type: 4, data: { content: 'one' } }, auth: false });
    const error = await apiError(
      client.rest.post(route, { body: { type: 4, data: { content: 'two' } }, auth: false }),
    );
    expect(error.code).toBe(40060);
    expect(rec.callbacks).toHaveLength(1);
  });

  it('sees autocomplete choices and the focused option', async () => {
    const { fake, client } = await boot();
    onInteraction(client, async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      const focused = interaction.options.getFocused(true);
      await interaction.respond([{ name: `${focused.name}:${focused.value}`, value: 'tech' }]);
    });
    const rec = fake.interact({
      kind: 'autocomplete',
      name: 'topic',
      options: { topic: 'te' },
      focused: 'topic',
      channelId: NEWS_ID,
      user: ALICE,
    });
    expect(await rec.settled()).toEqual({
      kind: 'autocomplete',
      ephemeral: false,
      choices: [{ name: 'topic:te', value: 'tech' }],
    });
  });

  it('shows a modal and reads the submitted text with fields.getTextInputValue', async () => {
    const { fake, client } = await boot();
    const submitted: string[] = [];
    onInteraction(client, async (interaction) => {
      if (interaction.isChatInputCommand()) {
        const modal = new ModalBuilder()
          .setCustomId('suggest')
          .setTitle('Suggest a source')
          .addLabelComponents(
            new LabelBuilder()
              .setLabel('Feed URL')
              .setTextInputComponent(
                new TextInputBuilder().setCustomId('url').setStyle(TextInputStyle.Short),
              ),
          );
        await interaction.showModal(modal);
      } else if (interaction.isModalSubmit()) {
        submitted.push(interaction.fields.getTextInputValue('url'));
        await interaction.reply({ content: 'Thanks', flags: MessageFlags.Ephemeral });
      }
    });
    const command = fake.interact({ kind: 'command', name: 'suggest', channelId: NEWS_ID, user: ALICE });
    const shown = await command.settled();
    expect(shown.kind).toBe('modal');
    expect(shown.modal).toMatchObject({ custom_id: 'suggest', title: 'Suggest a source' });

    const submit = fake.interact({
      kind: 'modal',
      customId: 'suggest',
      fields: { url: 'https://example.org/feed' },
      channelId: NEWS_ID,
      user: ALICE,
    });
    expect(await submit.settled()).toMatchObject({ kind: 'message', content: 'Thanks', ephemeral: true });
    expect(submitted).toEqual(['https://example.org/feed']);
  });

  it('sends DM interactions with a top-level user and no member', async () => {
    const { fake, client } = await boot();
    const seen: { guildId: string | null; channelId: string | null; member: boolean }[] = [];
    onInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      seen.push({
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        member: interaction.member !== null,
      });
      await interaction.reply({ content: 'dm ok' });
    });
    const rec = fake.interact({
      kind: 'command',
      name: 'brief',
      channelId: '500000000000000001',
      dm: true,
      user: ALICE,
    });
    expect(await rec.settled()).toMatchObject({ content: 'dm ok', ephemeral: false });
    expect(seen).toEqual([{ guildId: null, channelId: '500000000000000001', member: false }]);
  });
});

import { Routes } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { apiError, boot, GUILD_ID } from '../helpers.js';

describe('FakeDiscord application commands', () => {
  it('records guild commands PUT with discord.js REST and returns them with ids', async () => {
    const { fake, client } = await boot();
    const body = [
      {
        name: 'topic',
        description: 'Latest items on one topic',
        options: [{ type: 3, name: 'topic', description: 'Topic', required: true, autocomplete: true }],
      },
    ];
    const answer = await client.rest.put(Routes.applicationGuildCommands(fake.applicationId, GUILD_ID), {
      body,
    });
    expect(answer).toMatchObject([{ name: 'topic', application_id: fake.applicationId, guild_id: GUILD_ID }]);
    expect(fake.guildCommands.get(GUILD_ID)?.map((c) => c.name)).toEqual(['topic']);
    const again = await client.rest.get(Routes.applicationGuildCommands(fake.applicationId, GUILD_ID));
    expect(again).toEqual(answer);
  });

  it("rejects definitions that break Discord's rules with 50035 and the failing path", async () => {
    const { fake, client } = await boot();
    const body = [
      {
        name: 'Brief',
        description: 'x'.repeat(101),
        options: [
          { type: 3, name: 'when', description: 'optional first' },
          { type: 3, name: 'topic', description: 'required after', required: true },
          {
            type: 3,
            name: 'pick',
            description: 'both',
            autocomplete: true,
            choices: [{ name: 'a', value: 'a' }],
          },
        ],
      },
    ];
    const error = await apiError(client.rest.put(Routes.applicationCommands(fake.applicationId), { body }));
    expect(error.code).toBe(50035);
    expect(error.rawError).toMatchObject({
      errors: {
        0: {
          name: { _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME' }] },
          description: { _errors: [{ code: 'BASE_TYPE_BAD_LENGTH' }] },
          options: {
            1: { required: { _errors: [{ code: 'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID' }] } },
            2: { autocomplete: { _errors: [{ code: 'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES' }] } },
          },
        },
      },
    });
    expect(fake.globalCommands).toEqual([]);
  });
});

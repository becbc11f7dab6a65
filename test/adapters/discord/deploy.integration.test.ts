import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../../fakes/discord/index.js';
import { deployCommands } from '../../../src/adapters/discord/deploy.js';
import { ConfigError } from '../../../src/config.js';

const GUILD_ID = '300000000000000001';
let fake: FakeDiscord | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

async function startFake(): Promise<FakeDiscord> {
  fake = new FakeDiscord({
    guilds: [{ id: GUILD_ID, name: 'Newsroom', channels: [{ id: '300000000000000002', name: 'news' }] }],
  });
  await fake.start();
  return fake;
}

const envFor = (f: FakeDiscord, extra: Record<string, string> = {}) => ({
  DISCORD_TOKEN: 'fake-bot-token-0123456789',
  DISCORD_APPLICATION_ID: f.applicationId,
  DISCORD_API_URL: f.apiUrl,
  ...extra,
});

describe('npm run deploy-commands', () => {
  it('registers the generated commands in DISCORD_GUILD_ID, without contexts', async () => {
    const f = await startFake();
    const done = await deployCommands(envFor(f, { DISCORD_GUILD_ID: GUILD_ID }));
    expect(done.scope).toEqual({ guildId: GUILD_ID });
    const registered = f.guildCommands.get(GUILD_ID) ?? [];
    expect(registered.map((c) => c.name)).toEqual(done.names);
    expect(registered.find((c) => c.name === 'post')).toMatchObject({ default_member_permissions: '32' });
    expect(registered.every((c) => !('contexts' in c))).toBe(true);
    expect(f.globalCommands).toEqual([]);
  });

  it('registers globally without DISCORD_GUILD_ID, with contexts and integration types', async () => {
    const f = await startFake();
    await deployCommands(envFor(f));
    expect(f.globalCommands.find((c) => c.name === 'subscribe')).toMatchObject({
      contexts: [0, 1],
      integration_types: [0],
      default_member_permissions: '16',
    });
    // Running it again overwrites in place: the same commands keep their ids.
    const ids = f.globalCommands.map((c) => c.id);
    await deployCommands(envFor(f));
    expect(f.globalCommands.map((c) => c.id)).toEqual(ids);
  });

  it('says which variable is missing without a token', async () => {
    await expect(deployCommands({})).rejects.toBeInstanceOf(ConfigError);
  });
});

import { once } from 'node:events';
import { ChannelType, Events, GatewayIntentBits } from 'discord.js';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { apiError, boot, GUILD_ID, LOCKED_ID, NEWS_ID, newsChannel, THREAD_ID } from './helpers.js';

describe('FakeDiscord gateway', () => {
  it('lets a real discord.js client log in, become ready and cache the guild', async () => {
    const { fake, client } = await boot();
    const identify = await fake.waitReady();
    expect(identify.intents).toBe(GatewayIntentBits.Guilds);
    expect(identify.compress).toBe(false);
    expect(client.user?.id).toBe(fake.botUserId);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(GUILD_ID);
    expect(guild?.name).toBe('Newsroom');
    expect(client.channels.cache.get(THREAD_ID)?.type).toBe(ChannelType.PublicThread);
    const me = guild?.members.me;
    expect(me && newsChannel(client).permissionsFor(me).has('SendMessages')).toBe(true);
    const locked = client.channels.cache.get(LOCKED_ID);
    expect(locked && me && 'permissionsFor' in locked && locked.permissionsFor(me).has('SendMessages')).toBe(
      false,
    );
  });

  it('acknowledges heartbeats so discord.js measures a ping', async () => {
    const { client } = await boot({ heartbeatIntervalMs: 40 });
    await vi.waitFor(() => expect(client.ws.ping).toBeGreaterThanOrEqual(0), { timeout: 1000 });
  });

  it('lets a dropped client resume and replays the dispatches it missed', async () => {
    const { fake, client } = await boot();
    const resumed = once(client, Events.ShardResume);
    const deleted = once(client, Events.GuildDelete);
    fake.closeGatewayConnections(4000);
    fake.removeGuild(GUILD_ID);
    await resumed;
    const [guild] = await deleted;
    expect(guild.id).toBe(GUILD_ID);
  });

  it('delivers dispatches such as GUILD_DELETE to the client', async () => {
    const { fake, client } = await boot();
    const deleted = once(client, Events.GuildDelete);
    fake.removeGuild(GUILD_ID);
    const [guild] = await deleted;
    expect(guild.id).toBe(GUILD_ID);
    expect(client.guilds.cache.has(GUILD_ID)).toBe(false);
    expect(await apiError(client.channels.fetch(NEWS_ID, { force: true }))).toMatchObject({
      code: 10003,
      status: 404,
    });
  });

  it('closes a session that identifies with an impossible shard (4010), as Discord does', async () => {
    const { fake } = await boot();
    const socket = new WebSocket(fake.gatewayUrl);
    await once(socket, 'message');
    socket.send(JSON.stringify({ op: 2, d: { token: 't', intents: 1, properties: {}, shard: [2, 2] } }));
    const [code] = (await once(socket, 'close')) as [number];
    expect(code).toBe(4010);
  });
});

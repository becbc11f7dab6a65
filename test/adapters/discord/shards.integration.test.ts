import { afterEach, describe, expect, it } from 'vitest';
import { shardOfGuild } from '../../../fakes/discord/gateway.js';
import { FakeDiscord } from '../../../fakes/discord/index.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../../src/adapters/discord/discord.js';
import { silentLogger } from '../../../src/log.js';
import { makeNewsroom } from '../../helpers/newsroom.js';

/** Guilds on shard 0 and shard 1 of 2 (`(id >> 22) % 2`). */
const GUILD_0 = '300000000000000001';
const GUILD_1 = '300000000004194305';
const CHANNEL_0 = '300000000000000002';
const CHANNEL_1 = '300000000004194306';
const USER = { id: '400000000000000001', username: 'mel' };

describe('Discord shards', () => {
  let fake: FakeDiscord | undefined;
  const adapters: DiscordAdapter[] = [];
  afterEach(async () => {
    for (const adapter of adapters.splice(0)) await adapter.stop();
    await fake?.stop();
    fake = undefined;
  });

  let apiUrl = '';
  async function startShards(shards?: { ids: readonly number[]; count: number }) {
    if (fake === undefined) {
      fake = new FakeDiscord({
        guilds: [
          { id: GUILD_0, name: 'Zero', channels: [{ id: CHANNEL_0, name: 'news' }] },
          { id: GUILD_1, name: 'One', channels: [{ id: CHANNEL_1, name: 'news' }] },
        ],
      });
      apiUrl = (await fake.start()).apiUrl;
    }
    const room = await makeNewsroom({});
    const adapter = createDiscordAdapter({
      dispatcher: room.dispatcher,
      newsroom: room.newsroom,
      logger: silentLogger,
      config: {
        token: 'fake-bot-token-0123456789',
        applicationId: fake.applicationId,
        apiUrl,
        ...(shards && { shards }),
      },
      now: () => room.clock.now(),
      clientOptions: { waitGuildTimeout: 200, rest: { retries: 0, timeout: 5000 } },
    });
    adapters.push(adapter);
    await adapter.start();
    return adapter;
  }

  it('places the test guilds on shards 0 and 1 of 2', () => {
    expect(shardOfGuild(GUILD_0, 2)).toBe(0);
    expect(shardOfGuild(GUILD_1, 2)).toBe(1);
  });

  it('identifies a process given shard 1 of 2 with [1, 2], and it sees only that shard’s guild', async () => {
    const adapter = await startShards({ ids: [1], count: 2 });
    expect(fake?.identifies.map((i) => i.shard)).toEqual([[1, 2]]);
    expect(adapter.shardIds()).toEqual([1]);
    expect([...adapter.client.guilds.cache.keys()]).toEqual([GUILD_1]);
  });

  it('splits the guilds between two processes, each answering the commands of its own', async () => {
    const zero = await startShards({ ids: [0], count: 2 });
    const one = await startShards({ ids: [1], count: 2 });
    expect(fake?.identifies.map((i) => i.shard)).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect([...zero.client.guilds.cache.keys()]).toEqual([GUILD_0]);
    expect([...one.client.guilds.cache.keys()]).toEqual([GUILD_1]);
    for (const channelId of [CHANNEL_0, CHANNEL_1]) {
      const answer = await fake!
        .interact({ kind: 'command', name: 'topics', channelId, user: USER })
        .settled();
      expect(JSON.stringify(answer)).toMatch(/[Tt]opic/);
    }
  });

  it('runs every shard discord.js is told about by default (here the one the gateway recommends)', async () => {
    const adapter = await startShards();
    expect(fake?.identifies.map((i) => i.shard)).toEqual([[0, 1]]);
    expect(adapter.shardIds()).toEqual([0]);
    expect(adapter.client.guilds.cache.size).toBe(2);
  });
});

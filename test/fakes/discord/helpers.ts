/**
 * Shared set-up for the fake Discord's own tests: a fake with one guild and a real discord.js client,
 * both stopped after each test, which must leave no interaction handler error behind.
 */
import { once } from 'node:events';
import {
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  type TextChannel,
} from 'discord.js';
import { afterEach, expect } from 'vitest';
import { FakeDiscord, type FakeDiscordOptions, PERMISSION } from '../../../fakes/discord/index.js';

export const GUILD_ID = '300000000000000001';
export const NEWS_ID = '300000000000000002';
export const THREAD_ID = '300000000000000003';
export const LOCKED_ID = '300000000000000004';
export const ALICE = { id: '400000000000000001', username: 'alice' };

let fake: FakeDiscord | undefined;
let client: Client | undefined;
/** Errors thrown by interaction handlers; each test must end with none. */
export const handlerErrors: unknown[] = [];

/** A started fake with one guild (news, a thread, a locked channel) and a ready discord.js client. */
export async function boot(options: FakeDiscordOptions = {}): Promise<{ fake: FakeDiscord; client: Client }> {
  const f = new FakeDiscord({
    guilds: [
      {
        id: GUILD_ID,
        name: 'Newsroom',
        channels: [
          { id: NEWS_ID, name: 'news' },
          { id: THREAD_ID, name: 'daily', type: 11, parent_id: NEWS_ID },
          { id: LOCKED_ID, name: 'announcements', botDeny: String(PERMISSION.sendMessages) },
        ],
      },
    ],
    ...options,
  });
  fake = f;
  const { apiUrl } = await f.start();
  const c = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: { api: apiUrl, retries: 0, timeout: 5000 },
    allowedMentions: { parse: [] },
    waitGuildTimeout: 200,
  });
  client = c;
  const ready = once(c, Events.ClientReady);
  await c.login('fake-token');
  await ready;
  return { fake: f, client: c };
}

/** Runs `handler` for every interaction; a throw is kept for the test to assert on, never unhandled. */
export function onInteraction(c: Client, handler: (interaction: Interaction) => Promise<unknown>): void {
  c.on(Events.InteractionCreate, (interaction) => {
    handler(interaction).catch((error: unknown) => handlerErrors.push(error));
  });
}

/** The cached #news text channel. */
export function newsChannel(c: Client): TextChannel {
  const channel = c.channels.cache.get(NEWS_ID);
  if (channel?.type !== ChannelType.GuildText) throw new Error('news channel not cached');
  return channel;
}

/** The `DiscordAPIError` `promise` rejects with; fails the test otherwise. */
export async function apiError(promise: Promise<unknown>): Promise<DiscordAPIError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DiscordAPIError))
    throw new Error(`expected a DiscordAPIError, got ${String(error)}`);
  return error;
}

afterEach(async () => {
  await client?.destroy();
  await fake?.stop();
  client = undefined;
  fake = undefined;
  expect(handlerErrors.splice(0)).toEqual([]);
});

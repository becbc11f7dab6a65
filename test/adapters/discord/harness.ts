import {
  DEFAULT_PERMISSIONS,
  FakeDiscord,
  type FakeDiscordOptions,
  type InteractOptions,
  PERMISSION,
} from '../../../fakes/discord/index.js';
import { createDiscordAdapter, type DiscordAdapter } from '../../../src/adapters/discord/discord.js';
import type { DeskLinks } from '../../../src/core/desk.js';
import type { Store } from '../../../src/core/store.js';
import { silentLogger } from '../../../src/log.js';
import { makeNewsroom } from '../../helpers/newsroom.js';

export const GUILD_ID = '300000000000000001';
export const NEWS_ID = '300000000000000002';
export const THREAD_ID = '300000000000000003';
export const LOCKED_ID = '300000000000000004';
export const OTHER_GUILD_ID = '300000000000000010';
export const OTHER_ID = '300000000000000011';
export const DM_ID = '300000000000000020';

/** People in the test server. */
export const USERS = {
  /** In ADMIN_DISCORD_IDS, with no server permissions beyond a member's. */
  editor: { id: '200000000000000001', username: 'edna' },
  /** A member: no Manage Server, no Manage Channels. */
  member: { id: '400000000000000001', username: 'mel' },
  /** Manage Channels only. */
  moderator: { id: '400000000000000002', username: 'mod' },
  /** Manage Server, but not an editor. */
  serverAdmin: { id: '400000000000000003', username: 'sam' },
} as const;

/** A member's permissions in the channel, as Discord sends them with an interaction. */
export const PERMISSIONS = {
  member: String(DEFAULT_PERMISSIONS),
  moderator: String(DEFAULT_PERMISSIONS | PERMISSION.manageChannels),
  serverAdmin: String(DEFAULT_PERMISSIONS | PERMISSION.manageGuild),
} as const;

/** A running fake Discord, a newsroom and the adapter connected to it. */
export type Harness = Awaited<ReturnType<typeof startHarness>>;

/** Options for {@link startHarness}. */
export interface HarnessOptions {
  readonly fake?: FakeDiscordOptions;
  readonly store?: Store;
  /** The desk's sign-in links, for `/desk`. */
  readonly desk?: DeskLinks;
  readonly deferAfterMs?: number;
  /** Retries of discord.js's REST client (default 0, so failures show at once). */
  readonly retries?: number;
}

/**
 * Starts the fake (a server with #news, a thread, a channel the bot may not post in, and a second
 * server), a newsroom on the sample briefing with one Discord editor, and the real adapter
 * registering its commands in the server. Call `stop()` in `afterEach`.
 */
export async function startHarness(options: HarnessOptions = {}) {
  const fake = new FakeDiscord({
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
      { id: OTHER_GUILD_ID, name: 'Elsewhere', channels: [{ id: OTHER_ID, name: 'general' }] },
    ],
    ...options.fake,
  });
  const { apiUrl } = await fake.start();
  const room = await makeNewsroom({
    editors: { discord: [USERS.editor.id] },
    ...(options.store !== undefined && { store: options.store }),
    ...(options.desk !== undefined && { desk: options.desk }),
  });
  const adapter: DiscordAdapter = createDiscordAdapter({
    dispatcher: room.dispatcher,
    newsroom: room.newsroom,
    logger: silentLogger,
    config: {
      token: 'fake-bot-token-0123456789',
      applicationId: fake.applicationId,
      apiUrl,
      guildId: GUILD_ID,
    },
    now: () => room.clock.now(),
    clientOptions: { waitGuildTimeout: 200, rest: { retries: options.retries ?? 0, timeout: 5000 } },
    ...(options.deferAfterMs !== undefined && { deferAfterMs: options.deferAfterMs }),
  });
  try {
    await adapter.start();
  } catch (e) {
    await fake.stop();
    throw e;
  }

  /** Sends an interaction as `user` in #news (or where `extra` says) and returns its record. */
  const interact = (
    kind: InteractOptions['kind'],
    user: keyof typeof USERS,
    extra: Partial<InteractOptions> = {},
  ) => {
    const permissions = user === 'editor' ? undefined : PERMISSIONS[user as keyof typeof PERMISSIONS];
    return fake.interact({
      kind,
      channelId: NEWS_ID,
      user: USERS[user],
      ...(permissions !== undefined && !extra.dm && { permissions }),
      ...extra,
    });
  };
  /** Runs a slash command and waits for the answer the user sees. */
  const command = (
    name: string,
    user: keyof typeof USERS,
    options: InteractOptions['options'] = {},
    extra: Partial<InteractOptions> = {},
  ) => interact('command', user, { name, options, ...extra }).settled();

  return {
    fake,
    adapter,
    ...room,
    interact,
    command,
    async stop() {
      await adapter.stop();
      await fake.stop();
    },
  };
}

/** All the text of an answer or message: content, titles, descriptions, fields and footers. */
export function textOf(answer: {
  content?: string;
  embeds?: readonly import('discord.js').APIEmbed[] | undefined;
}): string {
  return [
    answer.content ?? '',
    ...(answer.embeds ?? []).flatMap((e) => [
      e.title ?? '',
      e.description ?? '',
      ...(e.fields ?? []).flatMap((f) => [f.name, f.value]),
      e.footer?.text ?? '',
    ]),
  ].join('\n');
}

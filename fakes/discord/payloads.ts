/**
 * The JSON objects the fake Discord sends: users, messages, guilds (as GUILD_CREATE carries them) and
 * channels, shaped as discord.js 14 reads them.
 *
 * @see https://discord.com/developers/docs/resources/guild#guild-object
 */
import type { InteractionRecord } from './interaction-record.js';
import { CHANNEL_TYPE, DEFAULT_LOCALE, isoNow, THREAD_TYPES } from './protocol.js';
import type { JsonRecord } from './replies.js';
import type { ChannelState, DiscordState, GuildState } from './state.js';
import type { FakeMessageBody } from './types.js';

/** A user object. */
export function userPayload(id: string, username: string, bot: boolean): JsonRecord {
  return {
    id,
    username,
    discriminator: '0',
    global_name: null,
    avatar: null,
    bot,
    system: false,
    public_flags: 0,
    flags: 0,
  };
}

/** A message object the bot authored. */
export function messagePayload(
  state: DiscordState,
  id: string,
  channelId: string,
  body: FakeMessageBody,
  now: number,
  extra: JsonRecord = {},
): JsonRecord {
  return {
    id,
    channel_id: channelId,
    type: 0,
    content: body.content ?? '',
    author: userPayload(state.bot.botUserId, state.bot.botUsername, true),
    timestamp: isoNow(now),
    edited_timestamp: null,
    tts: body.tts === true,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: body.embeds ?? [],
    components: Array.isArray(body.components) ? body.components : [],
    pinned: false,
    flags: body.flags ?? 0,
    ...extra,
  };
}

/** A message of an interaction response (authored by the application's webhook). */
export function interactionMessage(
  state: DiscordState,
  record: InteractionRecord,
  id: string,
  body: FakeMessageBody,
  now: number,
): JsonRecord {
  const channel = record.payload.channel_id;
  return messagePayload(state, id, typeof channel === 'string' ? channel : '', body, now, {
    webhook_id: state.bot.applicationId,
    application_id: state.bot.applicationId,
  });
}

/** A GUILD_CREATE guild: the bot its only member, `@everyone` its only role. */
export function guildPayload(state: DiscordState, guild: GuildState): JsonRecord {
  const channels: JsonRecord[] = [];
  const threads: JsonRecord[] = [];
  for (const channel of guild.channels.values()) {
    (THREAD_TYPES.has(channel.type) ? threads : channels).push(channelPayload(state, channel));
  }
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    banner: null,
    description: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    premium_subscription_count: 0,
    premium_progress_bar_enabled: false,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    safety_alerts_channel_id: null,
    vanity_url_code: null,
    preferred_locale: DEFAULT_LOCALE,
    features: [],
    application_id: null,
    max_members: 500_000,
    max_video_channel_users: 25,
    joined_at: state.joinedAt,
    large: false,
    unavailable: false,
    member_count: 2,
    lazy: true,
    roles: [
      {
        id: guild.id,
        name: '@everyone',
        color: 0,
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: String(guild.everyone),
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    members: [
      {
        user: userPayload(state.bot.botUserId, state.bot.botUsername, true),
        roles: [],
        joined_at: state.joinedAt,
        nick: null,
        avatar: null,
        premium_since: null,
        communication_disabled_until: null,
        deaf: false,
        mute: false,
        flags: 0,
        pending: false,
      },
    ],
    channels,
    threads,
    emojis: [],
    stickers: [],
    presences: [],
    voice_states: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** A channel object: a DM, a guild channel (with the bot's overwrite) or a thread. */
export function channelPayload(state: DiscordState, channel: ChannelState): JsonRecord {
  if (channel.recipientId !== null) {
    const recipient = state.users.get(channel.recipientId);
    return {
      id: channel.id,
      type: CHANNEL_TYPE.dm,
      last_message_id: null,
      flags: 0,
      recipients: [
        userPayload(channel.recipientId, recipient?.username ?? `user${channel.recipientId}`, false),
      ],
    };
  }
  const base: JsonRecord = {
    id: channel.id,
    type: channel.type,
    guild_id: channel.guildId,
    name: channel.name,
    parent_id: channel.parentId,
    position: 0,
    flags: 0,
    nsfw: false,
    rate_limit_per_user: 0,
    last_message_id: null,
  };
  if (THREAD_TYPES.has(channel.type)) {
    return {
      ...base,
      owner_id: state.bot.botUserId,
      member_count: 1,
      message_count: 0,
      total_message_sent: 0,
      thread_metadata: {
        archived: false,
        auto_archive_duration: 1440,
        archive_timestamp: state.joinedAt,
        locked: false,
      },
    };
  }
  const overwrites =
    channel.botDeny === 0n
      ? []
      : [{ id: state.bot.botUserId, type: 1, allow: '0', deny: String(channel.botDeny) }];
  return { ...base, topic: null, permission_overwrites: overwrites };
}

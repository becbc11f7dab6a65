/**
 * Interactions the fake Discord sends: an INTERACTION_CREATE built like Discord's (type 2 command, 3
 * button press, 4 autocomplete, 5 modal submit) with its channel, member or user, permissions and
 * resolved options; a button press carries the message it was pressed under.
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
 */
import { randomBytes } from 'node:crypto';
import type { Gateway } from './gateway.js';
import { InteractionRecord } from './interaction-record.js';
import { channelPayload, messagePayload, userPayload } from './payloads.js';
import { ALL_PERMISSIONS, COMMAND_TYPE, DEFAULT_LOCALE, INTERACTION_TYPE, OPTION_TYPE } from './protocol.js';
import type { JsonRecord } from './replies.js';
import type { ChannelState, DiscordState, GuildState } from './state.js';
import type { FakeOptionValue, InteractOptions } from './types.js';
import { findButton } from './validation/components.js';

const ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024;

/**
 * Dispatches an INTERACTION_CREATE built like Discord's (type 2 command, 4 autocomplete, 5 modal
 * submit) and returns the record that collects the bot's answers.
 */
export function interact(state: DiscordState, gateway: Gateway, options: InteractOptions): InteractionRecord {
  const channel = resolveInteractionChannel(state, options);
  const guild = channel.guildId ? state.guilds.get(channel.guildId) : undefined;
  state.users.set(options.user.id, { id: options.user.id, username: options.user.username });
  const id = state.nextId();
  const token = `fake-interaction-token-${id}-${randomBytes(6).toString('hex')}`;
  const user = userPayload(options.user.id, options.user.username, false);
  const appPermissions = options.appPermissions ?? String(state.botPermissionsIn(channel));
  const payload: JsonRecord = {
    id,
    application_id: state.bot.applicationId,
    type: INTERACTION_TYPE[options.kind],
    token,
    version: 1,
    data: interactionData(state, options, guild),
    ...(options.kind === 'component' && { message: pressedMessage(state, options, channel) }),
    channel: { ...channelPayload(state, channel), permissions: appPermissions },
    channel_id: channel.id,
    app_permissions: appPermissions,
    locale: options.locale ?? DEFAULT_LOCALE,
    entitlements: [],
    authorizing_integration_owners: guild ? { '0': guild.id } : { '1': options.user.id },
    context: guild ? 0 : 1,
    attachment_size_limit: ATTACHMENT_SIZE_LIMIT,
  };
  if (guild) {
    const permissions =
      options.permissions ?? String(options.user.id === guild.ownerId ? ALL_PERMISSIONS : guild.everyone);
    payload.guild_id = guild.id;
    payload.guild = { id: guild.id, locale: DEFAULT_LOCALE, features: [] };
    payload.guild_locale = DEFAULT_LOCALE;
    payload.member = {
      user,
      roles: [],
      permissions,
      joined_at: state.joinedAt,
      nick: null,
      avatar: null,
      banner: null,
      premium_since: null,
      communication_disabled_until: null,
      deaf: false,
      mute: false,
      flags: 0,
      pending: false,
    };
  } else {
    payload.user = user;
  }
  const record = new InteractionRecord(id, token, options.kind, payload, state.nextId());
  state.interactions.set(id, record);
  state.interactionsByToken.set(token, record);
  if (gateway.dispatch('INTERACTION_CREATE', payload) === 0 && !gateway.hasDetachedSessions) {
    throw new Error('FakeDiscord: no gateway client is ready to receive the interaction');
  }
  return record;
}

function resolveInteractionChannel(state: DiscordState, options: InteractOptions): ChannelState {
  if (options.dm) {
    const existing = state.channels.get(options.channelId);
    if (existing?.guildId) throw new Error(`FakeDiscord: ${options.channelId} is a guild channel, not a DM`);
    if (!existing) state.addDmChannel(options.channelId, options.user.id, options.user.username);
    const channel = state.channels.get(options.channelId);
    if (!channel) throw new Error('FakeDiscord: DM channel registration failed');
    return channel;
  }
  const channel = state.channels.get(options.channelId);
  if (!channel) throw new Error(`FakeDiscord: unknown channel ${options.channelId} (pass dm: true for a DM)`);
  if (options.guildId !== undefined && channel.guildId !== options.guildId) {
    throw new Error(`FakeDiscord: channel ${options.channelId} is not in guild ${options.guildId}`);
  }
  return channel;
}

/**
 * The message a button is pressed under: one the bot sent in this channel, holding an enabled button
 * with the pressed custom id (Discord offers no other presses).
 */
function pressedMessage(state: DiscordState, options: InteractOptions, channel: ChannelState): JsonRecord {
  const message = state.messagesIn(channel.id).find((m) => m.id === options.messageId);
  if (!message) throw new Error(`FakeDiscord: no message ${options.messageId} in channel ${channel.id}`);
  const button = findButton(message.components, options.customId ?? '');
  if (!button || button.disabled)
    throw new Error(`FakeDiscord: message ${message.id} has no enabled button ${options.customId}`);
  const { content, embeds, components } = message;
  return messagePayload(state, message.id, message.channel_id, { content, embeds, components }, message.at);
}

function interactionData(
  state: DiscordState,
  options: InteractOptions,
  guild: GuildState | undefined,
): JsonRecord {
  if (options.kind === 'component') {
    if (options.customId === undefined || options.messageId === undefined)
      throw new Error('FakeDiscord: a button press needs customId and messageId');
    return { custom_id: options.customId, component_type: 2 };
  }
  if (options.kind === 'modal') {
    if (options.customId === undefined) throw new Error('FakeDiscord: a modal submit needs customId');
    // The current Label (type 18) format; discord.js 14.28.1's ModalSubmitFields reads `component`.
    let componentId = 0;
    const components = Object.entries(options.fields ?? {}).map(([customId, value]) => ({
      type: 18,
      id: ++componentId,
      component: { type: 4, id: ++componentId, custom_id: customId, value },
    }));
    return { custom_id: options.customId, components };
  }
  if (options.name === undefined) throw new Error(`FakeDiscord: a ${options.kind} interaction needs a name`);
  const command = state.findCommand(options.name, guild?.id);
  let definitions = command?.options;
  if (options.subcommandGroup !== undefined) {
    definitions = definitions?.find((o) => o.name === options.subcommandGroup)?.options;
  }
  if (options.subcommand !== undefined) {
    definitions = definitions?.find((o) => o.name === options.subcommand)?.options;
  }
  const resolved: { users: JsonRecord; channels: JsonRecord } = { users: {}, channels: {} };
  const entries = Object.entries(options.options ?? {});
  if (options.kind === 'autocomplete' && options.focused !== undefined) {
    if (!entries.some(([name]) => name === options.focused)) entries.push([options.focused, '']);
  }
  const focused = options.kind === 'autocomplete' ? (options.focused ?? entries.at(-1)?.[0]) : undefined;
  let leaf: JsonRecord[] = entries.map(([name, raw]) => {
    const value = typeof raw === 'object' ? raw.value : raw;
    const type =
      typeof raw === 'object'
        ? raw.type
        : (definitions?.find((o) => o.name === name)?.type ?? inferOptionType(raw));
    resolveOption(state, type, value, resolved);
    const option: JsonRecord = { name, type, value };
    if (name === focused) option.focused = true;
    return option;
  });
  if (options.subcommand !== undefined) {
    leaf = [{ name: options.subcommand, type: OPTION_TYPE.subcommand, options: leaf }];
  }
  if (options.subcommandGroup !== undefined) {
    leaf = [{ name: options.subcommandGroup, type: OPTION_TYPE.subcommandGroup, options: leaf }];
  }
  const data: JsonRecord = {
    id: command?.id ?? state.nextId(),
    name: options.name,
    type: COMMAND_TYPE.chatInput,
    options: leaf,
  };
  if (command?.guild_id !== undefined) data.guild_id = command.guild_id;
  if (Object.keys(resolved.users).length > 0 || Object.keys(resolved.channels).length > 0)
    data.resolved = resolved;
  return data;
}

function resolveOption(
  state: DiscordState,
  type: number,
  value: unknown,
  resolved: { users: JsonRecord; channels: JsonRecord },
): void {
  if (typeof value !== 'string') return;
  if (type === OPTION_TYPE.user) {
    const user = state.users.get(value);
    if (user) resolved.users[value] = userPayload(user.id, user.username, false);
  } else if (type === OPTION_TYPE.channel) {
    const channel = state.channels.get(value);
    if (channel)
      resolved.channels[value] = {
        ...channelPayload(state, channel),
        permissions: String(state.botPermissionsIn(channel)),
      };
  }
}

function inferOptionType(value: FakeOptionValue): number {
  if (typeof value === 'string') return OPTION_TYPE.string;
  if (typeof value === 'boolean') return OPTION_TYPE.boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? OPTION_TYPE.integer : OPTION_TYPE.number;
  return value.type;
}

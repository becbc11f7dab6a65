/**
 * The world the fake Discord knows: the bot, guilds and their channels, DM channels, users, the messages the
 * bot created, the application commands it registered and the interactions sent to it. Snowflakes carry the
 * current time, as Discord's do.
 */
import type { InteractionRecord } from './interaction-record.js';
import {
  ALL_PERMISSIONS,
  CHANNEL_TYPE,
  COMMAND_TYPE,
  DEFAULT_PERMISSIONS,
  isoNow,
  PERMISSION,
  THREAD_TYPES,
} from './protocol.js';
import type { JsonRecord } from './replies.js';
import { Signal } from './signal.js';
import type { FakeChannel, FakeGuild, RecordedMessage, RegisteredCommand } from './types.js';

const DISCORD_EPOCH = 1_420_070_400_000n;
const DEFAULT_OWNER_ID = '100000000000000001';

/** A channel as the fake keeps it. */
export interface ChannelState {
  id: string;
  name: string;
  type: number;
  guildId: string | null;
  parentId: string | null;
  botDeny: bigint;
  /** DM channels only. */
  recipientId: string | null;
}

/** A guild as the fake keeps it. */
export interface GuildState {
  id: string;
  name: string;
  ownerId: string;
  everyone: bigint;
  channels: Map<string, ChannelState>;
}

/** The bot's identity. */
export interface BotIdentity {
  readonly applicationId: string;
  readonly botUserId: string;
  readonly botUsername: string;
}

/** Guilds, channels, users, messages, commands and interactions of one fake. */
export class DiscordState {
  /** When the bot joined every guild (one instant for all). */
  readonly joinedAt = isoNow();
  readonly guilds = new Map<string, GuildState>();
  readonly channels = new Map<string, ChannelState>();
  /** DM channel id by user id. */
  readonly dmByUser = new Map<string, string>();
  /** Users seen in interactions or DMs, for resolved options and DM recipients. */
  readonly users = new Map<string, { id: string; username: string }>();
  /** Every message the bot created, in order. */
  readonly messages: RecordedMessage[] = [];
  /** Notified on each created message. */
  readonly messageSignal = new Signal();
  /** Messages created with `enforce_nonce`, by nonce, for deduplication. */
  readonly nonces = new Map<string, { at: number; message: JsonRecord }>();
  /** The last global command list PUT by the bot. */
  globalCommands: RegisteredCommand[] = [];
  /** The last command list PUT for each guild. */
  readonly guildCommands = new Map<string, RegisteredCommand[]>();
  readonly interactions = new Map<string, InteractionRecord>();
  readonly interactionsByToken = new Map<string, InteractionRecord>();
  private readonly byChannel = new Map<string, RecordedMessage[]>();
  private idCounter = 0;

  constructor(readonly bot: BotIdentity) {}

  /** Messages the bot created in one channel, in order. */
  messagesIn(channelId: string): readonly RecordedMessage[] {
    return this.byChannel.get(channelId) ?? [];
  }

  /** Records a created message and wakes its waiters. */
  recordMessage(record: RecordedMessage): void {
    this.messages.push(record);
    const list = this.byChannel.get(record.channel_id);
    if (list) list.push(record);
    else this.byChannel.set(record.channel_id, [record]);
    this.messageSignal.notify();
  }

  /** Registers a DM channel between the bot and a user (what `POST /users/@me/channels` would create). */
  addDmChannel(channelId: string, userId: string, username = `user${userId}`): void {
    if (!this.users.has(userId)) this.users.set(userId, { id: userId, username });
    this.channels.set(channelId, {
      id: channelId,
      name: '',
      type: CHANNEL_TYPE.dm,
      guildId: null,
      parentId: null,
      botDeny: 0n,
      recipientId: userId,
    });
    this.dmByUser.set(userId, channelId);
  }

  /** Registers a guild and its channels. */
  registerGuild(guild: FakeGuild): GuildState {
    const state: GuildState = {
      id: guild.id,
      name: guild.name,
      ownerId: guild.ownerId ?? DEFAULT_OWNER_ID,
      everyone:
        guild.everyonePermissions === undefined ? DEFAULT_PERMISSIONS : BigInt(guild.everyonePermissions),
      channels: new Map(),
    };
    this.guilds.set(guild.id, state);
    for (const channel of guild.channels) this.registerChannel(state, channel);
    return state;
  }

  /** Registers a channel of `guild`. */
  registerChannel(guild: GuildState, channel: FakeChannel): ChannelState {
    const state: ChannelState = {
      id: channel.id,
      name: channel.name,
      type: channel.type ?? CHANNEL_TYPE.guildText,
      guildId: guild.id,
      parentId: channel.parent_id ?? null,
      botDeny: channel.botDeny === undefined ? 0n : BigInt(channel.botDeny),
      recipientId: null,
    };
    guild.channels.set(channel.id, state);
    this.channels.set(channel.id, state);
    return state;
  }

  /** The bot's permissions in a channel: `@everyone`'s minus the channel's overwrite for the bot. */
  botPermissionsIn(channel: ChannelState): bigint {
    if (!channel.guildId) return DEFAULT_PERMISSIONS;
    const guild = this.guilds.get(channel.guildId);
    if (!guild) return 0n;
    if (guild.everyone & PERMISSION.administrator) return ALL_PERMISSIONS;
    const parent =
      channel.parentId && THREAD_TYPES.has(channel.type) ? this.channels.get(channel.parentId) : undefined;
    return guild.everyone & ~channel.botDeny & ~(parent?.botDeny ?? 0n);
  }

  /** The chat-input command `name`: the guild's when it has one, else the global one. */
  findCommand(name: string, guildId: string | undefined): RegisteredCommand | undefined {
    const isChatInput = (command: RegisteredCommand): boolean =>
      command.name === name && command.type === COMMAND_TYPE.chatInput;
    const inGuild = guildId === undefined ? undefined : this.guildCommands.get(guildId)?.find(isChatInput);
    return inGuild ?? this.globalCommands.find(isChatInput);
  }

  /** A snowflake with the current time, unique within this fake. */
  nextId(): string {
    this.idCounter = (this.idCounter + 1) & 0x1ffff;
    return String(((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | BigInt(this.idCounter));
  }
}

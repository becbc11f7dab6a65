import {
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  InteractionContextType,
  type ModalSubmitInteraction,
  PermissionFlagsBits,
} from 'discord.js';
import type { ChatKind, ChatRef, UserRef } from '../../core/chat.js';
import type { Command, RawArgs } from '../../core/command.js';
import type { Dispatcher, Invocation } from '../../core/dispatch.js';

/** The interactions that run commands. */
export type CommandInteraction = ChatInputCommandInteraction | ModalSubmitInteraction | ButtonInteraction;

/** Who is asking, and where: the part of an {@link Invocation} every command shares. */
export type InvocationBase = Omit<Invocation, 'command' | 'input'>;

/** "Admins of a chat" on Discord: members with either of these in that channel. */
const ADMIN_PERMISSIONS = [PermissionFlagsBits.ManageGuild, PermissionFlagsBits.ManageChannels];

/**
 * The chat, user and admin check of an interaction. A thread is a channel of its own; the bot's DM
 * is a private chat (its user may subscribe it); a server channel — and a group DM, where the bot
 * cannot post — is a group. Whether the user administers the chat comes from the member's
 * permissions in that channel as Discord computed them for this interaction (Manage Server or
 * Manage Channels; Administrator implies both), read on every call. The chat carries its server's
 * id, so that a subscription made here is found when the bot leaves the server.
 */
export function invocationBase(interaction: CommandInteraction): InvocationBase | undefined {
  const channelId = interaction.channelId;
  if (channelId === null) return undefined;
  const guild = interaction.guildId;
  const chat: ChatRef = { platform: 'discord', id: channelId, ...(guild !== null && { guild }) };
  const inGuild = guild !== null;
  const chatKind: ChatKind =
    inGuild || interaction.context === InteractionContextType.PrivateChannel ? 'group' : 'private';
  const { user: author } = interaction;
  const user: UserRef = { platform: 'discord', id: author.id, name: author.globalName ?? author.username };
  const channel = interaction.channel;
  const chatTitle =
    channel !== null && 'name' in channel && typeof channel.name === 'string' && channel.name !== ''
      ? `#${channel.name}`
      : chatKind === 'private'
        ? `DM with ${user.name}`
        : undefined;
  const permissions = interaction.memberPermissions;
  return {
    platform: 'discord',
    chat,
    chatKind,
    ...(chatTitle !== undefined && { chatTitle }),
    user,
    isChatAdmin: async () => (chatKind === 'private' ? true : (permissions?.any(ADMIN_PERMISSIONS) ?? false)),
    updateId: interaction.id,
  };
}

/** A slash command's options as raw text by name (the dispatcher parses them like any text). */
export function optionsOf(options: readonly CommandInteractionOption[]): Record<string, string> {
  const raw: Record<string, string> = {};
  for (const option of options) {
    if (option.value === undefined || option.value === null) continue;
    raw[option.name] = String(option.value);
  }
  return raw;
}

/**
 * Whether the caller may run `command` here, asked before opening its form so that someone who may
 * not run it gets the dispatcher's refusal at once instead of a form that leads nowhere.
 */
export async function mayRun(
  command: Command,
  base: InvocationBase,
  dispatcher: Dispatcher,
): Promise<boolean> {
  switch (command.access) {
    case 'editor':
      return dispatcher.isEditor(base.user);
    case 'chatAdmin':
      return base.chatKind === 'private' || (await base.isChatAdmin());
    case 'anyone':
      return true;
  }
}

/** An invocation of `command` with these raw options. */
export function invocationOf(base: InvocationBase, command: string, options: RawArgs): Invocation {
  return { ...base, command, input: { options } };
}

/**
 * Discord's wire enums and permission bits as the fake uses them: gateway opcodes, interaction and callback
 * types, channel, option and command types, message flags.
 *
 * @see https://discord.com/developers/docs/topics/opcodes-and-status-codes
 */

/** Gateway opcodes. */
export const OP = {
  dispatch: 0,
  heartbeat: 1,
  identify: 2,
  resume: 6,
  requestGuildMembers: 8,
  invalidSession: 9,
  hello: 10,
  heartbeatAck: 11,
} as const;

/** Interaction types by the kind {@link FakeDiscord.interact} sends. */
export const INTERACTION_TYPE = { command: 2, component: 3, autocomplete: 4, modal: 5 } as const;

/** Interaction callback types. */
export const CALLBACK = {
  pong: 1,
  message: 4,
  deferredMessage: 5,
  deferredUpdate: 6,
  updateMessage: 7,
  autocompleteResult: 8,
  modal: 9,
} as const;
/** Every callback type Discord accepts. */
export const KNOWN_CALLBACK_TYPES: ReadonlySet<number> = new Set(Object.values(CALLBACK));

/** Channel types the fake distinguishes. */
export const CHANNEL_TYPE = {
  guildText: 0,
  dm: 1,
  announcementThread: 10,
  publicThread: 11,
  privateThread: 12,
} as const;
/** Thread channel types. */
export const THREAD_TYPES: ReadonlySet<number> = new Set([
  CHANNEL_TYPE.announcementThread,
  CHANNEL_TYPE.publicThread,
  CHANNEL_TYPE.privateThread,
]);

/** Application command option types. */
export const OPTION_TYPE = {
  subcommand: 1,
  subcommandGroup: 2,
  string: 3,
  integer: 4,
  boolean: 5,
  user: 6,
  channel: 7,
  role: 8,
  mentionable: 9,
  number: 10,
  attachment: 11,
} as const;

/** Application command types. */
export const COMMAND_TYPE = { chatInput: 1, user: 2, message: 3, primaryEntryPoint: 4 } as const;

/** Message flags. */
export const MESSAGE_FLAG = { ephemeral: 64, loading: 128 } as const;

/** Permission bits used by the fake (https://discord.com/developers/docs/topics/permissions). */
export const PERMISSION = {
  administrator: 1n << 3n,
  manageChannels: 1n << 4n,
  manageGuild: 1n << 5n,
  addReactions: 1n << 6n,
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  embedLinks: 1n << 14n,
  attachFiles: 1n << 15n,
  readMessageHistory: 1n << 16n,
  mentionEveryone: 1n << 17n,
  useApplicationCommands: 1n << 31n,
  sendMessagesInThreads: 1n << 38n,
} as const;

/** What `@everyone` (and so the bot and an ordinary member) may do unless told otherwise. */
export const DEFAULT_PERMISSIONS =
  PERMISSION.viewChannel |
  PERMISSION.sendMessages |
  PERMISSION.embedLinks |
  PERMISSION.attachFiles |
  PERMISSION.readMessageHistory |
  PERMISSION.addReactions |
  PERMISSION.useApplicationCommands |
  PERMISSION.sendMessagesInThreads;

/** Every permission bit: what Discord computes for a guild owner or an administrator. */
export const ALL_PERMISSIONS = (1n << 53n) - 1n;

/** Whether the `flags` field has `flag` set. */
export function hasFlag(flags: unknown, flag: number): boolean {
  return typeof flags === 'number' && (flags & flag) === flag;
}

/** A Discord timestamp (ISO 8601) for `now`. */
export function isoNow(now = Date.now()): string {
  return new Date(now).toISOString();
}

/** The locale of users and guilds unless told otherwise. */
export const DEFAULT_LOCALE = 'en-US';

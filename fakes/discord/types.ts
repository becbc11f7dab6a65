/**
 * The public data types of the fake Discord: guilds and channels to set up, options, what the bot sent,
 * interactions to send and their answers, application commands and counters. `index.ts` re-exports them.
 */
import type { APIAllowedMentions, APIEmbed } from 'discord.js';

/** A channel of a {@link FakeGuild}. */
export interface FakeChannel {
  id: string;
  name: string;
  /** 0 text (default), 11 public thread (any Discord channel type is accepted). */
  type?: number;
  /** The parent text channel of a thread, or the category of a channel. */
  parent_id?: string;
  /** Permission bits denied to the bot in this channel (a permission overwrite), decimal string. */
  botDeny?: string;
}

/** A guild the bot is in when it connects. */
export interface FakeGuild {
  id: string;
  name: string;
  channels: FakeChannel[];
  /** Guild owner; an interaction from the owner gets every permission. */
  ownerId?: string;
  /** Permissions of `@everyone`, which the bot and members get; decimal string, default {@link DEFAULT_PERMISSIONS}. */
  everyonePermissions?: string;
}

/** Options of {@link FakeDiscord}. */
export interface FakeDiscordOptions {
  /** @defaultValue `'900000000000000001'` */
  applicationId?: string;
  /** @defaultValue the application id (as for every bot created since 2020) */
  botUserId?: string;
  /** @defaultValue `'briefcast-fake'` */
  botUsername?: string;
  guilds?: FakeGuild[];
  /** Rate limits to emulate; absent = no limits and no `x-ratelimit-*` headers. */
  limits?: {
    /** @defaultValue 50 */
    globalPerSecond?: number;
    /** @defaultValue 5 */
    channelPerFiveSeconds?: number;
    /** Length of the per-channel window; shorten it in tests. @defaultValue 5000 */
    channelWindowMs?: number;
  };
  /** @defaultValue 41250 */
  heartbeatIntervalMs?: number;
  /** Answer interaction callbacks later than 3 s with 404 10062 like Discord. @defaultValue false */
  enforceInteractionDeadline?: boolean;
}

/** A failure {@link FakeDiscord.failChannel} / {@link FakeDiscord.failEvery} can inject. */
export type FakeFailure =
  | 'unknown_channel'
  | 'unknown_guild'
  | 'missing_access'
  | 'missing_permissions'
  | 'cannot_dm'
  /** HTTP 500 with a JSON body. */
  | 'server_error'
  /** HTTP 502 with an HTML body, as Cloudflare sends it. */
  | 'bad_gateway'
  /** The TCP connection is reset before any response. */
  | 'network'
  | {
      rateLimit: {
        retryAfterSeconds: number;
        global?: boolean;
        /** @defaultValue `'global'` when global, otherwise `'user'` */
        scope?: 'user' | 'global' | 'shared';
      };
    };

/** The IDENTIFY payload the client sent (the token is not kept). */
export interface IdentifyRecord {
  intents: number;
  shard: readonly [number, number] | null;
  compress: boolean;
  large_threshold: number | null;
  properties: Record<string, unknown>;
}

/** Message fields as a client sent them (create, edit, interaction reply or follow-up). */
export interface FakeMessageBody {
  content?: string;
  embeds?: APIEmbed[];
  flags?: number;
  allowed_mentions?: APIAllowedMentions;
  nonce?: string | number;
  enforce_nonce?: boolean;
  tts?: boolean;
  components?: unknown[];
  [key: string]: unknown;
}

/** A message the bot created with `POST /channels/:id/messages`. */
export interface RecordedMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: APIEmbed[];
  nonce: string | number | null;
  enforce_nonce: boolean;
  allowed_mentions: APIAllowedMentions | null;
  /** Whether Discord would ping @everyone/@here: the text is there and `allowed_mentions` allows it. */
  mention_everyone: boolean;
  /** Action rows of buttons, as sent (and as a component interaction's "update message" left them). */
  components: unknown[];
  /** `Date.now()` when the fake accepted it. */
  at: number;
}

/** An autocomplete choice. */
export interface FakeChoice {
  name: string;
  value: string | number;
  [key: string]: unknown;
}

/** The data of an interaction callback, as received. */
export interface InteractionCallbackData extends FakeMessageBody {
  choices?: FakeChoice[];
  custom_id?: string;
  title?: string;
}

/** One `POST /interactions/:id/:token/callback` body. */
export interface InteractionCallback {
  type: number;
  data?: InteractionCallbackData;
}

/** What the user finally sees for an interaction; see {@link InteractionRecord.settled}. */
export interface SettledAnswer {
  kind: 'message' | 'modal' | 'autocomplete';
  ephemeral: boolean;
  content?: string;
  embeds?: APIEmbed[];
  flags?: number;
  allowed_mentions?: APIAllowedMentions;
  choices?: FakeChoice[];
  modal?: { custom_id: string; title: string; components: unknown[] };
  /** A message answer's (or an "update message"'s) action rows. */
  components?: unknown[];
}

/** A command option value for {@link InteractOptions.options}: a JS value, or an explicit option type. */
export type FakeOptionValue = string | number | boolean | { type: number; value: string | number | boolean };

/** What {@link FakeDiscord.interact} should send. */
export interface InteractOptions {
  kind: 'command' | 'autocomplete' | 'modal' | 'component';
  /** Command name (command and autocomplete). */
  name?: string;
  subcommandGroup?: string;
  subcommand?: string;
  /**
   * Option values by name. The type comes from the registered command when there is one, else
   * string → 3, integer → 4, other number → 10, boolean → 5.
   */
  options?: Record<string, FakeOptionValue>;
  /** Autocomplete: the option being typed; default the last option. */
  focused?: string;
  /** Modal: the modal's custom id. Component: the pressed button's custom id. */
  customId?: string;
  /** Component: the id of the bot's message (recorded by the fake) whose button is pressed. */
  messageId?: string;
  /** Modal: text input values by custom id. */
  fields?: Record<string, string>;
  /** Default: the guild of `channelId`. */
  guildId?: string;
  channelId: string;
  user: { id: string; username: string };
  /** The member's permissions in the channel, decimal string; default owner → all, else `@everyone`'s. */
  permissions?: string;
  /** The bot's permissions in the channel; default computed from the guild and channel. */
  appPermissions?: string;
  /** @defaultValue `'en-US'` */
  locale?: string;
  /** A DM with the bot (the channel is registered as the user's DM channel if it is not yet). */
  dm?: boolean;
}

/** Request counters since start. */
export interface FakeDiscordStats {
  /** Requests answered 2xx. */
  accepted: number;
  /** Requests answered 429 (emulated limits and injected). */
  rejected429: number;
  /** Requests answered with another error, or reset. */
  failed: number;
  /** Requests by route, e.g. `'POST /channels/:id/messages'`. */
  byRoute: Record<string, number>;
}

/** An application command definition as PUT by the client (after validation). */
export interface CommandDefinition {
  name: string;
  description?: string;
  type?: number;
  options?: CommandOptionDefinition[];
  default_member_permissions?: string | null;
  [key: string]: unknown;
}

/** One option of a {@link CommandDefinition}. */
export interface CommandOptionDefinition {
  type: number;
  name: string;
  description: string;
  required?: boolean;
  autocomplete?: boolean;
  choices?: FakeChoice[];
  options?: CommandOptionDefinition[];
  [key: string]: unknown;
}

/** A command as the fake stored and returned it. */
export interface RegisteredCommand extends CommandDefinition {
  id: string;
  application_id: string;
  version: string;
  type: number;
  description: string;
  default_member_permissions: string | null;
  guild_id?: string;
}

import {
  type APIApplicationCommandBasicOption,
  ApplicationCommandOptionType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';
import type { Access, ArgSpec, Command } from '../../core/command.js';
import type { TopicCatalog } from '../../core/topics.js';

/**
 * Where each kind of command may be used (`contexts`), as Discord names them.
 * @see https://discord.com/developers/docs/interactions/application-commands#interaction-contexts
 *
 * Reader commands work in servers, in the bot's DMs and (should the app ever be user-installed) in
 * other private channels: a reply needs no membership. `/subscribe` and `/unsubscribe` work in
 * servers and in the bot's DM — a DM channel is subscribed by its user — but not in group DMs,
 * where the bot cannot post a digest. Editor commands are server-only: there Discord hides them
 * from members without Manage Server until a server admin grants them to the editors, whereas in a
 * DM every user would see them in the menu (the bot refuses non-editors on every call either way).
 */
const CONTEXTS: Readonly<Record<Access, readonly InteractionContextType[]>> = {
  anyone: [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel],
  chatAdmin: [InteractionContextType.Guild, InteractionContextType.BotDM],
  editor: [InteractionContextType.Guild],
};

/**
 * The `default_member_permissions` menu hint. Discord requires *all* of its bits, so it cannot say
 * "Manage Server or Manage Channels": subscribing asks Manage Channels, editor commands Manage
 * Server (a server's admins can grant them to editors in Server Settings → Integrations). It only
 * hides commands in menus; the bot checks permissions on every call.
 * @see https://discord.com/developers/docs/interactions/application-commands#permissions
 */
const MENU_PERMISSIONS: Readonly<Record<Access, bigint | undefined>> = {
  anyone: undefined,
  chatAdmin: PermissionFlagsBits.ManageChannels,
  editor: PermissionFlagsBits.ManageGuild,
};

/** Where commands are registered: globally, or in one guild (which takes no `contexts`). */
export type CommandScope = 'global' | 'guild';

/** The commands a platform-neutral list serves on Discord. */
export function discordCommands(commands: readonly Command[]): Command[] {
  return commands.filter((c) => !c.platforms || c.platforms.includes('discord'));
}

/** Whether an argument is a field of the command's form: then it is an optional option on Discord. */
export function isFormField(command: Command, arg: string): boolean {
  return command.form?.fields.some((f) => f.arg === arg) ?? false;
}

function optionOf(
  command: Command,
  name: string,
  spec: ArgSpec<unknown>,
  topics: TopicCatalog,
): APIApplicationCommandBasicOption {
  const { option } = spec;
  const required = spec.required && !isFormField(command, name);
  const base = { name, description: spec.description, required };
  if (option.type === 'boolean') return { ...base, type: ApplicationCommandOptionType.Boolean };
  if (option.type === 'integer') {
    return {
      ...base,
      type: ApplicationCommandOptionType.Integer,
      ...(option.minValue !== undefined && { min_value: option.minValue }),
      ...(option.maxValue !== undefined && { max_value: option.maxValue }),
    };
  }
  const string = {
    ...base,
    type: ApplicationCommandOptionType.String,
    ...(option.maxLength !== undefined && { max_length: option.maxLength }),
  } as const;
  if (option.autocomplete !== undefined) return { ...string, autocomplete: true };
  if (option.choices === 'topic')
    return {
      ...string,
      choices: topics.topics.map((t) => ({ name: `${t.emoji} ${t.title}`, value: t.slug })),
    };
  if (option.choices !== undefined)
    return { ...string, choices: option.choices.map((w) => ({ name: w, value: w })) };
  return string;
}

/**
 * Discord's slash-command JSON for every command Discord serves, generated from the definitions:
 * typed options with their limits, the topic as choices, topic lists and time zones autocompleted,
 * form fields optional (the form asks for what is missing), required options first as Discord
 * demands. Global commands carry `contexts` and `integration_types` (guild install only); guild
 * commands cannot.
 * @see https://discord.com/developers/docs/interactions/application-commands#application-command-object
 */
export function buildCommandData(
  commands: readonly Command[],
  topics: TopicCatalog,
  scope: CommandScope = 'global',
): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return discordCommands(commands).map((command) => {
    const options = Object.entries(command.args).map(([name, spec]) => optionOf(command, name, spec, topics));
    // A stable sort: required options first, each group in the definition's order.
    options.sort((a, b) => Number(b.required === true) - Number(a.required === true));
    const permissions = MENU_PERMISSIONS[command.access];
    return {
      name: command.name,
      description: command.description,
      ...(options.length > 0 && { options }),
      ...(permissions !== undefined && { default_member_permissions: permissions.toString() }),
      ...(scope === 'global' && {
        contexts: [...CONTEXTS[command.access]],
        integration_types: [ApplicationIntegrationType.GuildInstall],
      }),
    };
  });
}

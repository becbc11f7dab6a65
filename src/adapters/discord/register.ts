import { type REST, Routes } from 'discord.js';
import type { Command } from '../../core/command.js';
import type { TopicCatalog } from '../../core/topics.js';
import { buildCommandData } from './commands.js';

/** What {@link registerCommands} registers, and where. */
export interface RegisterOptions {
  readonly applicationId: string;
  /** Register in this guild only (instant, for development) instead of globally. */
  readonly guildId?: string;
  readonly commands: readonly Command[];
  readonly topics: TopicCatalog;
}

/** Where the commands went and how many there are. */
export interface Registered {
  readonly scope: 'global' | { readonly guildId: string };
  readonly names: readonly string[];
}

/**
 * Registers the slash commands with one bulk overwrite (`PUT`), globally or in one guild. Global
 * commands reach every server and DM within the hour; guild commands show at once but only there.
 * Overwriting is idempotent: unchanged commands keep their ids, and removed ones disappear.
 * @see https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands
 */
export async function registerCommands(rest: REST, options: RegisterOptions): Promise<Registered> {
  const { applicationId, guildId } = options;
  const body = buildCommandData(options.commands, options.topics, guildId === undefined ? 'global' : 'guild');
  const route =
    guildId === undefined
      ? Routes.applicationCommands(applicationId)
      : Routes.applicationGuildCommands(applicationId, guildId);
  await rest.put(route, { body });
  return { scope: guildId === undefined ? 'global' : { guildId }, names: body.map((c) => c.name) };
}

/**
 * The fake Discord's application command routes: `GET|PUT /applications/:id/commands` and the guild variants,
 * a PUT being a validated bulk overwrite that keeps the ids of commands named again.
 *
 * @see https://discord.com/developers/docs/interactions/application-commands#bulk-overwrite-global-application-commands
 */
import { COMMAND_TYPE } from '../protocol.js';
import { type ApiReply, apiError } from '../replies.js';
import type { DiscordState } from '../state.js';
import type { RegisteredCommand } from '../types.js';
import { validateCommands } from '../validation/commands.js';
import type { RequestContext } from './route.js';

/** `GET` of the global list (`guildId` null) or a guild's. */
export function getCommands(state: DiscordState, app: string, guildId: string | null): ApiReply {
  if (app !== state.bot.applicationId) return apiError('missing_access');
  if (guildId === null) return { status: 200, body: state.globalCommands };
  if (!state.guilds.has(guildId)) return apiError('missing_access');
  return { status: 200, body: state.guildCommands.get(guildId) ?? [] };
}

/** `PUT` of a command list: validated, then it replaces the previous one. */
export function putCommands(
  state: DiscordState,
  app: string,
  guildId: string | null,
  ctx: RequestContext,
): ApiReply {
  if (app !== state.bot.applicationId) return apiError('missing_access');
  if (guildId !== null && !state.guilds.has(guildId)) return apiError('missing_access');
  const result = validateCommands(ctx.body);
  if (!result.ok) return result.reply;
  const previous = guildId === null ? state.globalCommands : (state.guildCommands.get(guildId) ?? []);
  // Discord keeps a command's id when an overwrite names it again.
  const previousIds = new Map(previous.map((command) => [`${command.type}:${command.name}`, command.id]));
  const registered = result.value.map((definition): RegisteredCommand => {
    const type = definition.type ?? COMMAND_TYPE.chatInput;
    const command: RegisteredCommand = {
      ...definition,
      id: previousIds.get(`${type}:${definition.name}`) ?? state.nextId(),
      application_id: state.bot.applicationId,
      version: state.nextId(),
      type,
      description: definition.description ?? '',
      default_member_permissions: definition.default_member_permissions ?? null,
      nsfw: definition.nsfw === true,
    };
    if (guildId !== null) command.guild_id = guildId;
    return command;
  });
  if (guildId === null) state.globalCommands = registered;
  else state.guildCommands.set(guildId, registered);
  return { status: 200, body: registered };
}

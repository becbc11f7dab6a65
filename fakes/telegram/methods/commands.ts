/**
 * The command-list methods of the fake Telegram Bot API: setMyCommands (validated: at most 100 commands,
 * names `[a-z0-9_]{1,32}`, descriptions 1–256 characters), getMyCommands and deleteMyCommands, one list per
 * scope and language.
 *
 * @see https://core.telegram.org/bots/api#setmycommands
 */
import { chatKey, isRecord, type Params, paramChatId, paramString, paramStructured } from '../params.js';
import {
  COMMAND_DESCRIPTION_INVALID,
  COMMAND_INVALID,
  errorReply,
  HTTP_BAD_REQUEST,
  okReply,
  type Reply,
  TOO_MANY_COMMANDS,
  TRUE_REPLY,
} from '../replies.js';
import type { BotCommand } from '../types.js';
import type { MethodContext } from './context.js';

const MAX_BOT_COMMANDS = 100;
const MAX_COMMAND_DESCRIPTION_LENGTH = 256;
const BOT_COMMAND_PATTERN = /^[a-z0-9_]{1,32}$/;

/** The `BotCommandScope` and language of a call, and the key of its command list. */
function commandScope(params: Params): { scope: Record<string, unknown>; language: string; key: string } {
  const given = paramStructured(params.scope);
  const scope = isRecord(given) ? given : { type: 'default' };
  const language = paramString(params.language_code) ?? '';
  const key = `${String(scope.type)}|${String(scope.chat_id ?? '')}|${String(scope.user_id ?? '')}|${language}`;
  return { scope, language, key };
}

/** setMyCommands: validates the list; a `chat` scope naming a chat can fail through `failChat` (listed explicitly). */
export function setMyCommands(ctx: MethodContext, params: Params): Reply {
  const list = paramStructured(params.commands);
  if (!Array.isArray(list))
    return errorReply(HTTP_BAD_REQUEST, 'Bad Request: parameter "commands" is required');
  if (list.length > MAX_BOT_COMMANDS) return TOO_MANY_COMMANDS;
  const commands: BotCommand[] = [];
  for (const item of list) {
    if (!isRecord(item)) return COMMAND_INVALID;
    const command = paramString(item.command) ?? '';
    const description = paramString(item.description) ?? '';
    if (!BOT_COMMAND_PATTERN.test(command)) return COMMAND_INVALID;
    if (description.trim() === '' || description.length > MAX_COMMAND_DESCRIPTION_LENGTH) {
      return COMMAND_DESCRIPTION_INVALID;
    }
    commands.push({ command, description });
  }
  const { scope, language, key } = commandScope(params);
  const scopeChat = paramChatId(scope.chat_id);
  const failed =
    scopeChat === undefined ? undefined : ctx.faults.forChat('setMyCommands', chatKey(scopeChat));
  if (failed !== undefined) return failed;
  ctx.state.commandSets.set(key, { commands, scope, language_code: language });
  return TRUE_REPLY;
}

/** getMyCommands: the list set for exactly this scope and language, or `[]`. */
export function getMyCommands(ctx: MethodContext, params: Params): Reply {
  return okReply(ctx.state.commandSets.get(commandScope(params).key)?.commands ?? []);
}

/** deleteMyCommands: forgets the list of this scope and language. */
export function deleteMyCommands(ctx: MethodContext, params: Params): Reply {
  ctx.state.commandSets.delete(commandScope(params).key);
  return TRUE_REPLY;
}

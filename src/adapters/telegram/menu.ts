import type { Telegram } from 'telegraf';
import type { BotCommand } from 'telegraf/types';
import type { Command } from '../../core/command.js';
import type { Logger } from '../../log.js';
import { TelegramCallError } from './errors.js';

/** A command as Telegram's menu lists it. */
function toBotCommand(command: Command): BotCommand {
  return { command: command.name, description: command.description };
}

/** What {@link registerMenus} registers. */
export interface Menus {
  /** The default scope: every chat sees the reader commands. */
  readonly readers: readonly BotCommand[];
  /** Each editor's private chat: the reader commands, then the editor commands. */
  readonly editors: readonly BotCommand[];
}

/** The two menus made from the commands Telegram serves. */
export function menusOf(commands: readonly Command[]): Menus {
  const readers = commands.filter((c) => c.access !== 'editor').map(toBotCommand);
  return {
    readers,
    editors: [...readers, ...commands.filter((c) => c.access === 'editor').map(toBotCommand)],
  };
}

/**
 * Registers the command menus with `setMyCommands`: reader commands in the default scope, and reader plus
 * editor commands in each editor's private chat (scope `chat`), so editors find `/post` in their menu and
 * readers do not. The menu is only a hint; the dispatcher checks who may run what on every call.
 *
 * A failure (a Bot API server without `setMyCommands`, an editor who never started the bot) is logged as
 * a warning and the rest goes on: the bot works without menus. Returns how many registrations failed.
 * @see https://core.telegram.org/bots/api#setmycommands
 */
export async function registerMenus(
  telegram: Telegram,
  commands: readonly Command[],
  editorIds: readonly string[],
  logger: Logger,
  secrets: readonly string[],
): Promise<number> {
  const menus = menusOf(commands);
  const registrations: { scope: string; run: () => Promise<true> }[] = [
    { scope: 'default', run: () => telegram.setMyCommands(menus.readers) },
    ...editorIds.map((id) => ({
      scope: `chat ${id}`,
      run: () => telegram.setMyCommands(menus.editors, { scope: { type: 'chat', chat_id: Number(id) } }),
    })),
  ];
  let failed = 0;
  for (const registration of registrations) {
    try {
      await registration.run();
    } catch (error) {
      failed += 1;
      logger.warn(
        { err: new TelegramCallError(error, secrets), scope: registration.scope },
        'could not register the Telegram command menu; commands still work when typed',
      );
    }
  }
  return failed;
}

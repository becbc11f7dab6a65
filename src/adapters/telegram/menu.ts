import type { Telegram } from 'telegraf';
import type { BotCommand } from 'telegraf/types';
import { type Command, commandText } from '../../core/command.js';
import { ENGLISH, type Translator, translators } from '../../i18n/translator.js';
import type { Logger } from '../../log.js';
import { TelegramCallError } from './errors.js';

/** A command as Telegram's menu lists it, described in `tr`'s language. */
function toBotCommand(command: Command, tr: Translator): BotCommand {
  return { command: command.name, description: commandText(command, tr).description };
}

/** What {@link registerMenus} registers. */
export interface Menus {
  /** The default scope: every chat sees the reader commands. */
  readonly readers: readonly BotCommand[];
  /** Each editor's private chat: the reader commands, then the editor commands. */
  readonly editors: readonly BotCommand[];
}

/** The two menus made from the commands Telegram serves, in `tr`'s language (English by default). */
export function menusOf(commands: readonly Command[], tr: Translator = ENGLISH): Menus {
  const readers = commands.filter((c) => c.access !== 'editor').map((c) => toBotCommand(c, tr));
  return {
    readers,
    editors: [...readers, ...commands.filter((c) => c.access === 'editor').map((c) => toBotCommand(c, tr))],
  };
}

/**
 * Registers the command menus with `setMyCommands`: reader commands in the default scope, and reader plus
 * editor commands in each editor's private chat (scope `chat`), so editors find `/post` in their menu and
 * readers do not. Each scope gets English without a `language_code` (what every user sees unless a menu
 * in their language exists) and each other language under its code (`zh`): Telegram shows a user the
 * menu of their app's language. The menu is only a hint; the dispatcher checks who may run what on every call.
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
  const registrations: { scope: string; run: () => Promise<true> }[] = [];
  for (const tr of translators()) {
    const menus = menusOf(commands, tr);
    const code = tr === ENGLISH ? undefined : tr.pack.telegramMenu;
    if (tr !== ENGLISH && code === undefined) continue;
    const language = code === undefined ? {} : { language_code: code };
    const suffix = code === undefined ? '' : `, ${code}`;
    registrations.push(
      { scope: `default${suffix}`, run: () => telegram.setMyCommands(menus.readers, { ...language }) },
      ...editorIds.map((id) => ({
        scope: `chat ${id}${suffix}`,
        run: () =>
          telegram.setMyCommands(menus.editors, {
            scope: { type: 'chat', chat_id: Number(id) },
            ...language,
          }),
      })),
    );
  }
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

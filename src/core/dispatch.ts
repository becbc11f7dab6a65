import {
  ENGLISH,
  type LanguageCode,
  languageFromLocale,
  type Translator,
  translatorFor,
} from '../i18n/translator.js';
import type { Wire } from '../wire/wire.js';
import type { ChatKind, ChatRef, Platform, UserRef } from './chat.js';
import {
  type Command,
  type CommandContext,
  commandText,
  type PressReply,
  type RawArgs,
  splitPositional,
} from './command.js';
import type { DeskLinks } from './desk.js';
import type { Block, Doc } from './document.js';
import { UsageError } from './errors.js';
import type { Newsroom } from './newsroom.js';
import type { Result } from './result.js';
import { commandAsTyped, wellFormed } from './user-text.js';

/** A command call as an adapter hands it over. */
export interface Invocation {
  readonly platform: Platform;
  /** The command's name, without `/` or `@bot`. */
  readonly command: string;
  /** Text after the command (Telegram, console), or typed options by name (Discord). */
  readonly input: { readonly text: string } | { readonly options: RawArgs };
  readonly chat: ChatRef;
  readonly chatKind: ChatKind;
  readonly chatTitle?: string;
  /** Absent for Telegram channel posts. */
  readonly user?: UserRef;
  /** Whether the user administers this chat; asked only when a command needs it, on every call. */
  isChatAdmin(): Promise<boolean>;
  /** The platform's id of the update or interaction, for logs. */
  readonly updateId?: string;
  /**
   * The language the platform says the person asking reads (Telegram's `from.language_code` in a
   * private chat, Discord's `interaction.locale`), for a chat that has chosen none.
   */
  readonly locale?: string;
  /** The language the platform gives posts to the whole chat (Discord: the server's preferred locale), when it differs. */
  readonly chatLocale?: string;
}

/** A button pressed under one of the bot's messages, as an adapter hands it over. */
export interface Press extends Omit<Invocation, 'command' | 'input'> {
  /** The button's data: a command name and its text arguments (`wire publish 12`). */
  readonly data: string;
  /** The data of every button on the same message. */
  readonly view: readonly string[];
}

/** Where the dispatcher reports bugs (a pino logger fits). */
export interface BugReporter {
  error(fields: Record<string, unknown>, message: string): void;
}

/** Editors by platform: `ADMIN_TELEGRAM_IDS`, `ADMIN_DISCORD_IDS`; the console user is always one. */
export type Editors = Readonly<Record<Platform, ReadonlySet<string>>>;

/** The id of the console's local user. */
export const CONSOLE_USER_ID = 'local';

/** A reply to a mistake: the problem, then the right form. */
export function usageDoc(problem: string, command?: Command, tr: Translator = ENGLISH): Doc {
  const blocks: Block[] = [{ type: 'paragraph', text: tr.t('usage.problem', { problem }) }];
  if (command) {
    const { usage, examples } = commandText(command, tr);
    blocks.push({
      type: 'paragraph',
      text: examples ? tr.t('usage.lineWithExamples', { usage, examples }) : tr.t('usage.line', { usage }),
      style: 'muted',
    });
  }
  return { blocks, tone: 'error', private: true };
}

/**
 * The input with every lone UTF-16 surrogate replaced (see {@link wellFormed}), so nothing a platform
 * would refuse to send reaches a reply, an item or a digest.
 */
function wellFormedInput(input: Invocation['input']): Invocation['input'] {
  if ('text' in input) return { text: wellFormed(input.text) };
  const options: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(input.options)) {
    options[name] = value === undefined ? undefined : wellFormed(value);
  }
  return { options };
}

/** The sorry reply to a bug, in `tr`'s language; the details go to the log only. */
export function apologyDoc(tr: Translator): Doc {
  return { blocks: [{ type: 'paragraph', text: tr.t('errors.apology') }], tone: 'error', private: true };
}

/** The apology in English, for an adapter that failed before it knew the reader's language. */
export const APOLOGY: Doc = apologyDoc(ENGLISH);

/** A document's first paragraph, as a one-line notice. */
function firstText(doc: Doc): string {
  const block = doc.blocks.find((b) => b.type === 'paragraph');
  return block?.type === 'paragraph' ? block.text : (doc.title ?? '');
}

/**
 * The one entry point for commands on every platform: finds the command, checks who may run it,
 * parses its arguments and runs it. Mistakes come back as replies naming the problem; anything else is
 * logged as a bug and answered with an apology.
 */
export class Dispatcher {
  readonly #byName: ReadonlyMap<string, Command>;

  constructor(
    readonly commands: readonly Command[],
    private readonly newsroom: Newsroom,
    private readonly editors: Editors,
    private readonly log: BugReporter,
    /** The news wire, for `/feed` and `/wire`. */
    private readonly wire?: Wire,
    /** The desk's sign-in links, for `/desk`. */
    private readonly desk?: DeskLinks,
  ) {
    this.#byName = new Map(commands.map((c) => [c.name, c]));
  }

  /** The commands a platform serves. */
  commandsFor(platform: Platform): Command[] {
    return this.commands.filter((c) => !c.platforms || c.platforms.includes(platform));
  }

  /** The command called `name` on `platform`, if it serves one. */
  find(name: string, platform: Platform): Command | undefined {
    const command = this.#byName.get(name.toLowerCase());
    return command && (!command.platforms || command.platforms.includes(platform)) ? command : undefined;
  }

  /** Whether `user` is an editor. */
  isEditor(user: UserRef | undefined): boolean {
    return user !== undefined && this.editors[user.platform].has(user.id);
  }

  /**
   * The languages of a call: the chat's own (chosen with `/language`, or fixed by `/subscribe`),
   * else the platform's for the person asking, else `DEFAULT_LANGUAGE`; and the one posts to the
   * whole chat would take (Discord: the server's).
   */
  async #languages(inv: Invocation): Promise<CommandContext['language']> {
    const fallback = this.newsroom.defaultLanguage;
    const chosen = await this.newsroom.languages.languageOf(inv.chat);
    const forReplies = (await this.replyTranslator(inv)).language;
    const forPosts: LanguageCode = chosen ?? languageFromLocale(inv.chatLocale ?? inv.locale) ?? fallback;
    return { ...(chosen !== undefined && { chosen }), forReplies, forPosts };
  }

  /** The language a reply to `inv` takes (for what an adapter says itself, such as Discord's forms). */
  async replyTranslator(inv: Pick<Invocation, 'chat' | 'locale'>): Promise<Translator> {
    const chosen = await this.newsroom.languages.languageOf(inv.chat);
    return chosen !== undefined ? translatorFor(chosen) : this.localeTranslator(inv.locale);
  }

  /** The language of a platform locale when the chat is unknown: that one if Briefcast speaks it, else `DEFAULT_LANGUAGE`. */
  localeTranslator(locale: string | undefined): Translator {
    return translatorFor(languageFromLocale(locale) ?? this.newsroom.defaultLanguage);
  }

  /** Runs an invocation and returns the reply, in the chat's language. */
  async dispatch(inv: Invocation): Promise<Doc> {
    let tr = translatorFor(this.newsroom.defaultLanguage);
    const command = this.find(inv.command, inv.platform);
    try {
      const language = await this.#languages(inv);
      tr = translatorFor(language.forReplies);
      if (!command)
        return usageDoc(tr.t('errors.notACommand', { command: commandAsTyped(inv.command) }), undefined, tr);
      const denied = await this.#checkAccess(command, inv, tr);
      if (denied) return denied;
      const now = this.newsroom.clock.now();
      const args = this.#parseArgs(command, wellFormedInput(inv.input), now, tr);
      if (!args.ok) return usageDoc(args.error, command, tr);
      const refused = await this.#checkAccessWithArgs(command, inv, args.value, tr);
      if (refused) return refused;
      return await command.run(this.#context(inv, now, tr, language), args.value);
    } catch (e) {
      if (e instanceof UsageError) return usageDoc(e.message, command, tr);
      this.log.error(
        { err: e, command: command?.name, platform: inv.platform, chat: inv.chat.id, updateId: inv.updateId },
        'command failed',
      );
      return apologyDoc(tr);
    }
  }

  /**
   * Answers a pressed button: the command its data names checks who may press it, exactly as if
   * its text had been typed, then says what changed, in the presser's language. A button of a
   * command that takes no presses (or of an old message) gets a notice that it is no longer in use.
   */
  async press(press: Press): Promise<PressReply> {
    const space = press.data.indexOf(' ');
    const name = space < 0 ? press.data : press.data.slice(0, space);
    const text = space < 0 ? '' : press.data.slice(space + 1);
    const command = this.find(name, press.platform);
    const inv: Invocation = { ...press, command: name, input: { text } };
    let tr = translatorFor(this.newsroom.defaultLanguage);
    try {
      const language = await this.#languages(inv);
      tr = translatorFor(language.forReplies);
      if (!command?.press) return { notice: tr.t('errors.oldButton') };
      const denied = await this.#checkAccess(command, inv, tr);
      if (denied) return { notice: firstText(denied) };
      const now = this.newsroom.clock.now();
      const args = this.#parseArgs(command, wellFormedInput(inv.input), now, tr);
      if (!args.ok) return { notice: `⚠️ ${args.error}` };
      const refused = await this.#checkAccessWithArgs(command, inv, args.value, tr);
      if (refused) return { notice: firstText(refused) };
      return await command.press(this.#context(inv, now, tr, language), args.value, press.view);
    } catch (e) {
      if (e instanceof UsageError) return { notice: `⚠️ ${e.message}` };
      this.log.error(
        {
          err: e,
          command: command?.name,
          platform: press.platform,
          chat: press.chat.id,
          updateId: press.updateId,
        },
        'button press failed',
      );
      return { notice: firstText(apologyDoc(tr)) };
    }
  }

  #context(inv: Invocation, now: Date, tr: Translator, language: CommandContext['language']): CommandContext {
    return {
      chat: inv.chat,
      chatKind: inv.chatKind,
      ...(inv.chatTitle !== undefined && { chatTitle: inv.chatTitle }),
      ...(inv.user !== undefined && { user: inv.user }),
      now,
      newsroom: this.newsroom,
      commands: this.commandsFor(inv.platform),
      isEditor: this.isEditor(inv.user),
      tr,
      language,
      ...(this.wire !== undefined && { wire: this.wire }),
      ...(this.desk !== undefined && { desk: this.desk }),
    };
  }

  /** The stricter check of {@link Command.accessWithArgs}, when any argument was given. */
  async #checkAccessWithArgs(
    command: Command,
    inv: Invocation,
    args: Readonly<Record<string, unknown>>,
    tr: Translator,
  ): Promise<Doc | undefined> {
    if (!command.accessWithArgs || Object.values(args).every((v) => v === undefined)) return undefined;
    return this.#checkAccess({ ...command, access: command.accessWithArgs }, inv, tr);
  }

  async #checkAccess(command: Command, inv: Invocation, tr: Translator): Promise<Doc | undefined> {
    if (command.access === 'editor') {
      if (!inv.user)
        return usageDoc(tr.t('errors.editorInChannel', { command: command.name }), undefined, tr);
      if (!this.isEditor(inv.user))
        return usageDoc(tr.t('errors.editorOnly', { command: command.name }), undefined, tr);
    }
    if (command.access === 'chatAdmin' && inv.chatKind !== 'private' && !(await inv.isChatAdmin())) {
      return usageDoc(tr.t('errors.chatAdminOnly', { command: command.name }), undefined, tr);
    }
    return undefined;
  }

  #parseArgs(
    command: Command,
    input: Invocation['input'],
    now: Date,
    tr: Translator,
  ): Result<Record<string, unknown>> {
    const names = Object.keys(command.args);
    let raw: RawArgs;
    if ('text' in input) {
      const split = command.splitText
        ? command.splitText(input.text, tr)
        : splitPositional(names, input.text, tr);
      if (!split.ok) return split;
      raw = split.value;
    } else {
      raw = input.options;
    }
    const env = { topics: this.newsroom.topics, now, timezone: this.newsroom.settings.timezone, tr };
    const values: Record<string, unknown> = {};
    for (const name of names) {
      const parsed = command.args[name]!.parse(raw[name], env);
      if (!parsed.ok) return parsed;
      values[name] = parsed.value;
    }
    return { ok: true, value: values };
  }
}

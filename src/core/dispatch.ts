import type { Wire } from '../wire/wire.js';
import type { ChatKind, ChatRef, Platform, UserRef } from './chat.js';
import {
  type Command,
  type CommandContext,
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
export function usageDoc(problem: string, command?: Command): Doc {
  const blocks: Block[] = [{ type: 'paragraph', text: `⚠️ ${problem}` }];
  if (command) {
    const examples = command.examples?.length ? ` — e.g. ${command.examples.join('  ·  ')}` : '';
    blocks.push({ type: 'paragraph', text: `Usage: ${command.usage}${examples}`, style: 'muted' });
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

/** A document's first paragraph, as a one-line notice. */
function firstText(doc: Doc): string {
  const block = doc.blocks.find((b) => b.type === 'paragraph');
  return block?.type === 'paragraph' ? block.text : (doc.title ?? '');
}

/** The sorry reply to a bug; the details go to the log only. */
export const APOLOGY: Doc = {
  blocks: [
    {
      type: 'paragraph',
      text: 'Sorry, something went wrong on our side. The error was logged; please try again later.',
    },
  ],
  tone: 'error',
  private: true,
};

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

  /** Runs an invocation and returns the reply. */
  async dispatch(inv: Invocation): Promise<Doc> {
    const command = this.find(inv.command, inv.platform);
    if (!command) return usageDoc(`${commandAsTyped(inv.command)} is not a command here. /help lists them.`);
    try {
      const denied = await this.#checkAccess(command, inv);
      if (denied) return denied;
      const now = this.newsroom.clock.now();
      const args = this.#parseArgs(command, wellFormedInput(inv.input), now);
      if (!args.ok) return usageDoc(args.error, command);
      return await command.run(this.#context(inv, now), args.value);
    } catch (e) {
      if (e instanceof UsageError) return usageDoc(e.message, command);
      this.log.error(
        { err: e, command: command.name, platform: inv.platform, chat: inv.chat.id, updateId: inv.updateId },
        'command failed',
      );
      return APOLOGY;
    }
  }

  /**
   * Answers a pressed button: the command its data names checks who may press it, exactly as if
   * its text had been typed, then says what changed. A button of a command that takes no presses
   * (or of an old message) gets a notice that it is no longer in use.
   */
  async press(press: Press): Promise<PressReply> {
    const space = press.data.indexOf(' ');
    const name = space < 0 ? press.data : press.data.slice(0, space);
    const text = space < 0 ? '' : press.data.slice(space + 1);
    const command = this.find(name, press.platform);
    if (!command?.press) return { notice: 'This button is no longer in use.' };
    const inv: Invocation = { ...press, command: command.name, input: { text } };
    try {
      const denied = await this.#checkAccess(command, inv);
      if (denied) return { notice: firstText(denied) };
      const now = this.newsroom.clock.now();
      const args = this.#parseArgs(command, wellFormedInput(inv.input), now);
      if (!args.ok) return { notice: `⚠️ ${args.error}` };
      return await command.press(this.#context(inv, now), args.value, press.view);
    } catch (e) {
      if (e instanceof UsageError) return { notice: `⚠️ ${e.message}` };
      this.log.error(
        {
          err: e,
          command: command.name,
          platform: press.platform,
          chat: press.chat.id,
          updateId: press.updateId,
        },
        'button press failed',
      );
      return { notice: firstText(APOLOGY) };
    }
  }

  #context(inv: Invocation, now: Date): CommandContext {
    return {
      chat: inv.chat,
      chatKind: inv.chatKind,
      ...(inv.chatTitle !== undefined && { chatTitle: inv.chatTitle }),
      ...(inv.user !== undefined && { user: inv.user }),
      now,
      newsroom: this.newsroom,
      commands: this.commandsFor(inv.platform),
      isEditor: this.isEditor(inv.user),
      ...(this.wire !== undefined && { wire: this.wire }),
      ...(this.desk !== undefined && { desk: this.desk }),
    };
  }

  async #checkAccess(command: Command, inv: Invocation): Promise<Doc | undefined> {
    if (command.access === 'editor') {
      if (!inv.user)
        return usageDoc(
          `/${command.name} is for editors. Channel posts carry no user, so editor commands work only in private chats and groups, where your user id is known.`,
        );
      if (!this.isEditor(inv.user)) return usageDoc(`/${command.name} is for the newsroom's editors only.`);
    }
    if (command.access === 'chatAdmin' && inv.chatKind !== 'private' && !(await inv.isChatAdmin())) {
      return usageDoc(`Only this chat's admins can use /${command.name} here.`);
    }
    return undefined;
  }

  #parseArgs(command: Command, input: Invocation['input'], now: Date): Result<Record<string, unknown>> {
    const names = Object.keys(command.args);
    let raw: RawArgs;
    if ('text' in input) {
      const split = command.splitText ? command.splitText(input.text) : splitPositional(names, input.text);
      if (!split.ok) return split;
      raw = split.value;
    } else {
      raw = input.options;
    }
    const env = { topics: this.newsroom.topics, now, timezone: this.newsroom.settings.timezone };
    const values: Record<string, unknown> = {};
    for (const name of names) {
      const parsed = command.args[name]!.parse(raw[name], env);
      if (!parsed.ok) return parsed;
      values[name] = parsed.value;
    }
    return { ok: true, value: values };
  }
}

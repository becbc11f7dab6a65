import type { Wire } from '../wire/wire.js';
import type { ChatKind, ChatRef, Platform, UserRef } from './chat.js';
import type { DeskLinks } from './desk.js';
import type { Doc } from './document.js';
import type { Newsroom } from './newsroom.js';
import {
  parseCount,
  parseDate,
  parseItemId,
  parseTime,
  parseTimezone,
  parseTopic,
  parseTopicList,
} from './parse.js';
import { err, ok, type Result } from './result.js';
import type { Topic, TopicCatalog } from './topics.js';

/** Who may run a command. */
export type Access =
  /** Anyone who can talk to the bot. */
  | 'anyone'
  /** In a private chat anyone; in a group, server or channel only its admins. */
  | 'chatAdmin'
  /** The user ids in `ADMIN_TELEGRAM_IDS` / `ADMIN_DISCORD_IDS`; the console's local user. */
  | 'editor';

/** What argument parsers may consult. */
export interface ParseEnv {
  readonly topics: TopicCatalog;
  readonly now: Date;
  /** The newsroom's time zone, for `today` and `yesterday`. */
  readonly timezone: string;
}

/** How an argument is offered as a Discord slash-command option. */
export interface OptionShape {
  readonly type: 'string' | 'integer' | 'boolean';
  /** Suggest values while typing: one topic, a comma-separated topic list, or a time zone. */
  readonly autocomplete?: 'topics' | 'timezone';
  /** Offer the topics, or these words, as fixed choices. */
  readonly choices?: 'topic' | readonly string[];
  readonly minValue?: number;
  readonly maxValue?: number;
  readonly maxLength?: number;
}

/** One typed argument of a command: how it is described, offered and parsed. */
export interface ArgSpec<T> {
  readonly description: string;
  readonly required: boolean;
  /** How a usage line writes it: `<topic>` or `[count]`. */
  readonly placeholder: string;
  readonly option: OptionShape;
  /** Turns the raw text (absent when not given) into the value, or says what is wrong. */
  parse(raw: string | undefined, env: ParseEnv): Result<T>;
}

/** The parsed values of a command's arguments. */
export type ArgValues<S> = { [K in keyof S]: S[K] extends ArgSpec<infer T> ? T : never };

/** Raw argument text by name, as a text syntax or Discord's options deliver it. */
export type RawArgs = Readonly<Record<string, string | undefined>>;

/** What a handler knows about the call. */
export interface CommandContext {
  readonly chat: ChatRef;
  readonly chatKind: ChatKind;
  readonly chatTitle?: string;
  /** Absent for Telegram channel posts, which carry no user. */
  readonly user?: UserRef;
  readonly now: Date;
  readonly newsroom: Newsroom;
  /** The commands this platform serves, for `/help`. */
  readonly commands: readonly Command[];
  /** Whether the caller is an editor. */
  readonly isEditor: boolean;
  /** The desk's sign-in links; absent when the desk is off. */
  readonly desk?: DeskLinks;
  /** The news wire (feeds and drafts), when the app runs one. */
  readonly wire?: Wire;
}

/** What pressing a button under a message does: a short notice for the presser and the message's new content. */
export interface PressReply {
  /** Shown briefly to the person who pressed (Telegram's callback answer; Discord: an ephemeral note). */
  readonly notice?: string;
  /** Replaces the message the button was under. */
  readonly doc?: Doc;
}

/** A field of the form Discord opens when `/post` or `/edit` lacks its text. */
export interface FormField {
  readonly arg: string;
  readonly label: string;
  readonly style: 'short' | 'paragraph';
  readonly maxLength: number;
  readonly required: boolean;
}

/** A command, defined once and served by every adapter. */
export interface Command<
  S extends Readonly<Record<string, ArgSpec<unknown>>> = Readonly<Record<string, ArgSpec<unknown>>>,
> {
  /** `[a-z0-9_]{1,32}`: valid on Discord and Telegram alike. */
  readonly name: string;
  /** 1–100 characters (Discord's limit, stricter than Telegram's 256). */
  readonly description: string;
  readonly access: Access;
  /** Only these platforms offer it; absent means all. */
  readonly platforms?: readonly Platform[];
  /** Arguments in the order the text syntax takes them. */
  readonly args: S;
  /** The text form, e.g. `/topic <topic> [count]`. */
  readonly usage: string;
  /** Example text invocations, shown with usage mistakes. */
  readonly examples?: readonly string[];
  /**
   * Splits the text after the command into raw arguments; without it the words are taken in order
   * and the last argument takes the rest of the line.
   */
  splitText?(rest: string): Result<RawArgs>;
  /**
   * Discord: a form (modal) to open when any of `needs` is missing. Arguments that are form fields
   * are optional slash-command options there; the form asks for what is missing.
   */
  readonly form?: {
    readonly title: string;
    readonly needs: readonly string[];
    readonly fields: readonly FormField[];
    /** Values to show in the form beyond those given (`/edit` shows the item as it is). */
    prefill?(newsroom: Newsroom, given: RawArgs): Promise<RawArgs>;
  };
  run(ctx: CommandContext, args: ArgValues<S>): Promise<Doc>;
  /**
   * Answers a button whose data names this command (see `Action`): `view` holds the data of every
   * button on the same message, so the message can be drawn again with its new state.
   */
  press?(ctx: CommandContext, args: ArgValues<S>, view: readonly string[]): Promise<PressReply>;
}

/** Defines a command with its argument types inferred (`satisfies` alone cannot infer `run`'s argument). */
export function defineCommand<S extends Readonly<Record<string, ArgSpec<unknown>>>>(
  command: Command<S>,
): Command {
  return command as unknown as Command;
}

/** Takes words in order, the last argument taking the rest of the line. */
export function splitPositional(names: readonly string[], rest: string): Result<RawArgs> {
  const words = rest.trim() === '' ? [] : rest.trim().split(/\s+/);
  if (names.length === 0) return words.length === 0 ? ok({}) : err('This command takes no arguments.');
  const raw: Record<string, string> = {};
  names.forEach((name, i) => {
    const word = i === names.length - 1 ? words.slice(i).join(' ') : words[i];
    if (word !== undefined && word !== '') raw[name] = word;
  });
  return ok(raw);
}

function spec<T>(
  description: string,
  placeholder: string,
  required: boolean,
  option: OptionShape,
  parse: (raw: string | undefined, env: ParseEnv) => Result<T>,
): ArgSpec<T> {
  return {
    description,
    placeholder: required ? `<${placeholder}>` : `[${placeholder}]`,
    required,
    option,
    parse,
  };
}

function missing(placeholder: string): Result<never> {
  return err(`The ${placeholder} is missing.`);
}

/** Builders for the argument kinds commands use; each parses with the shared parsers in `parse.ts`. */
export const arg = {
  /** One topic, by slug or alias. */
  topic: (o: { description: string; required: true }): ArgSpec<Topic> =>
    spec(o.description, 'topic', true, { type: 'string', choices: 'topic' }, (raw, env) =>
      raw === undefined ? missing('topic') : parseTopic(raw, env.topics),
    ),
  /** A whole number in a range, with a default. */
  int: (o: {
    description: string;
    min: number;
    max: number;
    default: number;
    name: string;
  }): ArgSpec<number> =>
    spec(o.description, o.name, false, { type: 'integer', minValue: o.min, maxValue: o.max }, (raw) =>
      raw === undefined ? ok(o.default) : parseCount(raw, o.min, o.max),
    ),
  /** An item id. */
  itemId: (o: { description: string }): ArgSpec<number> =>
    spec(o.description, 'id', true, { type: 'integer', minValue: 1 }, (raw) =>
      raw === undefined ? missing('item id') : parseItemId(raw),
    ),
  /** A date: `YYYY-MM-DD`, `today` or `yesterday`. */
  date: (o: { description: string }): ArgSpec<string | undefined> =>
    spec(o.description, 'date', false, { type: 'string', maxLength: 10 }, (raw, env) =>
      raw === undefined ? ok(undefined) : parseDate(raw, env.now, env.timezone),
    ),
  /** A topic list (comma- or space-separated) or `all`; `[]` means all. */
  topics: (o: { description: string }): ArgSpec<string[] | undefined> =>
    spec(
      o.description,
      'topics…',
      false,
      { type: 'string', autocomplete: 'topics', maxLength: 200 },
      (raw, env) => (raw === undefined ? ok(undefined) : parseTopicList(raw, env.topics)),
    ),
  /** A time of day `HH:MM`. */
  time: (o: { description: string }): ArgSpec<string | undefined> =>
    spec(o.description, 'HH:MM', false, { type: 'string', maxLength: 5 }, (raw) =>
      raw === undefined ? ok(undefined) : parseTime(raw),
    ),
  /** An IANA time zone. */
  timezone: (o: { description: string }): ArgSpec<string | undefined> =>
    spec(
      o.description,
      'timezone',
      false,
      { type: 'string', autocomplete: 'timezone', maxLength: 64 },
      (raw) => (raw === undefined ? ok(undefined) : parseTimezone(raw)),
    ),
  /** Free text; `required` decides whether absence is a mistake. Length limits are checked by item validation. */
  text: <R extends boolean>(o: {
    description: string;
    name: string;
    required: R;
    maxLength: number;
  }): ArgSpec<R extends true ? string : string | undefined> =>
    spec(o.description, o.name, o.required, { type: 'string', maxLength: o.maxLength }, (raw) => {
      const value = raw?.trim();
      if (value === undefined || value === '') return o.required ? missing(o.name) : ok(undefined as never);
      return ok(value as never);
    }),
};

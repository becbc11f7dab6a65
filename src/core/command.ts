import type { LanguageCode, MessageKey, MessageValues, Translator } from '../i18n/translator.js';
import type { Wire } from '../wire/wire.js';
import type { ChatKind, ChatRef, Platform, UserRef } from './chat.js';
import type { DeskLinks } from './desk.js';
import type { Doc } from './document.js';
import type { Newsroom } from './newsroom.js';
import {
  parseCount,
  parseDate,
  parseItemId,
  parseLanguage,
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
  /** The language mistakes are explained in. */
  readonly tr: Translator;
}

/** How an argument is offered as a Discord slash-command option. */
export interface OptionShape {
  readonly type: 'string' | 'integer' | 'boolean';
  /** Suggest values while typing: one topic, a comma-separated topic list, or a time zone. */
  readonly autocomplete?: 'topics' | 'timezone';
  /**
   * Offer the topics, the languages, or these words as fixed choices (a word's label in each
   * language is `commands.<name>.choices.<word>` in the catalog; the value is the word).
   */
  readonly choices?: 'topic' | 'language' | readonly string[];
  readonly minValue?: number;
  readonly maxValue?: number;
  readonly maxLength?: number;
}

/** One typed argument of a command: how it is described, offered and parsed. */
export interface ArgSpec<T> {
  /** Values for the placeholders of its description (`commands.<name>.args.<arg>` in the catalog). */
  readonly describe?: MessageValues;
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
  /** The language of the reply. */
  readonly tr: Translator;
  /**
   * The chat's language, if it has one (chosen with `/language`, or fixed by `/subscribe`); the
   * reply's (`tr`'s); and the one posts to the whole chat would take (Discord: the server's).
   */
  readonly language: {
    readonly chosen?: LanguageCode;
    readonly forReplies: LanguageCode;
    readonly forPosts: LanguageCode;
  };
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
  readonly label: MessageKey;
  readonly style: 'short' | 'paragraph';
  readonly maxLength: number;
  readonly required: boolean;
}

/**
 * A command, defined once and served by every adapter. Its words are in the message catalog, by
 * its name: `commands.<name>.description` (1–100 characters), `.usage` (starting `/<name>`),
 * `.examples` (optional) and `.args.<arg>` for each argument; see {@link commandText}.
 */
export interface Command<
  S extends Readonly<Record<string, ArgSpec<unknown>>> = Readonly<Record<string, ArgSpec<unknown>>>,
> {
  /** `[a-z0-9_]{1,32}`: valid on Discord and Telegram alike. */
  readonly name: string;
  readonly access: Access;
  /**
   * Who may run it with arguments, when that is stricter than {@link access}: `/language` shows
   * the chat's language to anyone and lets only those who may `/subscribe` change it.
   */
  readonly accessWithArgs?: Access;
  /** Only these platforms offer it; absent means all. */
  readonly platforms?: readonly Platform[];
  /** Arguments in the order the text syntax takes them. */
  readonly args: S;
  /**
   * Splits the text after the command into raw arguments; without it the words are taken in order
   * and the last argument takes the rest of the line.
   */
  splitText?(rest: string, tr: Translator): Result<RawArgs>;
  /**
   * Discord: a form (modal) to open when any of `needs` is missing. Arguments that are form fields
   * are optional slash-command options there; the form asks for what is missing.
   */
  readonly form?: {
    readonly title: MessageKey;
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

/** A command's words in one language, from the catalog. */
export interface CommandText {
  readonly description: string;
  /** The text form, e.g. `/topic <topic> [count]`. */
  readonly usage: string;
  /** Example invocations shown with usage mistakes, `·`-separated; absent when it has none. */
  readonly examples?: string;
  /** Each argument's description (Discord's option descriptions). */
  argument(name: string): string | undefined;
  /** The label of a word offered as a choice (`list` → `列出`). */
  choice(word: string): string | undefined;
}

/** The words of `command` in `tr`'s language (empty strings where the catalog lacks them, which the index check refuses). */
export function commandText(command: Command, tr: Translator): CommandText {
  const base = `commands.${command.name}`;
  const examples = tr.lookup(`${base}.examples`);
  return {
    description: tr.lookup(`${base}.description`) ?? '',
    usage: tr.lookup(`${base}.usage`) ?? '',
    ...(examples !== undefined && { examples }),
    argument: (name) => {
      const spec = command.args[name];
      return spec && tr.lookup(`${base}.args.${name}`, spec.describe);
    },
    choice: (word) => tr.lookup(`${base}.choices.${word}`),
  };
}

/** Takes words in order, the last argument taking the rest of the line. */
export function splitPositional(names: readonly string[], rest: string, tr: Translator): Result<RawArgs> {
  const words = rest.trim() === '' ? [] : rest.trim().split(/\s+/);
  if (names.length === 0) return words.length === 0 ? ok({}) : err(tr.t('errors.noArguments'));
  const raw: Record<string, string> = {};
  names.forEach((name, i) => {
    const word = i === names.length - 1 ? words.slice(i).join(' ') : words[i];
    if (word !== undefined && word !== '') raw[name] = word;
  });
  return ok(raw);
}

function spec<T>(
  placeholder: string,
  required: boolean,
  option: OptionShape,
  parse: (raw: string | undefined, env: ParseEnv) => Result<T>,
  describe?: MessageValues,
): ArgSpec<T> {
  return {
    placeholder: required ? `<${placeholder}>` : `[${placeholder}]`,
    required,
    option,
    parse,
    ...(describe !== undefined && { describe }),
  };
}

/** What can be missing, as the catalog's `missing.*` names it. */
type Missing = 'topic' | 'itemId' | 'headline' | 'body';

function missing(what: Missing, env: ParseEnv): Result<never> {
  return err(env.tr.t(`missing.${what}`));
}

/** Builders for the argument kinds commands use; each parses with the shared parsers in `parse.ts`. */
export const arg = {
  /** One topic, by slug or alias. */
  topic: (_o: { required: true }): ArgSpec<Topic> =>
    spec('topic', true, { type: 'string', choices: 'topic' }, (raw, env) =>
      raw === undefined ? missing('topic', env) : parseTopic(raw, env.topics, env.tr),
    ),
  /** A whole number in a range, with a default. */
  int: (o: { min: number; max: number; default: number; name: string }): ArgSpec<number> =>
    spec(
      o.name,
      false,
      { type: 'integer', minValue: o.min, maxValue: o.max },
      (raw, env) => (raw === undefined ? ok(o.default) : parseCount(raw, o.min, o.max, env.tr)),
      { min: o.min, max: o.max, default: o.default },
    ),
  /** An item id. */
  itemId: (): ArgSpec<number> =>
    spec('id', true, { type: 'integer', minValue: 1 }, (raw, env) =>
      raw === undefined ? missing('itemId', env) : parseItemId(raw, env.tr),
    ),
  /** A date: `YYYY-MM-DD`, `today` or `yesterday` (`今天`, `昨天`). */
  date: (): ArgSpec<string | undefined> =>
    spec('date', false, { type: 'string', maxLength: 10 }, (raw, env) =>
      raw === undefined ? ok(undefined) : parseDate(raw, env.now, env.timezone, env.tr),
    ),
  /** A topic list (comma- or space-separated) or `all`; `[]` means all. */
  topics: (): ArgSpec<string[] | undefined> =>
    spec('topics…', false, { type: 'string', autocomplete: 'topics', maxLength: 200 }, (raw, env) =>
      raw === undefined ? ok(undefined) : parseTopicList(raw, env.topics, env.tr),
    ),
  /** A time of day `HH:MM`. */
  time: (): ArgSpec<string | undefined> =>
    spec('HH:MM', false, { type: 'string', maxLength: 5 }, (raw, env) =>
      raw === undefined ? ok(undefined) : parseTime(raw, env.tr),
    ),
  /** An IANA time zone. */
  timezone: (): ArgSpec<string | undefined> =>
    spec('timezone', false, { type: 'string', autocomplete: 'timezone', maxLength: 64 }, (raw, env) =>
      raw === undefined ? ok(undefined) : parseTimezone(raw, env.tr),
    ),
  /** One of the languages Briefcast speaks, by code or name (`zh`, `en`, `中文`); absent shows the current one. */
  language: (): ArgSpec<LanguageCode | undefined> =>
    spec('language', false, { type: 'string', choices: 'language' }, (raw, env) =>
      raw === undefined ? ok(undefined) : parseLanguage(raw, env.tr),
    ),
  /** Free text; `required` decides whether absence is a mistake. Length limits are checked by item validation. */
  text: <R extends boolean>(o: {
    name: string;
    required: R;
    maxLength: number;
    /** What the reply says when it is required and missing. */
    missing?: Missing;
  }): ArgSpec<R extends true ? string : string | undefined> =>
    spec(o.name, o.required, { type: 'string', maxLength: o.maxLength }, (raw, env) => {
      const value = raw?.trim();
      if (value === undefined || value === '')
        return o.required ? missing(o.missing ?? 'body', env) : ok(undefined as never);
      return ok(value as never);
    }),
};

import type { ArgSpec, OptionShape, ParseEnv, RawArgs } from '../core/command.js';
import { parseTopic } from '../core/parse.js';
import { err, ok, type Result } from '../core/result.js';
import { quoted } from '../core/user-text.js';
import type { Translator } from '../i18n/translator.js';

/**
 * Builds an argument spec: `required` decides the placeholder's brackets. Its description is the
 * command's `commands.<name>.args.<arg>` in the catalog.
 */
function spec<T>(
  placeholder: string,
  required: boolean,
  option: OptionShape,
  parse: (raw: string | undefined, env: ParseEnv) => Result<T>,
): ArgSpec<T> {
  return {
    placeholder: required ? `<${placeholder}>` : `[${placeholder}]`,
    required,
    option,
    parse,
  };
}

/**
 * One of a few words, offered as choices on Discord (labelled in each language by the catalog's
 * `commands.<name>.choices.<word>`); `fallback` when absent. The text form takes the word itself.
 */
export function choiceArg<W extends string>(o: { words: readonly W[]; fallback: W }): ArgSpec<W> {
  return spec(o.words.join('|'), false, { type: 'string', choices: o.words }, (raw, env) => {
    if (raw === undefined) return ok(o.fallback);
    const word = raw.trim().toLowerCase() as W;
    return o.words.includes(word)
      ? ok(word)
      : err(env.tr.t('wire.args.notOneOf', { text: quoted(raw), words: env.tr.list(o.words) }));
  });
}

/** An optional topic, by slug or alias (in any language); absent means none. */
export function optionalTopicArg(): ArgSpec<string | undefined> {
  return spec('topic', false, { type: 'string', choices: 'topic' }, (raw, env) => {
    if (raw === undefined || raw.trim() === '') return ok(undefined);
    const topic = parseTopic(raw, env.topics, env.tr);
    return topic.ok ? ok(topic.value.slug) : topic;
  });
}

/** Free text, trimmed; absent or blank means none. */
export function optionalTextArg(name: string, maxLength: number): ArgSpec<string | undefined> {
  return spec(name, false, { type: 'string', maxLength }, (raw) => {
    const value = raw?.trim();
    return ok(value === undefined || value === '' ? undefined : value);
  });
}

/** Words that say yes or no (a Discord boolean arrives as `true` / `false`). */
const YES = new Set(['auto', 'true', 'yes', 'on', '1']);
const NO = new Set(['false', 'no', 'off', '0', 'review']);

/** A yes/no flag: the word `auto` in text, a boolean option on Discord. */
export function autoArg(): ArgSpec<boolean> {
  return spec('auto', false, { type: 'boolean' }, (raw, env) => {
    if (raw === undefined) return ok(false);
    const word = raw.trim().toLowerCase();
    if (YES.has(word)) return ok(true);
    if (NO.has(word)) return ok(false);
    return err(env.tr.t('wire.args.notAuto', { text: quoted(raw) }));
  });
}

/**
 * Splits `ACTION [TARGET] [WORDS…]` where the words after the target may come in any order: each is
 * given to the first of `flexible` whose test accepts it, and a word none accepts is a mistake.
 */
export function splitActionText(
  rest: string,
  flexible: readonly { name: string; accepts: (word: string) => boolean }[],
  tr: Translator,
): Result<RawArgs> {
  const words = rest.trim() === '' ? [] : rest.trim().split(/\s+/);
  const [action, target, ...others] = words;
  const raw: Record<string, string> = {};
  if (action !== undefined) raw.action = action;
  if (target !== undefined) raw.target = target;
  for (const word of others) {
    const slot = flexible.find((f) => raw[f.name] === undefined && f.accepts(word));
    if (!slot) return err(tr.t('wire.args.unexpected', { text: quoted(word) }));
    raw[slot.name] = word;
  }
  return ok(raw);
}

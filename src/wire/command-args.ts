import type { ArgSpec, OptionShape, ParseEnv, RawArgs } from '../core/command.js';
import { parseTopic } from '../core/parse.js';
import { err, ok, type Result } from '../core/result.js';
import { quoted } from '../core/user-text.js';

/** Builds an argument spec: `required` decides the placeholder's brackets. */
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

/** One of a few words, offered as choices on Discord; `fallback` when absent. */
export function choiceArg<W extends string>(o: {
  description: string;
  name: string;
  words: readonly W[];
  fallback: W;
}): ArgSpec<W> {
  return spec(o.description, o.words.join('|'), false, { type: 'string', choices: o.words }, (raw) => {
    if (raw === undefined) return ok(o.fallback);
    const word = raw.trim().toLowerCase() as W;
    return o.words.includes(word) ? ok(word) : err(`${quoted(raw)} is not one of ${o.words.join(', ')}.`);
  });
}

/** An optional topic, by slug or alias; absent means none. */
export function optionalTopicArg(description: string): ArgSpec<string | undefined> {
  return spec(description, 'topic', false, { type: 'string', choices: 'topic' }, (raw, env) => {
    if (raw === undefined || raw.trim() === '') return ok(undefined);
    const topic = parseTopic(raw, env.topics);
    return topic.ok ? ok(topic.value.slug) : topic;
  });
}

/** Free text, trimmed; absent or blank means none. */
export function optionalTextArg(
  description: string,
  name: string,
  maxLength: number,
): ArgSpec<string | undefined> {
  return spec(description, name, false, { type: 'string', maxLength }, (raw) => {
    const value = raw?.trim();
    return ok(value === undefined || value === '' ? undefined : value);
  });
}

/** Words that say yes or no (a Discord boolean arrives as `true` / `false`). */
const YES = new Set(['auto', 'true', 'yes', 'on', '1']);
const NO = new Set(['false', 'no', 'off', '0', 'review']);

/** A yes/no flag: the word `auto` in text, a boolean option on Discord. */
export function autoArg(description: string): ArgSpec<boolean> {
  return spec(description, 'auto', false, { type: 'boolean' }, (raw) => {
    if (raw === undefined) return ok(false);
    const word = raw.trim().toLowerCase();
    if (YES.has(word)) return ok(true);
    if (NO.has(word)) return ok(false);
    return err(`${quoted(raw)} is not "auto"; leave it out to review each entry.`);
  });
}

/**
 * Splits `ACTION [TARGET] [WORDS…]` where the words after the target may come in any order: each is
 * given to the first of `flexible` whose test accepts it, and a word none accepts is a mistake.
 */
export function splitActionText(
  rest: string,
  flexible: readonly { name: string; accepts: (word: string) => boolean }[],
): Result<RawArgs> {
  const words = rest.trim() === '' ? [] : rest.trim().split(/\s+/);
  const [action, target, ...others] = words;
  const raw: Record<string, string> = {};
  if (action !== undefined) raw.action = action;
  if (target !== undefined) raw.target = target;
  for (const word of others) {
    const slot = flexible.find((f) => raw[f.name] === undefined && f.accepts(word));
    if (!slot) return err(`${quoted(word)} is not expected here.`);
    raw[slot.name] = word;
  }
  return ok(raw);
}

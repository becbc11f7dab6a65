import { type Translator, translators } from '../i18n/translator.js';
import { type Command, commandText } from './command.js';

/** Telegram's rule for bot command names, and Discord's for lowercase slash-command and option names. */
const TELEGRAM_NAME = /^[a-z0-9_]{1,32}$/;
const DISCORD_NAME = /^[-_'\p{Ll}\p{Lo}\p{N}]{1,32}$/u;
/** Discord allows 1–100 characters of description; Telegram 1–256. */
const DESCRIPTION_MAX = 100;
/** Discord allows 1–100 characters for a choice's name. */
const CHOICE_NAME_MAX = 100;
/** Discord allows at most 25 options per command. */
const OPTIONS_MAX = 25;
/** A Discord modal holds at most 5 components. */
const FORM_FIELDS_MAX = 5;

/**
 * Every way `commands` breaks a platform's rules, one sentence each; their words are checked in
 * every language of `languages` (all by default), since each is registered with the platforms.
 */
export function commandProblems(
  commands: readonly Command[],
  languages: readonly Translator[] = translators(),
): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const c of commands) {
    const where = `command "${c.name}"`;
    if (seen.has(c.name)) problems.push(`${where} is defined twice`);
    seen.add(c.name);
    if (!TELEGRAM_NAME.test(c.name) || !DISCORD_NAME.test(c.name))
      problems.push(`${where}: the name must be 1–32 of a-z, 0-9 and _`);
    const texts = languages.map((tr) => ({ code: tr.language, text: commandText(c, tr) }));
    for (const { code, text } of texts) {
      const lang = languages.length > 1 ? ` (${code})` : '';
      if (text.description.length < 1 || text.description.length > DESCRIPTION_MAX)
        problems.push(`${where}: the description${lang} must be 1–${DESCRIPTION_MAX} characters`);
      if (!text.usage.startsWith(`/${c.name}`))
        problems.push(`${where}: the usage${lang} must start with /${c.name}`);
    }
    const args = Object.entries(c.args);
    if (args.length > OPTIONS_MAX) problems.push(`${where}: at most ${OPTIONS_MAX} arguments`);
    let optionalSeen = false;
    for (const [name, spec] of args) {
      if (!DISCORD_NAME.test(name)) problems.push(`${where}: argument "${name}" is not a valid option name`);
      for (const { code, text } of texts) {
        const description = text.argument(name) ?? '';
        if (description.length < 1 || description.length > DESCRIPTION_MAX)
          problems.push(
            `${where}: argument "${name}" needs a description${languages.length > 1 ? ` (${code})` : ''} of 1–${DESCRIPTION_MAX} characters`,
          );
      }
      if (spec.required && optionalSeen)
        problems.push(`${where}: required argument "${name}" comes after an optional one`);
      if (!spec.required) optionalSeen = true;
      if (spec.option.autocomplete && spec.option.choices)
        problems.push(`${where}: argument "${name}" cannot have both choices and autocomplete`);
      const words = Array.isArray(spec.option.choices) ? (spec.option.choices as readonly string[]) : [];
      for (const word of words)
        for (const { code, text } of texts) {
          const label = text.choice(word) ?? '';
          if (label.length < 1 || label.length > CHOICE_NAME_MAX)
            problems.push(
              `${where}: choice "${word}" of "${name}" needs a label${languages.length > 1 ? ` (${code})` : ''} of 1–${CHOICE_NAME_MAX} characters`,
            );
        }
    }
    if (c.form) {
      if (c.form.fields.length > FORM_FIELDS_MAX)
        problems.push(`${where}: a form holds at most ${FORM_FIELDS_MAX} fields`);
      for (const field of c.form.fields)
        if (!(field.arg in c.args)) problems.push(`${where}: form field "${field.arg}" is not an argument`);
    }
    if (c.platforms?.length === 0) problems.push(`${where}: an empty platform list serves nobody`);
  }
  return problems;
}

/**
 * Returns `commands` if they satisfy both platforms' rules.
 * @throws Error listing every problem, so a bad definition fails a unit test rather than a live registration
 */
export function validateCommands(commands: readonly Command[]): readonly Command[] {
  const problems = commandProblems(commands);
  if (problems.length > 0) throw new Error(`Invalid command definitions:\n- ${problems.join('\n- ')}`);
  return commands;
}

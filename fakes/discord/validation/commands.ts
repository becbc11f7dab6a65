/**
 * Validation of application command bulk overwrites as Discord does it: names, descriptions, option nesting,
 * required-before-optional, choices and autocomplete, duplicate names, and the per-type command counts. Pure.
 *
 * @see https://discord.com/developers/docs/interactions/application-commands
 */
import { COMMAND_TYPE, OPTION_TYPE } from '../protocol.js';
import { type Checked, FormErrors, invalid, isRecord } from '../replies.js';
import type { CommandDefinition } from '../types.js';
import { checkText } from './messages.js';
import { LIMIT } from './payload-limits.js';

/** CHAT_INPUT names: `^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$`, lowercase where possible. */
const CHAT_INPUT_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

function checkChatInputName(errors: FormErrors, path: readonly (string | number)[], name: unknown): void {
  if (typeof name !== 'string') {
    errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
  } else if (!CHAT_INPUT_NAME.test(name)) {
    errors.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name is invalid');
  } else if (name !== name.toLowerCase()) {
    errors.add(path, 'APPLICATION_COMMAND_INVALID_NAME', 'Command name must be lowercase');
  }
}

const CHOICE_TYPES: ReadonlySet<unknown> = new Set([
  OPTION_TYPE.string,
  OPTION_TYPE.integer,
  OPTION_TYPE.number,
]);

function checkOptions(
  errors: FormErrors,
  path: readonly (string | number)[],
  options: unknown,
  level: 'command' | 'group' | 'subcommand',
): void {
  if (options === undefined || options === null) return;
  if (!Array.isArray(options)) {
    errors.add(path, 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
    return;
  }
  if (options.length > LIMIT.options) errors.maxLength(path, LIMIT.options);
  const names = new Set<string>();
  let sawOptional = false;
  let sawSubcommand = false;
  let sawValue = false;
  options.forEach((option: unknown, i) => {
    const at = [...path, i];
    if (!isRecord(option)) {
      errors.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    const type = option.type;
    if (typeof type !== 'number' || type < OPTION_TYPE.subcommand || type > OPTION_TYPE.attachment) {
      errors.add([...at, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of 1..11.');
      return;
    }
    checkChatInputName(errors, [...at, 'name'], option.name);
    checkText(errors, [...at, 'description'], option.description, LIMIT.commandDescription, true);
    if (typeof option.name === 'string') {
      if (names.has(option.name)) {
        errors.add(
          [...at, 'name'],
          'APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS',
          'Option names must be unique',
        );
      }
      names.add(option.name);
    }
    const nested = type === OPTION_TYPE.subcommand || type === OPTION_TYPE.subcommandGroup;
    if (nested) {
      sawSubcommand = true;
      if (level === 'subcommand' || (level === 'group' && type === OPTION_TYPE.subcommandGroup)) {
        errors.add(
          [...at, 'type'],
          'APPLICATION_COMMAND_OPTION_TYPE_INVALID',
          'Sub-command nesting is invalid',
        );
      }
      checkOptions(
        errors,
        [...at, 'options'],
        option.options,
        type === OPTION_TYPE.subcommandGroup ? 'group' : 'subcommand',
      );
      return;
    }
    sawValue = true;
    if (level === 'group') {
      errors.add(
        [...at, 'type'],
        'APPLICATION_COMMAND_OPTION_TYPE_INVALID',
        'A group may only hold sub-commands',
      );
    }
    if (option.required === true) {
      if (sawOptional) {
        errors.add(
          [...at, 'required'],
          'APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
          'Required options must be placed before non-required options',
        );
      }
    } else {
      sawOptional = true;
    }
    const choices = option.choices;
    if (choices !== undefined && choices !== null) {
      if (!CHOICE_TYPES.has(type)) {
        errors.add(
          [...at, 'choices'],
          'APPLICATION_COMMAND_OPTION_CHOICES_INVALID',
          'Choices are not allowed here',
        );
      } else if (!Array.isArray(choices)) {
        errors.add([...at, 'choices'], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
      } else {
        if (choices.length > LIMIT.choices) errors.maxLength([...at, 'choices'], LIMIT.choices);
        if (option.autocomplete === true && choices.length > 0) {
          errors.add(
            [...at, 'autocomplete'],
            'APPLICATION_COMMAND_OPTION_AUTOCOMPLETE_CHOICES',
            'Autocomplete cannot be set with choices',
          );
        }
        choices.forEach((choice: unknown, j) => {
          const cat = [...at, 'choices', j];
          if (!isRecord(choice)) {
            errors.add(cat, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
            return;
          }
          checkText(errors, [...cat, 'name'], choice.name, LIMIT.choiceName, true);
          if (type === OPTION_TYPE.string) {
            checkText(errors, [...cat, 'value'], choice.value, LIMIT.choiceStringValue, true);
          } else if (typeof choice.value !== 'number') {
            errors.add([...cat, 'value'], 'NUMBER_TYPE_COERCE', 'Value is not a number.');
          }
        });
      }
    }
    if (option.autocomplete === true && !CHOICE_TYPES.has(type)) {
      errors.add(
        [...at, 'autocomplete'],
        'APPLICATION_COMMAND_OPTION_TYPE_INVALID',
        'Autocomplete is not allowed here',
      );
    }
  });
  if (sawSubcommand && sawValue) {
    errors.add(
      path,
      'APPLICATION_COMMAND_OPTION_TYPE_INVALID',
      'Sub-commands cannot be mixed with other options',
    );
  }
}

/** Validates a bulk-overwrite body against Discord's command rules. */
export function validateCommands(body: unknown): Checked<CommandDefinition[]> {
  const errors = new FormErrors();
  if (!Array.isArray(body)) {
    errors.add([], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
    return invalid(errors.reply() ?? { status: 400 });
  }
  const seen = new Set<string>();
  const perType = new Map<number, number>();
  body.forEach((command: unknown, i) => {
    if (!isRecord(command)) {
      errors.add([i], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    const type = command.type ?? COMMAND_TYPE.chatInput;
    if (typeof type !== 'number' || type < COMMAND_TYPE.chatInput || type > COMMAND_TYPE.primaryEntryPoint) {
      errors.add([i, 'type'], 'BASE_TYPE_CHOICES', 'Value must be one of 1, 2, 3, 4.');
      return;
    }
    perType.set(type, (perType.get(type) ?? 0) + 1);
    if (type === COMMAND_TYPE.chatInput) {
      checkChatInputName(errors, [i, 'name'], command.name);
      checkText(errors, [i, 'description'], command.description, LIMIT.commandDescription, true);
      checkOptions(errors, [i, 'options'], command.options, 'command');
    } else {
      checkText(errors, [i, 'name'], command.name, LIMIT.commandName, true);
      if (typeof command.description === 'string' && command.description.length > 0) {
        errors.add(
          [i, 'description'],
          'APPLICATION_COMMAND_DESCRIPTION_INVALID',
          'Context menu commands have no description',
        );
      }
    }
    const key = `${type}:${String(command.name)}`;
    if (seen.has(key)) {
      errors.add(
        [i, 'name'],
        'APPLICATION_COMMANDS_DUPLICATE_NAME',
        'Application command names must be unique',
      );
    }
    seen.add(key);
  });
  if ((perType.get(COMMAND_TYPE.chatInput) ?? 0) > LIMIT.chatInputCommands) {
    errors.maxLength([], LIMIT.chatInputCommands);
  }
  for (const type of [COMMAND_TYPE.user, COMMAND_TYPE.message]) {
    if ((perType.get(type) ?? 0) > LIMIT.contextMenuCommands) errors.maxLength([], LIMIT.contextMenuCommands);
  }
  const formError = errors.reply();
  return formError ? invalid(formError) : { ok: true, value: body as CommandDefinition[] };
}

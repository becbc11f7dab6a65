import {
  type APILabelComponent,
  type APIModalInteractionResponseCallbackData,
  ComponentType,
  TextInputStyle,
} from 'discord.js';
import type { Command, RawArgs } from '../../core/command.js';
import { sliceWhole } from '../../core/document.js';
import type { Translator } from '../../i18n/translator.js';

/**
 * Discord's modal limits.
 * @see https://discord.com/developers/docs/components/reference#text-input
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-response-object-modal
 */
export const MODAL_LIMITS = {
  customId: 100,
  title: 45,
  label: 45,
  /** A text input's `value` and `max_length`. */
  inputLength: 4000,
} as const;

/** Marks a modal's custom id as one of Briefcast's forms: `form:post`, `form:edit?id=12`. */
const FORM_PREFIX = 'form:';

/**
 * The custom id of a command's form. It carries the command and the given arguments that are not
 * form fields (`/edit`'s id), so a submit needs no server-side state and survives a restart; the
 * form fields come back in the submit itself. `undefined` when that would pass Discord's 100
 * characters (then the command runs without its form and says what is missing).
 */
export function formCustomId(command: Command, given: RawArgs): string | undefined {
  const fields = new Set(command.form?.fields.map((f) => f.arg));
  const carried = new URLSearchParams();
  for (const [name, value] of Object.entries(given))
    if (value !== undefined && !fields.has(name)) carried.set(name, value);
  const query = carried.toString();
  const id = `${FORM_PREFIX}${command.name}${query === '' ? '' : `?${query}`}`;
  return id.length <= MODAL_LIMITS.customId ? id : undefined;
}

/** The command and carried arguments of a form's custom id, or `undefined` when it is not one of ours. */
export function parseFormCustomId(customId: string): { command: string; given: RawArgs } | undefined {
  if (!customId.startsWith(FORM_PREFIX)) return undefined;
  const rest = customId.slice(FORM_PREFIX.length);
  const at = rest.indexOf('?');
  const command = at === -1 ? rest : rest.slice(0, at);
  if (command === '') return undefined;
  const given: Record<string, string> = {};
  if (at !== -1) for (const [name, value] of new URLSearchParams(rest.slice(at + 1))) given[name] = value;
  return { command, given };
}

/** Whether the command must open its form: it has one and one of the arguments it needs is missing. */
export function needsForm(command: Command, given: RawArgs): boolean {
  return command.form?.needs.some((name) => (given[name]?.trim() ?? '') === '') ?? false;
}

/** `text` cut to at most `max` UTF-16 units, never inside a character (a surrogate pair, an emoji). */
function clip(text: string, max: number): string {
  return text.length <= max ? text : sliceWhole(text, max);
}

/**
 * The modal for a command's form: one labelled text input per field (a Label, type 18, holding a
 * text input — action rows in modals are deprecated, and discord.js 14.28's `ModalSubmitFields`
 * reads both), prefilled with `values`, its title and labels in `tr`'s language.
 */
export function buildModal(
  command: Command,
  customId: string,
  values: RawArgs,
  tr: Translator,
): APIModalInteractionResponseCallbackData {
  const form = command.form;
  if (!form) throw new Error(`/${command.name} has no form`);
  const components: APILabelComponent[] = form.fields.map((field) => {
    const maxLength = Math.min(field.maxLength, MODAL_LIMITS.inputLength);
    const value = values[field.arg];
    return {
      type: ComponentType.Label,
      label: clip(tr.t(field.label), MODAL_LIMITS.label),
      component: {
        type: ComponentType.TextInput,
        custom_id: field.arg,
        style: field.style === 'paragraph' ? TextInputStyle.Paragraph : TextInputStyle.Short,
        max_length: maxLength,
        required: field.required,
        ...(value !== undefined && value !== '' && { value: clip(value, maxLength) }),
      },
    };
  });
  return { custom_id: customId, title: clip(tr.t(form.title), MODAL_LIMITS.title), components };
}

/** A form's submitted values by argument; empty inputs count as not given. */
export function submittedValues(command: Command, read: (customId: string) => string | undefined): RawArgs {
  const values: Record<string, string> = {};
  for (const field of command.form?.fields ?? []) {
    const value = read(field.arg)?.trim();
    if (value !== undefined && value !== '') values[field.arg] = value;
  }
  return values;
}

/**
 * Validation of interaction callbacks: a known type that fits the interaction (autocomplete answers only
 * autocomplete, a modal never answers a modal), then its data: a message, choices or a modal. Pure.
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding
 */
import { CALLBACK, KNOWN_CALLBACK_TYPES } from '../protocol.js';
import { type Checked, FormErrors, invalid, isRecord } from '../replies.js';
import type { InteractionCallback, InteractionCallbackData, InteractOptions } from '../types.js';
import { checkText, validateMessage } from './messages.js';
import { LIMIT } from './payload-limits.js';

/** Validates a callback body for an interaction of `interactionKind`. */
export function validateCallback(
  body: unknown,
  interactionKind: InteractOptions['kind'],
): Checked<InteractionCallback> {
  const errors = new FormErrors();
  if (!isRecord(body) || typeof body.type !== 'number' || !KNOWN_CALLBACK_TYPES.has(body.type)) {
    errors.add(['type'], 'BASE_TYPE_CHOICES', 'Value must be one of 1, 4, 5, 6, 7, 8, 9.');
    return invalid(errors.reply() ?? { status: 400 });
  }
  const type = body.type;
  const data = body.data;
  const isAutocomplete = interactionKind === 'autocomplete';
  if (isAutocomplete !== (type === CALLBACK.autocompleteResult)) {
    errors.add(
      ['type'],
      'INTERACTION_RESPONSE_TYPE_INVALID',
      'Interaction response type is invalid for this interaction',
    );
  } else if (type === CALLBACK.modal && interactionKind === 'modal') {
    errors.add(['type'], 'INTERACTION_RESPONSE_TYPE_INVALID', 'A modal cannot answer a modal submit');
  }
  if (type === CALLBACK.message || type === CALLBACK.updateMessage) {
    const checked = validateMessage(data, type === CALLBACK.message);
    if (!checked.ok) return checked;
  } else if (type === CALLBACK.autocompleteResult) {
    const choices = isRecord(data) ? data.choices : undefined;
    if (!Array.isArray(choices)) {
      errors.add(['data', 'choices'], 'BASE_TYPE_REQUIRED', 'This field is required');
    } else {
      if (choices.length > LIMIT.choices) errors.maxLength(['data', 'choices'], LIMIT.choices);
      choices.forEach((choice: unknown, i) => {
        checkText(
          errors,
          ['data', 'choices', i, 'name'],
          isRecord(choice) ? choice.name : undefined,
          LIMIT.choiceName,
          true,
        );
      });
    }
  } else if (type === CALLBACK.modal) {
    const modal = isRecord(data) ? data : {};
    checkText(errors, ['data', 'custom_id'], modal.custom_id, LIMIT.customId, true);
    checkText(errors, ['data', 'title'], modal.title, LIMIT.modalTitle, true);
    const components = modal.components;
    if (!Array.isArray(components) || components.length === 0) {
      errors.badLength(['data', 'components'], 1, LIMIT.modalComponents);
    } else if (components.length > LIMIT.modalComponents) {
      errors.maxLength(['data', 'components'], LIMIT.modalComponents);
    }
  }
  const formError = errors.reply();
  if (formError) return invalid(formError);
  return { ok: true, value: isRecord(data) ? { type, data: data as InteractionCallbackData } : { type } };
}

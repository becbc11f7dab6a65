/**
 * Validation of a message's `components` as the fake supports them: action rows (type 1) of buttons
 * (type 2) — at most 5 rows of 5, a style 1–5, a label of at most 80 characters, and for every style
 * but Link (5) a `custom_id` of 1–100 characters, unique in the message. Other component kinds are
 * accepted as they are. Pure.
 *
 * @see https://discord.com/developers/docs/components/reference#action-row
 * @see https://discord.com/developers/docs/components/reference#button
 */
import { type FormErrors, isRecord } from '../replies.js';
import { checkText } from './messages.js';
import { LIMIT } from './payload-limits.js';

/** Component limits of a message. */
export const COMPONENT_LIMIT = { rows: 5, perRow: 5, label: 80 } as const;

const ACTION_ROW = 1;
const BUTTON = 2;
const LINK_STYLE = 5;

/** Adds every problem with `components` to `errors`. */
export function checkComponents(errors: FormErrors, components: unknown): void {
  if (!Array.isArray(components)) {
    errors.add(['components'], 'BASE_TYPE_LIST', 'Must be a list.');
    return;
  }
  if (components.length > COMPONENT_LIMIT.rows) errors.maxLength(['components'], COMPONENT_LIMIT.rows);
  const ids = new Set<string>();
  components.forEach((row: unknown, r) => {
    if (!isRecord(row) || row.type !== ACTION_ROW) return;
    const buttons = row.components;
    if (!Array.isArray(buttons) || buttons.length === 0 || buttons.length > COMPONENT_LIMIT.perRow) {
      errors.badLength(['components', r, 'components'], 1, COMPONENT_LIMIT.perRow);
      return;
    }
    buttons.forEach((button: unknown, b) => {
      const path = ['components', r, 'components', b];
      if (!isRecord(button) || button.type !== BUTTON) return;
      if (typeof button.style !== 'number' || button.style < 1 || button.style > 6)
        errors.add([...path, 'style'], 'BASE_TYPE_CHOICES', 'Value must be one of 1, 2, 3, 4, 5, 6.');
      if (button.label !== undefined)
        checkText(errors, [...path, 'label'], button.label, COMPONENT_LIMIT.label);
      if (button.style === LINK_STYLE) return;
      checkText(errors, [...path, 'custom_id'], button.custom_id, LIMIT.customId, true);
      if (typeof button.custom_id === 'string') {
        if (ids.has(button.custom_id))
          errors.add(
            [...path, 'custom_id'],
            'COMPONENT_CUSTOM_ID_DUPLICATED',
            'Component custom id cannot be duplicated',
          );
        ids.add(button.custom_id);
      }
    });
  });
}

/** Whether a message's action rows hold a button with `customId` (and whether it is disabled). */
export function findButton(
  components: readonly unknown[],
  customId: string,
): { disabled: boolean } | undefined {
  for (const row of components) {
    if (!isRecord(row) || !Array.isArray(row.components)) continue;
    for (const button of row.components)
      if (isRecord(button) && button.type === BUTTON && button.custom_id === customId)
        return { disabled: button.disabled === true };
  }
  return undefined;
}

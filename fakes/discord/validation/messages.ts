/**
 * Validation of message bodies (create, edit, interaction reply, follow-up) as Discord does it: content and
 * embed limits, `allowed_mentions`, `nonce`, `flags`, and "Cannot send an empty message" (50006). Pure.
 *
 * @see https://discord.com/developers/docs/resources/message#create-message
 */
import { apiError, type Checked, FormErrors, invalid, isRecord, type JsonRecord } from '../replies.js';
import type { FakeMessageBody } from '../types.js';
import { checkComponents } from './components.js';
import { LIMIT } from './payload-limits.js';

/**
 * Checks a string field against `max` (and, when `required`, that it is 1–`max` long); returns its length
 * for the embed total.
 */
export function checkText(
  errors: FormErrors,
  path: readonly (string | number)[],
  value: unknown,
  max: number,
  required = false,
): number {
  if (value === undefined || value === null) {
    if (required) errors.add(path, 'BASE_TYPE_REQUIRED', 'This field is required');
    return 0;
  }
  if (typeof value !== 'string') {
    errors.add(path, 'BASE_TYPE_STRING', 'Must be a string.');
    return 0;
  }
  if (required && (value.length === 0 || value.length > max)) errors.badLength(path, 1, max);
  else if (value.length > max) errors.maxLength(path, max);
  return value.length;
}

function checkEmbeds(errors: FormErrors, embeds: unknown): void {
  if (!Array.isArray(embeds)) {
    errors.add(['embeds'], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
    return;
  }
  if (embeds.length > LIMIT.embeds) errors.maxLength(['embeds'], LIMIT.embeds);
  let total = 0;
  embeds.forEach((embed: unknown, i) => {
    if (!isRecord(embed)) {
      errors.add(['embeds', i], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
      return;
    }
    total += checkText(errors, ['embeds', i, 'title'], embed.title, LIMIT.embedTitle);
    total += checkText(errors, ['embeds', i, 'description'], embed.description, LIMIT.embedDescription);
    if (isRecord(embed.footer)) {
      total += checkText(errors, ['embeds', i, 'footer', 'text'], embed.footer.text, LIMIT.footerText, true);
    }
    if (isRecord(embed.author)) {
      total += checkText(errors, ['embeds', i, 'author', 'name'], embed.author.name, LIMIT.authorName, true);
    }
    const fields = embed.fields;
    if (fields === undefined) return;
    if (!Array.isArray(fields)) {
      errors.add(['embeds', i, 'fields'], 'LIST_TYPE_CONVERT', 'Only iterables may be used in a ListType');
      return;
    }
    if (fields.length > LIMIT.embedFields) errors.maxLength(['embeds', i, 'fields'], LIMIT.embedFields);
    fields.forEach((field: unknown, j) => {
      const at = ['embeds', i, 'fields', j];
      if (!isRecord(field)) {
        errors.add(at, 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
        return;
      }
      total += checkText(errors, [...at, 'name'], field.name, LIMIT.fieldName, true);
      total += checkText(errors, [...at, 'value'], field.value, LIMIT.fieldValue, true);
    });
  });
  if (total > LIMIT.embedTotal) {
    errors.add(
      ['embeds'],
      'MAX_EMBED_SIZE_EXCEEDED',
      `Embed size exceeds maximum size of ${LIMIT.embedTotal}`,
    );
  }
}

const MENTION_TYPES: ReadonlySet<unknown> = new Set(['users', 'roles', 'everyone']);

function checkAllowedMentions(errors: FormErrors, value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value)) {
    errors.add(['allowed_mentions'], 'MODEL_TYPE_CONVERT', 'Only dictionaries may be used in a ModelType');
    return;
  }
  const parse = value.parse;
  if (parse === undefined) return;
  if (!Array.isArray(parse) || parse.some((entry) => !MENTION_TYPES.has(entry))) {
    errors.add(
      ['allowed_mentions', 'parse'],
      'BASE_TYPE_CHOICES',
      'Value must be one of users, roles, everyone.',
    );
    return;
  }
  for (const kind of ['users', 'roles'] as const) {
    if (parse.includes(kind) && Array.isArray(value[kind]) && value[kind].length > 0) {
      errors.add(
        ['allowed_mentions'],
        'MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE',
        `parse:["${kind}"] and ${kind}: [ids...] are mutually exclusive.`,
      );
    }
  }
}

/**
 * Validates a message body against Discord's limits; returns the 400 answer or the typed body.
 * `create` = a new message (must not be empty), otherwise an edit.
 */
export function validateMessage(body: unknown, create: boolean): Checked<FakeMessageBody> {
  if (!isRecord(body)) return invalid(apiError(create ? 'empty_message' : 'invalid_json'));
  const errors = new FormErrors();
  checkText(errors, ['content'], body.content, LIMIT.content);
  if (body.embeds !== undefined && body.embeds !== null) checkEmbeds(errors, body.embeds);
  checkAllowedMentions(errors, body.allowed_mentions);
  if (body.components !== undefined && body.components !== null) checkComponents(errors, body.components);
  const nonce = body.nonce;
  if (nonce !== undefined && nonce !== null) {
    if (typeof nonce === 'string') {
      if (nonce.length > LIMIT.nonce) errors.maxLength(['nonce'], LIMIT.nonce);
    } else if (!Number.isSafeInteger(nonce)) {
      errors.add(['nonce'], 'BASE_TYPE_STRING', 'Must be a string or an integer.');
    }
  }
  if (body.flags !== undefined && body.flags !== null && !Number.isInteger(body.flags)) {
    errors.add(['flags'], 'NUMBER_TYPE_COERCE', 'Value is not int.');
  }
  const formError = errors.reply();
  if (formError) return invalid(formError);
  if (create && isEmptyMessage(body)) return invalid(apiError('empty_message'));
  return { ok: true, value: body as FakeMessageBody };
}

/** A non-empty array. */
export function nonEmptyArray(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function isEmptyMessage(body: JsonRecord): boolean {
  const content = typeof body.content === 'string' ? body.content.trim() : '';
  return (
    content.length === 0 &&
    !nonEmptyArray(body.embeds) &&
    !nonEmptyArray(body.components) &&
    !nonEmptyArray(body.sticker_ids) &&
    !nonEmptyArray(body.attachments) &&
    !isRecord(body.poll)
  );
}

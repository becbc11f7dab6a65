/**
 * The fake Discord's REST answers: a status, a JSON (or HTML) body and headers, Discord's JSON error bodies,
 * and its nested "Invalid Form Body" errors (50035).
 *
 * @see https://discord.com/developers/docs/reference#error-messages
 */

/** A JSON object. */
export type JsonRecord = Record<string, unknown>;

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What a route handler answers. `reset` destroys the connection instead. */
export interface ApiReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  reset?: boolean;
}

/** JSON error bodies Discord sends for the failures the fake can inject or produce. */
export const API_ERROR = {
  unknown_channel: { status: 404, code: 10003, message: 'Unknown Channel' },
  unknown_guild: { status: 404, code: 10004, message: 'Unknown Guild' },
  unknown_message: { status: 404, code: 10008, message: 'Unknown Message' },
  unknown_webhook: { status: 404, code: 10015, message: 'Unknown Webhook' },
  unknown_interaction: { status: 404, code: 10062, message: 'Unknown interaction' },
  missing_access: { status: 403, code: 50001, message: 'Missing Access' },
  cannot_dm: { status: 403, code: 50007, message: 'Cannot send messages to this user' },
  missing_permissions: { status: 403, code: 50013, message: 'Missing Permissions' },
  empty_message: { status: 400, code: 50006, message: 'Cannot send an empty message' },
  already_acknowledged: { status: 400, code: 40060, message: 'Interaction has already been acknowledged.' },
  invalid_json: { status: 400, code: 50109, message: 'The request body contains invalid JSON.' },
} as const;

/** The name of a {@link API_ERROR} entry. */
export type ApiErrorName = keyof typeof API_ERROR;

/** Discord's JSON error body for `name`. */
export function apiError(name: ApiErrorName): ApiReply {
  const { status, code, message } = API_ERROR[name];
  return { status, body: { message, code } };
}

/** Accumulates Discord's nested form errors: `{ embeds: { 0: { title: { _errors: [...] } } } }`. */
export class FormErrors {
  readonly tree: JsonRecord = {};
  count = 0;

  add(path: readonly (string | number)[], code: string, message: string): void {
    let node = this.tree;
    for (const key of path) {
      const existing = node[String(key)];
      if (isRecord(existing)) {
        node = existing;
      } else {
        const next: JsonRecord = {};
        node[String(key)] = next;
        node = next;
      }
    }
    const list = node._errors;
    if (Array.isArray(list)) list.push({ code, message });
    else node._errors = [{ code, message }];
    this.count++;
  }

  maxLength(path: readonly (string | number)[], max: number): void {
    this.add(path, 'BASE_TYPE_MAX_LENGTH', `Must be ${max} or fewer in length.`);
  }

  badLength(path: readonly (string | number)[], min: number, max: number): void {
    this.add(path, 'BASE_TYPE_BAD_LENGTH', `Must be between ${min} and ${max} in length.`);
  }

  reply(): ApiReply | undefined {
    if (this.count === 0) return undefined;
    return { status: 400, body: { code: 50035, message: 'Invalid Form Body', errors: this.tree } };
  }
}

/** A validated value, or the 4xx answer explaining why it is invalid. */
export type Checked<T> = { ok: true; value: T } | { ok: false; reply: ApiReply };

/** A failed {@link Checked}. */
export function invalid(reply: ApiReply): { ok: false; reply: ApiReply } {
  return { ok: false, reply };
}

/**
 * Request parameters: parsed from the query string and a JSON or urlencoded body, then coerced per field
 * (JSON gives typed values; urlencoded and query strings give strings), as the Bot API accepts both.
 */
import { Buffer } from 'node:buffer';
import { JSON_CONTENT_TYPE } from './replies.js';

/** A method's parameters, as received. */
export type Params = Record<string, unknown>;

const CHAR_LEFT_BRACKET = 91;
const CHAR_LEFT_BRACE = 123;

/** A string parameter; numbers and booleans are spelled as strings. */
export function paramString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** A safe integer, from a number or a decimal string. */
export function paramInt(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) {
    const parsed = Number(value);
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** `true`, `"true"`, `"1"` or `1`. */
export function paramBool(value: unknown): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}

/** Objects and arrays arrive JSON-encoded in urlencoded bodies and query strings. */
export function paramStructured(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const first = value.charCodeAt(0);
  if (first !== CHAR_LEFT_BRACE && first !== CHAR_LEFT_BRACKET) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Normalises a `chat_id` to a map key, so that `42` and `'42'` (and `@Name`/`@name`) are the same chat. */
export function chatKey(chatId: number | string): string {
  return typeof chatId === 'number' ? String(chatId) : chatId.startsWith('@') ? chatId.toLowerCase() : chatId;
}

/** `chat_id` as given, or undefined when missing or empty. */
export function paramChatId(value: unknown): number | string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value !== '') return value;
  return undefined;
}

/** Query-string parameters, overridden by the body's (JSON or urlencoded). Undefined for unparsable JSON. */
export function parseParams(
  contentType: string | undefined,
  chunks: Buffer[],
  query: string,
): Params | undefined {
  const params: Params = {};
  if (query !== '') {
    for (const [name, value] of new URLSearchParams(query)) params[name] = value;
  }
  if (chunks.length === 0) return params;
  const body = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded') === true) {
    for (const [name, value] of new URLSearchParams(body)) params[name] = value;
    return params;
  }
  if (contentType === undefined || contentType.includes(JSON_CONTENT_TYPE)) {
    if (body.trim() === '') return params;
    try {
      const parsed: unknown = JSON.parse(body);
      if (!isRecord(parsed)) return undefined;
      return query === '' ? parsed : Object.assign(params, parsed);
    } catch {
      return undefined;
    }
  }
  // Multipart (media uploads) is outside what this fake emulates: only the query string counts.
  return params;
}

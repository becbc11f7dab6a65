/**
 * The Bot API's answers: `{ ok: true, result }` or `{ ok: false, error_code, description, parameters? }`, and
 * every fixed error the fake gives. Descriptions quoted in `/work/shared/PLATFORM.md` §1–3 are verbatim
 * Telegram strings; the few others (e.g. for setMyCommands or editMessageText) are the commonly observed ones.
 */
import { Buffer } from 'node:buffer';
import type { ServerResponse } from 'node:http';

/** HTTP statuses the fake answers with (the Bot API mirrors `error_code` in the status). */
export const HTTP_OK = 200;
export const HTTP_BAD_REQUEST = 400;
export const HTTP_UNAUTHORIZED = 401;
export const HTTP_FORBIDDEN = 403;
export const HTTP_NOT_FOUND = 404;
export const HTTP_CONFLICT = 409;
export const HTTP_TOO_MANY_REQUESTS = 429;
export const HTTP_INTERNAL_ERROR = 500;
export const HTTP_BAD_GATEWAY = 502;

/** An HTTP answer, ready to write. */
export interface HttpReply {
  readonly status: number;
  readonly body: string;
  readonly contentType: string;
  /** For error replies: the description, kept for diagnostics. */
  readonly description?: string;
}

/** A reply, or `'destroy'` to drop the connection without answering. */
export type Reply = HttpReply | 'destroy';

/** The Bot API's content type, for requests and replies. */
export const JSON_CONTENT_TYPE = 'application/json';

/** `{ ok: true, result }`. */
export function okReply(result: unknown): HttpReply {
  return { status: HTTP_OK, body: JSON.stringify({ ok: true, result }), contentType: JSON_CONTENT_TYPE };
}

/** `{ ok: false, error_code, description, parameters? }` with `error_code` as the HTTP status. */
export function errorReply(
  errorCode: number,
  description: string,
  parameters?: Record<string, number>,
): HttpReply {
  const payload =
    parameters === undefined
      ? { ok: false, error_code: errorCode, description }
      : { ok: false, error_code: errorCode, description, parameters };
  return { status: errorCode, body: JSON.stringify(payload), contentType: JSON_CONTENT_TYPE, description };
}

/** 429 `Too Many Requests: retry after N` with `parameters.retry_after` (whole seconds). */
export function floodReply(retryAfterSeconds: number): HttpReply {
  return errorReply(HTTP_TOO_MANY_REQUESTS, `Too Many Requests: retry after ${retryAfterSeconds}`, {
    retry_after: retryAfterSeconds,
  });
}

/** Writes `reply` with its status, content type and length. */
export function writeReply(res: ServerResponse, reply: HttpReply): void {
  res.writeHead(reply.status, {
    'content-type': reply.contentType,
    'content-length': Buffer.byteLength(reply.body),
  });
  res.end(reply.body);
}

export const UNAUTHORIZED = errorReply(HTTP_UNAUTHORIZED, 'Unauthorized');
export const METHOD_NOT_FOUND = errorReply(HTTP_NOT_FOUND, 'Not Found: method not found');
export const NOT_FOUND = errorReply(HTTP_NOT_FOUND, 'Not Found');
export const CHAT_ID_EMPTY = errorReply(HTTP_BAD_REQUEST, 'Bad Request: chat_id is empty');
export const TEXT_EMPTY = errorReply(HTTP_BAD_REQUEST, 'Bad Request: message text is empty');
export const TEXT_TOO_LONG_RAW = errorReply(HTTP_BAD_REQUEST, 'Bad Request: Text is too long');
export const MESSAGE_TOO_LONG = errorReply(HTTP_BAD_REQUEST, 'Bad Request: message is too long');
export const UNSUPPORTED_PARSE_MODE = errorReply(HTTP_BAD_REQUEST, 'Bad Request: unsupported parse_mode');
export const BAD_JSON = errorReply(HTTP_BAD_REQUEST, "Bad Request: can't parse JSON object");
export const MESSAGE_ID_MISSING = errorReply(
  HTTP_BAD_REQUEST,
  'Bad Request: message identifier is not specified',
);
export const EDIT_NOT_FOUND = errorReply(HTTP_BAD_REQUEST, 'Bad Request: message to edit not found');
export const DELETE_NOT_FOUND = errorReply(HTTP_BAD_REQUEST, 'Bad Request: message to delete not found');
export const NOT_MODIFIED = errorReply(
  HTTP_BAD_REQUEST,
  'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
);
export const INVALID_USER_ID = errorReply(HTTP_BAD_REQUEST, 'Bad Request: invalid user_id specified');
export const QUERY_ID_INVALID = errorReply(
  HTTP_BAD_REQUEST,
  'Bad Request: query is too old and response timeout expired or query ID is invalid',
);
export const INVALID_ACTION = errorReply(HTTP_BAD_REQUEST, 'Bad Request: wrong parameter action in request');
export const COMMAND_INVALID = errorReply(HTTP_BAD_REQUEST, 'Bad Request: BOT_COMMAND_INVALID');
export const COMMAND_DESCRIPTION_INVALID = errorReply(
  HTTP_BAD_REQUEST,
  'Bad Request: BOT_COMMAND_DESCRIPTION_INVALID',
);
export const TOO_MANY_COMMANDS = errorReply(HTTP_BAD_REQUEST, 'Bad Request: BOT_COMMANDS_TOO_MUCH');
export const BAD_SECRET_TOKEN = errorReply(
  HTTP_BAD_REQUEST,
  'Bad Request: secret token contains unallowed characters',
);
export const WEBHOOK_ACTIVE = errorReply(
  HTTP_CONFLICT,
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
);
export const POLL_TERMINATED = errorReply(
  HTTP_CONFLICT,
  'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
);
export const TRUE_REPLY = okReply(true);
export const EMPTY_UPDATES = okReply([]);

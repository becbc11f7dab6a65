import { TelegramError } from 'telegraf';
import { describe, expect, it } from 'vitest';
import {
  isParseEntitiesError,
  outcomeOfError,
  scrub,
  TelegramCallError,
} from '../../../src/adapters/telegram/errors.js';
import type { ChatRef } from '../../../src/core/chat.js';
import type { SendOutcome } from '../../../src/core/sender.js';

const TOKEN = '123456:ABC-secret-token';
const chat: ChatRef = { platform: 'telegram', id: '-4001' };
const topic: ChatRef = { platform: 'telegram', id: '-4001', thread: '42' };

const api = (error_code: number, description: string, parameters?: Record<string, number>) =>
  new TelegramError({ error_code, description, ...(parameters && { parameters }) });

/** What node-fetch throws when the socket fails (telegraf's `FetchError`). */
function fetchError(code: string): Error {
  const error = new Error(
    `request to http://127.0.0.1:1/bot${TOKEN}/sendMessage failed, reason: connect ${code}`,
  ) as Error & { code: string; errno: string };
  error.name = 'FetchError';
  error.code = code;
  error.errno = code;
  return error;
}

describe('outcomeOfError', () => {
  it.each<[string, unknown, SendOutcome]>([
    [
      '429 → retryAfter',
      api(429, 'Too Many Requests: retry after 35', { retry_after: 35 }),
      { kind: 'retryAfter', seconds: 35 },
    ],
    [
      '429 without parameters → retryAfter from the text',
      api(429, 'Too Many Requests: retry after 7'),
      { kind: 'retryAfter', seconds: 7 },
    ],
    [
      '429 saying nothing → the default wait',
      api(429, 'Too Many Requests'),
      { kind: 'retryAfter', seconds: 5 },
    ],
    [
      '403 blocked → gone',
      api(403, 'Forbidden: bot was blocked by the user'),
      { kind: 'gone', reason: 'the bot was blocked by the user' },
    ],
    [
      '403 kicked from a group → gone',
      api(403, 'Forbidden: bot was kicked from the group chat'),
      { kind: 'gone', reason: 'the bot was removed from the chat' },
    ],
    [
      '403 kicked from a channel → gone',
      api(403, 'Forbidden: bot was kicked from the channel chat'),
      { kind: 'gone', reason: 'the bot was removed from the chat' },
    ],
    [
      '403 deactivated → gone',
      api(403, 'Forbidden: user is deactivated'),
      { kind: 'gone', reason: 'the user deleted their account' },
    ],
    [
      '403 not a member → gone',
      api(403, 'Forbidden: bot is not a member of the supergroup chat'),
      { kind: 'gone', reason: 'the bot is not a member of the chat' },
    ],
    [
      '403 group deleted → gone',
      api(403, 'Forbidden: the group chat was deleted'),
      { kind: 'gone', reason: 'the chat was deleted' },
    ],
    [
      "403 can't initiate → gone",
      api(403, "Forbidden: bot can't initiate conversation with a user"),
      { kind: 'gone', reason: 'the user has not started a chat with the bot' },
    ],
    [
      '400 chat not found → gone',
      api(400, 'Bad Request: chat not found'),
      { kind: 'gone', reason: 'the chat was not found' },
    ],
    [
      '400 thread not found → gone',
      api(400, 'Bad Request: message thread not found'),
      { kind: 'gone', reason: 'the forum topic was deleted' },
    ],
    [
      '400 migrate_to_chat_id → migrated',
      api(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
        migrate_to_chat_id: -1001201784679,
      }),
      { kind: 'migrated', to: { platform: 'telegram', id: '-1001201784679' } },
    ],
    [
      '400 not enough rights → forbidden',
      api(400, 'Bad Request: not enough rights to send text messages to the chat'),
      { kind: 'forbidden', reason: 'the bot may not send messages in this chat (missing rights)' },
    ],
    [
      '400 have no rights → forbidden',
      api(400, 'Bad Request: have no rights to send a message'),
      { kind: 'forbidden', reason: 'the bot may not send messages in this chat (missing rights)' },
    ],
    [
      '403 CHAT_WRITE_FORBIDDEN → forbidden',
      api(403, 'Forbidden: CHAT_WRITE_FORBIDDEN'),
      { kind: 'forbidden', reason: 'the bot may not send messages in this chat (missing rights)' },
    ],
    [
      '400 TOPIC_CLOSED → forbidden',
      api(400, 'Bad Request: TOPIC_CLOSED'),
      { kind: 'forbidden', reason: 'the forum topic is closed' },
    ],
    [
      'another 403 → forbidden with the description',
      api(403, "Forbidden: bot can't send messages to bots"),
      { kind: 'forbidden', reason: "Forbidden: bot can't send messages to bots" },
    ],
    [
      '500 → transient',
      api(500, 'Internal Server Error'),
      { kind: 'transient', reason: 'Telegram server error 500: Internal Server Error' },
    ],
    [
      '502 → transient',
      api(502, 'Bad Gateway'),
      { kind: 'transient', reason: 'Telegram server error 502: Bad Gateway' },
    ],
    [
      'another 400 → transient with the description',
      api(400, 'Bad Request: message is too long'),
      { kind: 'transient', reason: '400: Bad Request: message is too long' },
    ],
    ['401 → transient', api(401, 'Unauthorized'), { kind: 'transient', reason: '401: Unauthorized' }],
    [
      'ECONNRESET → transient',
      fetchError('ECONNRESET'),
      { kind: 'transient', reason: 'network error: ECONNRESET' },
    ],
    [
      'ECONNREFUSED → transient',
      fetchError('ECONNREFUSED'),
      { kind: 'transient', reason: 'network error: ECONNREFUSED' },
    ],
    [
      'ETIMEDOUT → transient',
      fetchError('ETIMEDOUT'),
      { kind: 'transient', reason: 'network error: ETIMEDOUT' },
    ],
    [
      'a bare FetchError → transient',
      Object.assign(new Error('x'), { name: 'FetchError' }),
      { kind: 'transient', reason: 'network error: FetchError' },
    ],
    [
      'anything else → transient, token scrubbed',
      new Error(`boom at /bot${TOKEN}/x`),
      { kind: 'transient', reason: 'boom at /bot[redacted]/x' },
    ],
  ])('%s', (_name, error, expected) => {
    expect(outcomeOfError(error, chat, [TOKEN])).toEqual(expected);
  });

  it('keeps the forum topic when a chat migrates', () => {
    const error = api(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
      migrate_to_chat_id: -100777,
    });
    expect(outcomeOfError(error, topic)).toEqual({
      kind: 'migrated',
      to: { platform: 'telegram', id: '-100777', thread: '42' },
    });
  });
});

describe('isParseEntitiesError', () => {
  it("recognizes Telegram's refusal of HTML", () => {
    expect(
      isParseEntitiesError(
        api(400, `Bad Request: can't parse entities: Unsupported start tag "div" at byte offset 0`),
      ),
    ).toBe(true);
    expect(isParseEntitiesError(api(400, 'Bad Request: chat not found'))).toBe(false);
    expect(isParseEntitiesError(new Error("can't parse entities"))).toBe(false);
  });
});

describe('TelegramCallError', () => {
  it('is named after the answer and carries no token', () => {
    const error = new TelegramCallError(api(403, 'Forbidden: bot was blocked by the user'), [TOKEN]);
    expect(error.name).toBe('TelegramApiError[403]');
    expect(error.code).toBe(403);
    expect(error.message).toBe('403: Forbidden: bot was blocked by the user');
  });

  it('scrubs the token from a network error message and stack', () => {
    const error = new TelegramCallError(fetchError('ECONNREFUSED'), [TOKEN]);
    expect(error.name).toBe('TelegramNetworkError[ECONNREFUSED]');
    expect(error.message).not.toContain(TOKEN);
    expect(error.stack).not.toContain(TOKEN);
    expect(error.message).toContain('[redacted]');
  });

  it('names other failures plainly', () => {
    expect(new TelegramCallError(new TypeError('x'), []).name).toBe('TelegramCallError');
    expect(scrub('a-secret-b', ['secret', ''])).toBe('a-[redacted]-b');
  });
});

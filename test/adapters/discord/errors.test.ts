import { DiscordAPIError, HTTPError, RateLimitError } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { sendOutcomeOf } from '../../../src/adapters/discord/errors.js';

const TOKEN = 'MTIzNDU2Nzg5MDEyMzQ1Njc4.secret-token';
const URL = `https://discord.example/api/v10/webhooks/1/${TOKEN}/messages`;

function apiError(status: number, code: number, message: string): DiscordAPIError {
  return new DiscordAPIError({ code, message }, code, status, 'POST', URL, { body: { content: TOKEN } });
}

const rateLimit = new RateLimitError({
  timeToReset: 1200,
  limit: 5,
  method: 'POST',
  hash: 'h',
  url: URL,
  route: '/channels/:id/messages',
  majorParameter: '1',
  global: false,
  retryAfter: 1200,
  sublimitTimeout: 0,
  scope: 'user',
});

describe('sendOutcomeOf', () => {
  it.each([
    ['10003 Unknown Channel', apiError(404, 10003, 'Unknown Channel'), 'gone', /Unknown Channel/],
    ['10004 Unknown Guild', apiError(404, 10004, 'Unknown Guild'), 'gone', /no longer in this server/],
    [
      '50007 Cannot send messages to this user',
      apiError(403, 50007, 'Cannot send messages to this user'),
      'gone',
      /direct messages/,
    ],
    ['50001 Missing Access', apiError(403, 50001, 'Missing Access'), 'forbidden', /cannot see this channel/],
    [
      '50013 Missing Permissions',
      apiError(403, 50013, 'Missing Permissions'),
      'forbidden',
      /Send Messages and Embed Links/,
    ],
    [
      'a 500 with a JSON body',
      apiError(500, 0, '500: Internal Server Error'),
      'transient',
      /server error 500/,
    ],
    [
      'a 502 from Cloudflare',
      new HTTPError(502, 'Bad Gateway', 'POST', URL, { body: {} }),
      'transient',
      /HTTP 502/,
    ],
    [
      'a network reset',
      Object.assign(new TypeError('fetch failed'), { cause: new Error('read ECONNRESET') }),
      'transient',
      /network error.*ECONNRESET/,
    ],
    [
      'a timeout',
      Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }),
      'transient',
      /AbortError/,
    ],
    [
      '400 50035 Invalid Form Body',
      apiError(400, 50035, 'Invalid Form Body'),
      'transient',
      /400 Invalid Form Body \(50035\)/,
    ],
    ['a thrown string', 'boom', 'transient', /boom/],
  ])('maps %s', (_name, error, kind, reason) => {
    const outcome = sendOutcomeOf(error);
    expect(outcome.kind).toBe(kind);
    expect('reason' in outcome ? outcome.reason : '').toMatch(reason);
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
  });

  it('maps a rate limit that discord.js was told to reject to retryAfter in seconds', () => {
    expect(sendOutcomeOf(rateLimit)).toEqual({ kind: 'retryAfter', seconds: 1.2 });
  });
});

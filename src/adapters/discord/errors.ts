import { DiscordAPIError, HTTPError, RateLimitError, RESTJSONErrorCodes } from 'discord.js';
import type { SendOutcome } from '../../core/sender.js';
import { messages } from '../../i18n/locales/en.js';

/** Reasons are stored in English, as the catalog words them, and shown in each reader's language. */
const REASONS = messages.reasons;

/**
 * Discord's JSON error codes that say the bot can no longer reach a chat, and why (in words a
 * subscription's "paused — …" line can show).
 * @see https://discord.com/developers/docs/topics/opcodes-and-status-codes#json-json-error-codes
 */
const GONE: ReadonlyMap<number, string> = new Map([
  [RESTJSONErrorCodes.UnknownChannel, REASONS.unknownChannel],
  [RESTJSONErrorCodes.UnknownGuild, REASONS.unknownGuild],
  [RESTJSONErrorCodes.CannotSendMessagesToThisUser, REASONS.dmsClosed],
  [RESTJSONErrorCodes.CannotSendMessagesToThisUserDueToHavingNoMutualGuilds, REASONS.noMutualGuild],
]);

/** Codes that say the bot is in the chat but may not post there. */
const FORBIDDEN: ReadonlyMap<number, string> = new Map([
  [RESTJSONErrorCodes.MissingAccess, REASONS.missingAccess],
  [RESTJSONErrorCodes.MissingPermissions, REASONS.missingPermissions],
]);

/** HTTP statuses from 500 on are Discord's (or Cloudflare's) trouble, worth a retry. */
const SERVER_ERROR_STATUS = 500;
const MS_PER_SECOND = 1000;

/**
 * The one table from what sending a message to Discord threw to a {@link SendOutcome}. Rate limits
 * normally never get here (discord.js's REST queue waits and retries them); a `RateLimitError` only
 * appears when a client is configured to reject on rate limits. Reasons name Discord's error but
 * never carry the request URL or body, so no token or message text leaks into a subscription.
 */
export function sendOutcomeOf(error: unknown): SendOutcome {
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === 'number' ? error.code : Number.NaN;
    const gone = GONE.get(code);
    if (gone !== undefined) return { kind: 'gone', reason: gone };
    const forbidden = FORBIDDEN.get(code);
    if (forbidden !== undefined) return { kind: 'forbidden', reason: forbidden };
    if (error.status >= SERVER_ERROR_STATUS)
      return { kind: 'transient', reason: `Discord server error ${error.status}` };
    return {
      kind: 'transient',
      reason: `Discord said ${error.status} ${firstLine(error.message)} (${code})`,
    };
  }
  if (error instanceof RateLimitError) {
    return { kind: 'retryAfter', seconds: Math.max(error.retryAfter, 0) / MS_PER_SECOND };
  }
  if (error instanceof HTTPError) {
    return { kind: 'transient', reason: `Discord answered HTTP ${error.status} ${error.message}`.trim() };
  }
  if (error instanceof Error) {
    // AbortError (timeout), undici's "fetch failed", ECONNRESET and the like.
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return {
      kind: 'transient',
      reason: `network error (${error.name}: ${firstLine(error.message)}${cause})`,
    };
  }
  return { kind: 'transient', reason: `unexpected failure: ${String(error)}` };
}

/** Discord's form errors come one per line after the summary; the summary is enough for a reason. */
function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}

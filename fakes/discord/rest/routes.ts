/**
 * The fake Discord's REST route table: `METHOD /a/b/c` (under `/api/v10/`) to a {@link Route}, O(1) on the
 * path's segments. Anything else is unmatched (404, listed in `FakeDiscord.unmatchedRequests`).
 */
import { userPayload } from '../payloads.js';
import type { DiscordState } from '../state.js';
import { createDm, createMessage, gatewayBot, getChannel } from './channels.js';
import { getCommands, putCommands } from './commands.js';
import { callback, followUp, webhookMessage } from './interactions.js';
import { MESSAGE_CREATE, type Route } from './route.js';

/** What the REST handlers need besides the request. */
export interface RestContext {
  readonly state: DiscordState;
  /** Answer interaction callbacks later than 3 s with 404 10062, like Discord. */
  readonly enforceDeadline: boolean;
  /** `ws://127.0.0.1:PORT`, once listening. */
  gatewayUrl(): string;
}

/** Maps `METHOD /a/b/c` to a route; O(1) on the path's segments. */
export function resolveRoute(rest: RestContext, method: string, p: readonly string[]): Route | undefined {
  const { state } = rest;
  const [p0, p1, p2, p3, p4] = p;
  const n = p.length;
  const bot = (key: string, handle: Route['handle'], channelId?: string): Route =>
    channelId === undefined
      ? { key, auth: true, global: true, handle }
      : { key, auth: true, global: true, handle, channelId };
  const token = (key: string, handle: Route['handle']): Route => ({
    key,
    auth: false,
    global: false,
    handle,
  });
  switch (p0) {
    case 'gateway':
      if (method !== 'GET') return undefined;
      if (n === 2 && p1 === 'bot') return bot('GET /gateway/bot', () => gatewayBot(rest.gatewayUrl()));
      if (n === 1) return token('GET /gateway', () => ({ status: 200, body: { url: rest.gatewayUrl() } }));
      return undefined;
    case 'users':
      if (p1 !== '@me') return undefined;
      if (n === 2 && method === 'GET') {
        return bot('GET /users/@me', () => ({
          status: 200,
          body: userPayload(state.bot.botUserId, state.bot.botUsername, true),
        }));
      }
      if (n === 3 && p2 === 'channels' && method === 'POST') {
        return bot('POST /users/@me/channels', (ctx) => createDm(state, ctx));
      }
      return undefined;
    case 'channels': {
      if (p1 === undefined) return undefined;
      const channelId = p1;
      if (n === 2 && method === 'GET')
        return bot('GET /channels/:id', () => getChannel(state, channelId), channelId);
      if (n === 3 && p2 === 'messages' && method === 'POST') {
        return bot(MESSAGE_CREATE, (ctx) => createMessage(state, channelId, ctx), channelId);
      }
      return undefined;
    }
    case 'applications': {
      if (p1 === undefined) return undefined;
      const app = p1;
      if (n === 3 && p2 === 'commands') {
        if (method === 'GET')
          return bot('GET /applications/:id/commands', () => getCommands(state, app, null));
        if (method === 'PUT')
          return bot('PUT /applications/:id/commands', (ctx) => putCommands(state, app, null, ctx));
      }
      if (n === 5 && p2 === 'guilds' && p3 !== undefined && p4 === 'commands') {
        const guildId = p3;
        if (method === 'GET') {
          return bot('GET /applications/:id/guilds/:id/commands', () => getCommands(state, app, guildId));
        }
        if (method === 'PUT') {
          return bot('PUT /applications/:id/guilds/:id/commands', (ctx) =>
            putCommands(state, app, guildId, ctx),
          );
        }
      }
      return undefined;
    }
    case 'interactions':
      if (n === 4 && p1 !== undefined && p2 !== undefined && p3 === 'callback' && method === 'POST') {
        const [id, tok] = [p1, p2];
        return token('POST /interactions/:id/:token/callback', (ctx) =>
          callback(state, rest.enforceDeadline, id, tok, ctx),
        );
      }
      return undefined;
    case 'webhooks': {
      if (p1 === undefined || p2 === undefined) return undefined;
      const [app, tok] = [p1, p2];
      if (n === 3 && method === 'POST') {
        return token('POST /webhooks/:id/:token', (ctx) => followUp(state, app, tok, ctx));
      }
      if (n === 5 && p3 === 'messages' && p4 !== undefined) {
        const messageId = p4;
        if (method === 'GET' || method === 'PATCH' || method === 'DELETE') {
          return token(`${method} /webhooks/:id/:token/messages/:id`, (ctx) =>
            webhookMessage(state, app, tok, messageId, ctx),
          );
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/**
 * A REST route of the fake Discord as the transport sees it: its key (for counters, buckets and faults),
 * whether it needs the bot's token and counts toward the global limit, its channel, and its handler.
 */
import type { ApiReply } from '../replies.js';

/** The message-create route: its own per-channel bucket, and the one `failEvery` counts. */
export const MESSAGE_CREATE = 'POST /channels/:id/messages';

/** One parsed request, as handlers see it. */
export interface RequestContext {
  method: string;
  query: string;
  body: unknown;
  authorization: string | undefined;
  now: number;
}

/** A matched route. */
export interface Route {
  key: string;
  /** Needs `Authorization: Bot …` (interaction endpoints are authenticated by their token). */
  auth: boolean;
  /** Counts toward the global limit (interaction endpoints do not). */
  global: boolean;
  channelId?: string;
  handle: (ctx: RequestContext) => ApiReply;
}

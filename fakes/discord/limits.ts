/**
 * Rate limits of the fake Discord, as a layer in front of the routes: a global window (50/s by default) and
 * the per-channel message bucket (5 per 5 s), fixed windows with real `x-ratelimit-*` headers, and 429s as
 * Discord sends them. Off unless `FakeDiscordOptions.limits` is given.
 *
 * @see https://discord.com/developers/docs/topics/rate-limits
 */
import type { ApiReply } from './replies.js';
import { MESSAGE_CREATE, type Route } from './rest/route.js';
import type { FakeDiscordOptions } from './types.js';

/** Per-channel message bucket as Discord applies it (5 per 5 s), and its documented 50/s global limit. */
const DEFAULT_CHANNEL_LIMIT = 5;
const DEFAULT_CHANNEL_WINDOW_MS = 5_000;
const DEFAULT_GLOBAL_PER_SECOND = 50;
const GLOBAL_WINDOW_MS = 1_000;
const MESSAGE_BUCKET_HASH = 'fake0channel0messages';

/** The route's bucket as `x-ratelimit-*` headers name it. */
export interface BucketInfo {
  hash: string;
  limit: number;
}

/**
 * A 429 as Discord sends it. Its bucket headers say `remaining: 0` until the retry time, so
 * @discordjs/rest waits `retryAfterSeconds` (a later bucket reset would make it wait for that instead).
 */
export function rateLimitReply(
  retryAfterSeconds: number,
  global: boolean,
  scope: string,
  bucket: BucketInfo,
  now: number,
): ApiReply {
  const headers: Record<string, string> = {
    ...bucketHeaders(bucket, 0, retryAfterSeconds * 1000, now),
    'retry-after': String(retryAfterSeconds),
    'x-ratelimit-scope': scope,
  };
  if (global) headers['x-ratelimit-global'] = 'true';
  return {
    status: 429,
    body: { message: 'You are being rate limited.', retry_after: retryAfterSeconds, global },
    headers,
  };
}

/** Fixed-window counter (O(1)): `limit` requests per `windowMs`. */
interface RateWindow {
  start: number;
  count: number;
}

function takeSlot(
  window: RateWindow,
  limit: number,
  windowMs: number,
  now: number,
): { ok: boolean; remaining: number; resetAfterMs: number } {
  if (now - window.start >= windowMs) {
    window.start = now;
    window.count = 0;
  }
  const resetAfterMs = window.start + windowMs - now;
  if (window.count >= limit) return { ok: false, remaining: 0, resetAfterMs };
  window.count++;
  return { ok: true, remaining: limit - window.count, resetAfterMs };
}

function bucketHeaders(
  bucket: BucketInfo,
  remaining: number,
  resetAfterMs: number,
  now: number,
): Record<string, string> {
  return {
    'x-ratelimit-limit': String(bucket.limit),
    'x-ratelimit-remaining': String(remaining),
    'x-ratelimit-reset': ((now + resetAfterMs) / 1000).toFixed(3),
    'x-ratelimit-reset-after': (resetAfterMs / 1000).toFixed(3),
    'x-ratelimit-bucket': bucket.hash,
  };
}

/** The limits in force, or none. */
export class RateLimits {
  private readonly limits: {
    global: number;
    channel: number;
    channelWindowMs: number;
  } | null;
  private readonly channelWindows = new Map<string, RateWindow>();
  private readonly globalWindow: RateWindow = { start: 0, count: 0 };

  constructor(options: FakeDiscordOptions['limits']) {
    this.limits = options
      ? {
          global: options.globalPerSecond ?? DEFAULT_GLOBAL_PER_SECOND,
          channel: options.channelPerFiveSeconds ?? DEFAULT_CHANNEL_LIMIT,
          channelWindowMs: options.channelWindowMs ?? DEFAULT_CHANNEL_WINDOW_MS,
        }
      : null;
  }

  /** Whether limits are emulated (and so `x-ratelimit-*` headers sent). */
  get enabled(): boolean {
    return this.limits !== null;
  }

  /** The route's bucket as `x-ratelimit-*` headers name it. */
  bucketOf(route: Route): BucketInfo {
    if (route.key === MESSAGE_CREATE) {
      return { hash: MESSAGE_BUCKET_HASH, limit: this.limits?.channel ?? DEFAULT_CHANNEL_LIMIT };
    }
    return { hash: `fake0${route.key.replace(/[^a-z]/gi, '').toLowerCase()}`, limit: DEFAULT_CHANNEL_LIMIT };
  }

  /** Takes a global slot and, for message creates, a channel slot; answers 429 when one is exhausted. */
  take(route: Route, now: number): ApiReply {
    const limits = this.limits;
    if (!limits) return { status: 200 };
    if (route.global) {
      const global = takeSlot(this.globalWindow, limits.global, GLOBAL_WINDOW_MS, now);
      if (!global.ok) {
        return rateLimitReply(global.resetAfterMs / 1000, true, 'global', this.bucketOf(route), now);
      }
    }
    if (route.key !== MESSAGE_CREATE || route.channelId === undefined) return { status: 200 };
    let window = this.channelWindows.get(route.channelId);
    if (!window) {
      window = { start: now, count: 0 };
      this.channelWindows.set(route.channelId, window);
    }
    const slot = takeSlot(window, limits.channel, limits.channelWindowMs, now);
    const bucket = this.bucketOf(route);
    if (!slot.ok) return rateLimitReply(slot.resetAfterMs / 1000, false, 'user', bucket, now);
    return { status: 200, headers: bucketHeaders(bucket, slot.remaining, slot.resetAfterMs, now) };
  }
}

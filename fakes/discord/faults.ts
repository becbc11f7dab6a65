/**
 * Injected failures of the fake Discord: per channel ({@link Faults.failChannel}) or on every n-th message
 * create ({@link Faults.failEvery}): unknown channel or guild, missing access or permissions, a closed DM,
 * 500, 502, a reset connection, or a 429 of any scope. Checked before rate limits.
 */
import { type BucketInfo, rateLimitReply } from './limits.js';
import { type ApiReply, apiError } from './replies.js';
import { MESSAGE_CREATE, type Route } from './rest/route.js';
import type { FakeFailure } from './types.js';

/** The answer Discord gives for `failure` on a route of `bucket`. */
export function failureReply(failure: FakeFailure, bucket: BucketInfo, now: number): ApiReply {
  if (typeof failure === 'object') {
    const { retryAfterSeconds, global = false } = failure.rateLimit;
    const scope = failure.rateLimit.scope ?? (global ? 'global' : 'user');
    return rateLimitReply(retryAfterSeconds, global, scope, bucket, now);
  }
  switch (failure) {
    case 'server_error':
      return { status: 500, body: { message: '500: Internal Server Error', code: 0 } };
    case 'bad_gateway':
      return {
        status: 502,
        body: '<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>',
        headers: { 'content-type': 'text/html' },
      };
    case 'network':
      return { status: 0, reset: true };
    default:
      return apiError(failure);
  }
}

interface InjectedFailure {
  failure: FakeFailure;
  remaining: number;
}

/** The failures currently injected. */
export class Faults {
  private readonly channelFailures = new Map<string, InjectedFailure>();
  private periodicFailure: { every: number; failure: FakeFailure; until: number; counter: number } | null =
    null;

  /**
   * Answers requests on one channel (`GET /channels/:id`, `POST /channels/:id/messages`) with a
   * failure, `times` times (default: until {@link clearFailures}). Works for unknown ids too.
   */
  failChannel(channelId: string, failure: FakeFailure, options: { times?: number } = {}): void {
    this.channelFailures.set(channelId, { failure, remaining: options.times ?? Number.POSITIVE_INFINITY });
  }

  /** Fails every `n`th message-create request (counted from now), for `untilMs` ms if given. */
  failEvery(n: number, failure: FakeFailure, options: { untilMs?: number } = {}): void {
    if (!Number.isInteger(n) || n < 1) throw new Error('FakeDiscord: failEvery needs a positive integer');
    const until = options.untilMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.untilMs;
    this.periodicFailure = { every: n, failure, until, counter: 0 };
  }

  /** Removes every injected failure. */
  clear(): void {
    this.channelFailures.clear();
    this.periodicFailure = null;
  }

  /** The failure for this request of `route`, if one is injected (counts it). */
  forRoute(route: Route, now: number): FakeFailure | undefined {
    if (route.channelId !== undefined) {
      const injected = this.channelFailures.get(route.channelId);
      if (injected) {
        injected.remaining--;
        if (injected.remaining <= 0) this.channelFailures.delete(route.channelId);
        return injected.failure;
      }
    }
    const periodic = this.periodicFailure;
    if (periodic && route.key === MESSAGE_CREATE) {
      if (now >= periodic.until) {
        this.periodicFailure = null;
        return undefined;
      }
      periodic.counter++;
      if (periodic.counter % periodic.every === 0) return periodic.failure;
    }
    return undefined;
  }
}

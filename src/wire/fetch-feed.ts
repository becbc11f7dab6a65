import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { refusedAddress } from './address.js';

/**
 * Limits on one feed fetch, as the issue states them: at most 5 redirects and a 5 MB body, a
 * timeout while nothing arrives, and a total deadline that also ends a body trickling in a byte
 * at a time (an idle timeout alone never fires on a trickle).
 */
export const FETCH_LIMITS = {
  maxRedirects: 5,
  /** Bytes of the body after decompression, so a small gzip bomb is cut off too. */
  maxBytes: 5 * 1024 * 1024,
  /** No byte (connection, headers or body) for this long ends the fetch. */
  idleTimeoutMs: 15_000,
  /** The whole fetch, redirects and body included. */
  deadlineMs: 30_000,
} as const;

/** How a fetch is made. */
export interface FetchOptions {
  /** `FEED_ALLOW_PRIVATE`: allow loopback, private and link-local addresses (tests, intranets). */
  readonly allowPrivate: boolean;
  readonly maxRedirects?: number;
  readonly maxBytes?: number;
  readonly idleTimeoutMs?: number;
  readonly deadlineMs?: number;
  /**
   * Says why an address may not be connected to; defaults to {@link refusedAddress}. Ignored when
   * `allowPrivate`. Tests narrow it to let their own server through and nothing else.
   */
  readonly refuse?: (address: string) => string | undefined;
  /** Resolves host names; defaults to the system resolver. Tests pass one that maps names to 127.0.0.1. */
  readonly lookup?: typeof dnsLookup;
  readonly userAgent?: string;
}

/** What the previous successful fetch said about the body, for a conditional request. */
export interface FetchValidators {
  readonly etag?: string;
  readonly lastModified?: string;
}

/** How a fetch went. */
export type FetchResult =
  | {
      readonly kind: 'ok';
      readonly body: Buffer;
      readonly contentType?: string;
      readonly etag?: string;
      readonly lastModified?: string;
      /** Where the body came from after redirects. */
      readonly url: string;
    }
  | { readonly kind: 'notModified'; readonly url: string }
  | { readonly kind: 'failed'; readonly reason: string; readonly status?: number };

/** The user agent feeds see; sites that block unknown bots can allow it by name. */
export const USER_AGENT = 'Briefcast/0.1 (news bot; feed reader)';

const ACCEPT =
  'application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5';
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** A failure with the sentence `/feed list` shows. */
class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Whether a URL may be fetched at all: http or https, a host, no user name or password (which would
 * show up in `/feed list` and logs). Returns the reason when not.
 */
export function urlProblem(url: URL): string | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return 'only http:// and https:// feeds can be read';
  if (url.hostname === '') return 'the URL has no host';
  if (url.username !== '' || url.password !== '')
    return 'feed URLs with a user name or password are not supported';
  return undefined;
}

/** The address policy in force: none with `allowPrivate`. */
function refusal(options: FetchOptions): (address: string) => string | undefined {
  if (options.allowPrivate) return () => undefined;
  return options.refuse ?? refusedAddress;
}

/**
 * A resolver that answers only with addresses the bot may connect to: every address the name has is
 * checked, and the connection goes to the first allowed one (so the address checked is the address
 * used — a second lookup by the HTTP client could be answered differently, which is how DNS
 * rebinding gets past a check made beforehand).
 */
function guardedLookup(options: FetchOptions): LookupFunction {
  const resolve = options.lookup ?? dnsLookup;
  return (hostname, lookupOptions, callback) => {
    resolve(hostname, { ...lookupOptions, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const list = (Array.isArray(addresses) ? addresses : []) as LookupAddress[];
      const refuse = refusal(options);
      const allowed = list.filter((a) => refuse(a.address) === undefined);
      const chosen = allowed[0];
      if (chosen === undefined) {
        const why = list[0] === undefined ? 'has no address' : `resolves to ${refuse(list[0].address)}`;
        return callback(new FetchError(`${hostname} ${why}; feeds must be on the public internet`), '', 4);
      }
      if (lookupOptions.all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, [chosen]);
      callback(null, chosen.address, chosen.family);
    });
  };
}

/**
 * Fetches a feed politely and safely: http(s) only; every hop's host resolved and refused when it is
 * loopback, private, link-local or otherwise not public (unless `allowPrivate`), and the address
 * actually connected to checked again; `If-None-Match` / `If-Modified-Since` from the last success;
 * at most {@link FETCH_LIMITS.maxRedirects} redirects; the body decompressed and cut off past
 * {@link FETCH_LIMITS.maxBytes} while it streams; an idle timeout and a total deadline. Never throws:
 * every failure is a `failed` result with a sentence for the editor.
 */
export async function fetchFeed(
  url: string,
  validators: FetchValidators,
  options: FetchOptions,
): Promise<FetchResult> {
  const deadline = options.deadlineMs ?? FETCH_LIMITS.deadlineMs;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), deadline);
  try {
    return await follow(url, validators, options, controller.signal);
  } catch (error) {
    if (controller.signal.aborted)
      return { kind: 'failed', reason: `no complete answer within ${Math.round(deadline / 1000)} s` };
    if (error instanceof FetchError)
      return {
        kind: 'failed',
        reason: error.message,
        ...(error.status !== undefined && { status: error.status }),
      };
    return { kind: 'failed', reason: networkReason(error) };
  } finally {
    clearTimeout(timer);
  }
}

/** A network error as a short sentence: `connection refused (ECONNREFUSED)`. */
function networkReason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'no such host',
    EAI_AGAIN: 'the host name could not be resolved now',
    ETIMEDOUT: 'connection timed out',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    CERT_HAS_EXPIRED: 'its TLS certificate has expired',
    DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
    ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another name',
  };
  if (typeof code === 'string') return `${known[code] ?? 'network error'} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

async function follow(
  start: string,
  validators: FetchValidators,
  options: FetchOptions,
  signal: AbortSignal,
): Promise<FetchResult> {
  const maxRedirects = options.maxRedirects ?? FETCH_LIMITS.maxRedirects;
  let url = new URL(start);
  for (let hop = 0; ; hop++) {
    const problem = urlProblem(url);
    if (problem) throw new FetchError(problem);
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    // Node skips the resolver for an IP literal, so the literal is checked here.
    if (isIP(literal) !== 0) {
      const why = refusal(options)(literal);
      if (why) throw new FetchError(`${literal} is ${why}; feeds must be on the public internet`);
    }
    const response = await send(url, validators, options, signal);
    const status = response.statusCode ?? 0;
    if (REDIRECTS.has(status)) {
      response.resume();
      const location = response.headers.location;
      if (location === undefined) throw new FetchError(`HTTP ${status} without a Location`, status);
      if (hop >= maxRedirects) throw new FetchError(`more than ${maxRedirects} redirects`, status);
      url = new URL(location, url);
      continue;
    }
    if (status === 304) {
      response.resume();
      return { kind: 'notModified', url: url.href };
    }
    if (status < 200 || status >= 300) {
      response.resume();
      throw new FetchError(
        `HTTP ${status}${response.statusMessage ? ` ${response.statusMessage}` : ''}`,
        status,
      );
    }
    const body = await readBody(response, options.maxBytes ?? FETCH_LIMITS.maxBytes);
    const header = (name: string) => {
      const value = response.headers[name];
      return typeof value === 'string' && value !== '' ? value : undefined;
    };
    const contentType = header('content-type');
    const etag = header('etag');
    const lastModified = header('last-modified');
    return {
      kind: 'ok',
      body,
      url: url.href,
      ...(contentType !== undefined && { contentType }),
      ...(etag !== undefined && { etag }),
      ...(lastModified !== undefined && { lastModified }),
    };
  }
}

/** Sends one GET and resolves with the response head; the connection is checked once made. */
function send(
  url: URL,
  validators: FetchValidators,
  options: FetchOptions,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      'user-agent': options.userAgent ?? USER_AGENT,
      accept: ACCEPT,
      'accept-encoding': 'gzip, deflate, br',
      ...(validators.etag !== undefined && { 'if-none-match': validators.etag }),
      ...(validators.lastModified !== undefined && { 'if-modified-since': validators.lastModified }),
    };
    const request: ClientRequest = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
      method: 'GET',
      headers,
      lookup: guardedLookup(options),
      signal,
      // One connection per fetch: a pooled socket would skip the check on the address connected to.
      agent: false,
    });
    request.setTimeout(options.idleTimeoutMs ?? FETCH_LIMITS.idleTimeoutMs, () =>
      request.destroy(
        new FetchError(
          `no answer for ${Math.round((options.idleTimeoutMs ?? FETCH_LIMITS.idleTimeoutMs) / 1000)} s`,
        ),
      ),
    );
    request.on('socket', (socket: Socket) => {
      socket.once('connect', () => {
        const remote = socket.remoteAddress;
        const why = remote === undefined ? 'an unknown address' : refusal(options)(remote);
        if (why !== undefined)
          request.destroy(new FetchError(`connected to ${why}; feeds must be on the public internet`));
      });
    });
    request.on('response', resolve);
    request.on('error', reject);
    request.end();
  });
}

/** Reads a body, decompressed as its `Content-Encoding` says, refusing it once past `maxBytes`. */
async function readBody(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers['content-length']);
  const encoding = String(response.headers['content-encoding'] ?? 'identity')
    .toLowerCase()
    .trim();
  if (encoding === 'identity' && Number.isFinite(declared) && declared > maxBytes) {
    response.destroy();
    throw new FetchError(`the feed is larger than ${formatBytes(maxBytes)}`);
  }
  let stream: Readable = response;
  if (encoding === 'gzip' || encoding === 'x-gzip') stream = response.pipe(createGunzip());
  else if (encoding === 'deflate') stream = response.pipe(createInflate());
  else if (encoding === 'br') stream = response.pipe(createBrotliDecompress());
  else if (encoding !== 'identity') {
    response.destroy();
    throw new FetchError(`unsupported Content-Encoding "${encoding.slice(0, 20)}"`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > maxBytes) throw new FetchError(`the feed is larger than ${formatBytes(maxBytes)}`);
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    response.destroy();
    stream.destroy();
    if (error instanceof FetchError) throw error;
    throw new FetchError(`the body could not be read (${networkReason(error)})`);
  }
  return Buffer.concat(chunks, size);
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MB` : `${Math.round(bytes / 1024)} kB`;
}

import { decodeFeed } from './charset.js';
import type { FeedDocument } from './feed-document.js';
import { type FetchOptions, type FetchValidators, fetchFeed } from './fetch-feed.js';
import { FeedParseError, type FeedParser } from './parser.js';

/** What reading a feed once gave. */
export type ReadResult =
  | {
      readonly kind: 'ok';
      readonly doc: FeedDocument;
      /** Where it was read from after redirects (relative links resolve against it). */
      readonly url: string;
      readonly etag?: string;
      readonly lastModified?: string;
    }
  | { readonly kind: 'notModified' }
  | { readonly kind: 'failed'; readonly reason: string };

/** Fetches, decodes and parses feeds: the wire's only I/O. */
export interface FeedReader {
  read(url: string, validators: FetchValidators): Promise<ReadResult>;
}

/**
 * The reader over HTTP: {@link fetchFeed} (SSRF-safe, capped, conditional), {@link decodeFeed}
 * (charset from the header, the declaration or UTF-8) and the {@link FeedParser} worker.
 */
export class HttpFeedReader implements FeedReader {
  constructor(
    private readonly fetchOptions: FetchOptions,
    private readonly parser: FeedParser,
  ) {}

  async read(url: string, validators: FetchValidators): Promise<ReadResult> {
    const fetched = await fetchFeed(url, validators, this.fetchOptions);
    if (fetched.kind === 'notModified') return { kind: 'notModified' };
    if (fetched.kind === 'failed') return { kind: 'failed', reason: fetched.reason };
    const { text } = decodeFeed(fetched.body, fetched.contentType);
    try {
      const doc = await this.parser.parse(text);
      return {
        kind: 'ok',
        doc,
        url: fetched.url,
        ...(fetched.etag !== undefined && { etag: fetched.etag }),
        ...(fetched.lastModified !== undefined && { lastModified: fetched.lastModified }),
      };
    } catch (e) {
      if (e instanceof FeedParseError) return { kind: 'failed', reason: e.message };
      throw e;
    }
  }
}

import type { UserRef } from '../core/chat.js';

/** A feed the wire polls, as an editor added it and as its polls left it. */
export interface Feed {
  /** Sequential from 1, never reused: `/feed remove 3`. */
  readonly id: number;
  readonly url: string;
  /** A topic slug; without one each entry's words choose. */
  readonly topic?: string;
  /** New entries are published at once instead of waiting on the wire. */
  readonly auto: boolean;
  readonly status: 'active' | 'paused';
  /** Why it is paused: by an editor, or after failing too often. */
  readonly pausedReason?: string;
  readonly addedBy: UserRef;
  /** ISO instants. */
  readonly addedAt: string;
  /** The feed's own title, from its last successful parse. */
  readonly title?: string;
  readonly lastPolledAt?: string;
  readonly lastSuccessAt?: string;
  readonly lastError?: string;
  readonly lastErrorAt?: string;
  /** Failures since the last success; at {@link MAX_CONSECUTIVE_FAILURES} the feed is paused. */
  readonly failures: number;
  /** Validators from the last successful fetch, for a conditional request. */
  readonly etag?: string;
  readonly lastModified?: string;
  /** New entries taken from this feed so far (drafts made). */
  readonly entriesSeen: number;
}

/** A feed that fails this many polls in a row is paused and the editor who added it is told. */
export const MAX_CONSECUTIVE_FAILURES = 10;

/** What happened to a draft. */
export type DraftState = 'waiting' | 'published' | 'skipped';

/** A candidate item from a feed: waiting for an editor, or published, or skipped. */
export interface Draft {
  /** Sequential from 1: `/wire publish 12`. */
  readonly id: number;
  readonly feedId: number;
  /** The entry's identity in its feed. */
  readonly key: string;
  readonly topic?: string;
  readonly headline: string;
  readonly body: string;
  readonly sourceName?: string;
  readonly sourceUrl?: string;
  /** The entry's own date, ISO 8601. */
  readonly entryDate?: string;
  readonly createdAt: string;
  readonly state: DraftState;
  /** Who published or skipped it; for an `auto` feed, the editor who added the feed. */
  readonly decidedBy?: UserRef;
  readonly decidedAt?: string;
  /** Published by the feed's `auto` setting rather than a tap. */
  readonly auto?: boolean;
  /** The item it became. */
  readonly itemId?: number;
}

/** A draft as a poll makes it, before the store numbers it. */
export type NewDraft = Omit<Draft, 'id' | 'state' | 'decidedBy' | 'decidedAt' | 'itemId' | 'auto'>;

/** A decision on a waiting draft. */
export interface DraftDecision {
  readonly state: 'published' | 'skipped';
  readonly by: UserRef;
  readonly at: string;
  readonly auto?: boolean;
  /** Publishing may settle the topic of a draft that had none. */
  readonly topic?: string;
}

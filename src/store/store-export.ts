import type { ChatPrefs } from '../core/store.js';

/** What of the desk's data a store holds, as moving it elsewhere sees it. */
export interface DeskExport {
  /** The key that signs session cookies, when one was stored. */
  readonly signingKey?: string;
  /** Sign-in links and sessions stored (not moved: editors sign in again with `/desk`). */
  readonly signInTokens: number;
  readonly sessions: number;
}

/**
 * What `npm run migrate-store` reads from a source store beyond the `Store` port, which never lists
 * everything: the chat preferences (the port reads them one chat at a time) and the desk's signing
 * key (the port only ever stores one). The embedded stores (memory, lowdb) provide it.
 */
export interface StoreExport {
  /** Every chat's preferences in chat-key order, at most `pageSize` a page. */
  chatPrefsPages(pageSize: number): AsyncIterable<ReadonlyArray<readonly [string, ChatPrefs]>>;
  deskExport(): Promise<DeskExport>;
}

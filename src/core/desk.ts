import type { UserRef } from './chat.js';

/**
 * A one-time sign-in link as stored: only the SHA-256 of its token is kept, so whoever reads the
 * store cannot sign in with it.
 */
export interface SignInToken {
  /** Hex SHA-256 of the token in the link. */
  readonly hash: string;
  /** The editor who asked for the link with `/desk`. */
  readonly user: UserRef;
  /** ISO instants. */
  readonly createdAt: string;
  readonly expiresAt: string;
  /** Set when the link was used; a used link is kept until it expires, so the desk can say "used". */
  readonly usedAt?: string;
  /** The language of the chat `/desk` was sent from (`zh-CN`): the desk speaks it unless the browser chose. */
  readonly language?: string;
}

/** An editor's signed-in session on the desk, stored by the hash of its id. */
export interface DeskSession {
  /** Hex SHA-256 of the session id in the cookie. */
  readonly hash: string;
  readonly user: UserRef;
  /** ISO instants. */
  readonly createdAt: string;
  readonly expiresAt: string;
  /** The sign-in link's {@link SignInToken.language}, kept for the session's pages. */
  readonly language?: string;
}

/** What using a sign-in token came to. */
export type TokenUse =
  | { readonly kind: 'ok'; readonly user: UserRef; readonly language?: string }
  /** Used before (by this browser or another): a link works once. */
  | { readonly kind: 'used' }
  | { readonly kind: 'expired' }
  /** No such token: mistyped, made up, or purged long after it expired. */
  | { readonly kind: 'unknown' };

/**
 * Where the desk keeps sign-in links and sessions. Kept in the shared store, so a link minted by one
 * bot process works in another and signing out ends the session in all of them.
 *
 * Contract every implementation keeps:
 * - {@link useSignInToken} is a compare-and-set: of two uses of one token, at most one gets `ok`,
 *   and only before `expiresAt`;
 * - only hashes are stored, never a token or a session id;
 * - {@link deskSigningKey} returns the same key to every caller once one is stored.
 */
export interface DeskSessions {
  addSignInToken(token: SignInToken): Promise<void>;
  /** The token with this hash, used or not (to tell "used" from "unknown" before a sign-in). */
  findSignInToken(hash: string): Promise<SignInToken | undefined>;
  /**
   * Marks the token used at `now` and returns its editor and language — only if it exists, is unused and has not
   * expired at `now` (ISO instant).
   */
  useSignInToken(hash: string, now: string): Promise<TokenUse>;
  addSession(session: DeskSession): Promise<void>;
  /** The session with this hash, expired or not (the caller compares `expiresAt`). */
  getSession(hash: string): Promise<DeskSession | undefined>;
  /** Ends a session everywhere; `false` when there was none. */
  deleteSession(hash: string): Promise<boolean>;
  /** Forgets tokens and sessions that expired before `now` (ISO instant); returns how many. */
  purgeDesk(now: string): Promise<number>;
  /**
   * The key that signs session cookies: the stored one, or `proposed` after storing it when there is
   * none yet, so every process sharing the store signs alike.
   */
  deskSigningKey(proposed: string): Promise<string>;
}

/** Mints the one-time links `/desk` replies with; absent when the desk is off (`DESK_PORT` unset). */
export interface DeskLinks {
  /**
   * A link that signs `user` in once, within its lifetime, to a desk in `language` (the language of
   * the chat that asked) unless the browser chose another.
   */
  signInLink(
    user: UserRef,
    now: Date,
    language?: string,
  ): Promise<{ readonly url: string; readonly expiresAt: Date }>;
}

import { createHash, randomBytes } from 'node:crypto';
import type { UserRef } from '../../core/chat.js';
import type { DeskLinks, DeskSession, DeskSessions } from '../../core/desk.js';

/** A `/desk` link signs in within this long. */
export const SIGN_IN_LINK_MS = 10 * 60_000;
/** A desk session lasts this long from sign-in (no sliding renewal: an editor signs in again each day). */
export const SESSION_MS = 12 * 60 * 60_000;
/** Random bytes in a sign-in token and in a session id: 256 bits, beyond guessing. */
const SECRET_BYTES = 32;
/** Tokens and session ids are hex, which no chat's markdown or HTML escaping alters in a link. */
const SECRET_FORM = /^[0-9a-f]{64}$/;
/** How often expired tokens and sessions are purged from the store, at most. */
const PURGE_EVERY_MS = 10 * 60_000;
/** Expired links are kept this long, so opening one says "expired" rather than "not a link". */
const KEEP_EXPIRED_MS = 24 * 60 * 60_000;

/** The SHA-256 of a secret, as the store keeps it. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('hex');
}

/** What a sign-in link came to, seen before using it. */
export type LinkState = 'valid' | 'used' | 'expired' | 'unknown';

/** A session as the desk works with it: the stored record and the id in the cookie. */
export interface SignedIn {
  readonly sessionId: string;
  readonly session: DeskSession;
}

/** What {@link DeskAuth} needs. */
export interface DeskAuthOptions {
  readonly sessions: DeskSessions;
  /** `DESK_PUBLIC_URL`: the origin links point to. */
  readonly publicUrl: string;
  /** Whether a user is an editor now (a session ends when its editor is removed from the list). */
  readonly isEditor: (user: UserRef) => boolean;
}

/**
 * Sign-in for the desk: mints `/desk` links (one use, {@link SIGN_IN_LINK_MS}), turns a used link into
 * a session ({@link SESSION_MS}) and checks sessions. Tokens and session ids exist only in the link
 * and the cookie; the store keeps their SHA-256.
 */
export class DeskAuth implements DeskLinks {
  #lastPurge = 0;

  constructor(private readonly options: DeskAuthOptions) {}

  async signInLink(user: UserRef, now: Date, language?: string): Promise<{ url: string; expiresAt: Date }> {
    await this.#purge(now);
    const token = newSecret();
    const expiresAt = new Date(now.getTime() + SIGN_IN_LINK_MS);
    await this.options.sessions.addSignInToken({
      hash: hashSecret(token),
      user,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      ...(language !== undefined && { language }),
    });
    return { url: `${this.options.publicUrl}/sign-in/${token}`, expiresAt };
  }

  /** Whether a link's token would sign in at `now`, without using it. */
  async linkState(token: string, now: Date): Promise<LinkState> {
    if (!SECRET_FORM.test(token)) return 'unknown';
    const found = await this.options.sessions.findSignInToken(hashSecret(token));
    if (!found) return 'unknown';
    if (found.usedAt !== undefined) return 'used';
    return found.expiresAt <= now.toISOString() ? 'expired' : 'valid';
  }

  /** Uses a link's token and starts a session; otherwise says why not. */
  async signIn(token: string, now: Date): Promise<SignedIn | Exclude<LinkState, 'valid'>> {
    if (!SECRET_FORM.test(token)) return 'unknown';
    const use = await this.options.sessions.useSignInToken(hashSecret(token), now.toISOString());
    if (use.kind !== 'ok') return use.kind;
    // An editor removed from the list since asking for the link gets no session.
    if (!this.options.isEditor(use.user)) return 'unknown';
    const sessionId = newSecret();
    const session: DeskSession = {
      hash: hashSecret(sessionId),
      user: use.user,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + SESSION_MS).toISOString(),
      ...(use.language !== undefined && { language: use.language }),
    };
    await this.options.sessions.addSession(session);
    return { sessionId, session };
  }

  /** The live session with this id at `now`, if any, and only while its user is an editor. */
  async session(sessionId: string, now: Date): Promise<DeskSession | undefined> {
    if (!SECRET_FORM.test(sessionId)) return undefined;
    const session = await this.options.sessions.getSession(hashSecret(sessionId));
    if (!session || session.expiresAt <= now.toISOString() || !this.options.isEditor(session.user))
      return undefined;
    return session;
  }

  /** Ends a session, in every process sharing the store. */
  async signOut(sessionId: string): Promise<void> {
    if (SECRET_FORM.test(sessionId)) await this.options.sessions.deleteSession(hashSecret(sessionId));
  }

  /** The key session cookies are signed with, shared through the store. */
  async cookieKey(): Promise<string> {
    return this.options.sessions.deskSigningKey(newSecret());
  }

  async #purge(now: Date): Promise<void> {
    if (now.getTime() - this.#lastPurge < PURGE_EVERY_MS) return;
    this.#lastPurge = now.getTime();
    await this.options.sessions.purgeDesk(new Date(now.getTime() - KEEP_EXPIRED_MS).toISOString());
  }
}

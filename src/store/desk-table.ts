import type { DeskSession, SignInToken, TokenUse } from '../core/desk.js';

/** One change to the desk's sign-in links and sessions, as a persistent store journals it. */
export type DeskChange =
  | { readonly kind: 'token'; readonly token: SignInToken }
  | { readonly kind: 'tokenUsed'; readonly hash: string; readonly at: string }
  | { readonly kind: 'session'; readonly session: DeskSession }
  | { readonly kind: 'sessionDeleted'; readonly hash: string }
  | { readonly kind: 'purged'; readonly before: string }
  | { readonly kind: 'key'; readonly key: string };

/** The desk's data as a store writes it out (the lowdb manifest holds it: a few records). */
export interface DeskSnapshot {
  readonly key?: string;
  readonly tokens: readonly SignInToken[];
  readonly sessions: readonly DeskSession[];
}

/**
 * The desk's sign-in links and sessions in memory, for the memory and lowdb stores: the
 * `DeskSessions` half of the Store port, each check and change made in one synchronous step (so a
 * token is used once), each change reported to {@link onChange} for a persistent store to journal.
 */
export class DeskTable {
  readonly #tokens = new Map<string, SignInToken>();
  readonly #sessions = new Map<string, DeskSession>();
  #key: string | undefined;
  onChange: (change: DeskChange) => void = () => undefined;

  /** Starts from what a store wrote out. */
  load(snapshot: DeskSnapshot | undefined): void {
    if (!snapshot) return;
    for (const token of snapshot.tokens) this.#tokens.set(token.hash, token);
    for (const session of snapshot.sessions) this.#sessions.set(session.hash, session);
    this.#key = snapshot.key;
  }

  snapshot(): DeskSnapshot {
    return {
      ...(this.#key !== undefined && { key: this.#key }),
      tokens: [...this.#tokens.values()],
      sessions: [...this.#sessions.values()],
    };
  }

  findToken(hash: string): SignInToken | undefined {
    const token = this.#tokens.get(hash);
    return token && structuredClone(token);
  }

  useToken(hash: string, now: string): TokenUse {
    const token = this.#tokens.get(hash);
    if (!token) return { kind: 'unknown' };
    if (token.usedAt !== undefined) return { kind: 'used' };
    if (token.expiresAt <= now) return { kind: 'expired' };
    this.#change({ kind: 'tokenUsed', hash, at: now });
    return {
      kind: 'ok',
      user: structuredClone(token.user),
      ...(token.language !== undefined && { language: token.language }),
    };
  }

  getSession(hash: string): DeskSession | undefined {
    const session = this.#sessions.get(hash);
    return session && structuredClone(session);
  }

  /** Applies a change and reports it. */
  #change(change: DeskChange): void {
    this.apply(change);
    this.onChange(change);
  }

  addToken(token: SignInToken): void {
    this.#change({ kind: 'token', token: structuredClone(token) });
  }

  addSession(session: DeskSession): void {
    this.#change({ kind: 'session', session: structuredClone(session) });
  }

  deleteSession(hash: string): boolean {
    if (!this.#sessions.has(hash)) return false;
    this.#change({ kind: 'sessionDeleted', hash });
    return true;
  }

  purge(before: string): number {
    let expired = 0;
    for (const map of [this.#tokens, this.#sessions])
      for (const e of map.values()) if (e.expiresAt <= before) expired++;
    if (expired > 0) this.#change({ kind: 'purged', before });
    return expired;
  }

  signingKey(proposed: string): string {
    if (this.#key === undefined) this.#change({ kind: 'key', key: proposed });
    return this.#key!;
  }

  /** Applies a change (also one read back from a journal); applying one twice is harmless. */
  apply(change: DeskChange): void {
    switch (change.kind) {
      case 'token':
        this.#tokens.set(change.token.hash, change.token);
        break;
      case 'tokenUsed': {
        const token = this.#tokens.get(change.hash);
        if (token && token.usedAt === undefined)
          this.#tokens.set(change.hash, { ...token, usedAt: change.at });
        break;
      }
      case 'session':
        this.#sessions.set(change.session.hash, change.session);
        break;
      case 'sessionDeleted':
        this.#sessions.delete(change.hash);
        break;
      case 'purged':
        for (const map of [this.#tokens, this.#sessions])
          for (const [hash, e] of map) if (e.expiresAt <= change.before) map.delete(hash);
        break;
      case 'key':
        this.#key ??= change.key;
        break;
    }
  }
}

/** Whether parsed JSON is a {@link DeskSnapshot} (loosely: its lists are lists). */
export function isDeskSnapshot(v: unknown): v is DeskSnapshot {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    Array.isArray(r.tokens) && Array.isArray(r.sessions) && (r.key === undefined || typeof r.key === 'string')
  );
}

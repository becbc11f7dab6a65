import type { DeskSession, DeskSessions, SignInToken, TokenUse } from '../../core/desk.js';

/**
 * {@link DeskSessions} in this process's memory: what the desk uses until the shared store keeps
 * them, and what its tests use. Sign-in links and sessions do not outlive the process.
 */
export class MemoryDeskSessions implements DeskSessions {
  readonly #tokens = new Map<string, SignInToken>();
  readonly #sessions = new Map<string, DeskSession>();
  #key: string | undefined;

  async addSignInToken(token: SignInToken): Promise<void> {
    this.#tokens.set(token.hash, structuredClone(token));
  }

  async findSignInToken(hash: string): Promise<SignInToken | undefined> {
    const token = this.#tokens.get(hash);
    return token && structuredClone(token);
  }

  async useSignInToken(hash: string, now: string): Promise<TokenUse> {
    const token = this.#tokens.get(hash);
    if (!token) return { kind: 'unknown' };
    if (token.usedAt !== undefined) return { kind: 'used' };
    if (token.expiresAt <= now) return { kind: 'expired' };
    // Checked and set in one synchronous step: of two uses, the second sees `usedAt`.
    this.#tokens.set(hash, { ...token, usedAt: now });
    return { kind: 'ok', user: structuredClone(token.user) };
  }

  async addSession(session: DeskSession): Promise<void> {
    this.#sessions.set(session.hash, structuredClone(session));
  }

  async getSession(hash: string): Promise<DeskSession | undefined> {
    const session = this.#sessions.get(hash);
    return session && structuredClone(session);
  }

  async deleteSession(hash: string): Promise<boolean> {
    return this.#sessions.delete(hash);
  }

  async purgeDesk(now: string): Promise<number> {
    let purged = 0;
    for (const map of [this.#tokens, this.#sessions]) {
      for (const [hash, entry] of map) {
        if (entry.expiresAt <= now) {
          map.delete(hash);
          purged++;
        }
      }
    }
    return purged;
  }

  async deskSigningKey(proposed: string): Promise<string> {
    this.#key ??= proposed;
    return this.#key;
  }
}

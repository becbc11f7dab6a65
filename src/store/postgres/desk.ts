import type { DeskSession, DeskSessions, SignInToken, TokenUse } from '../../core/desk.js';
import type { Counted, Once, Query } from './query.js';

/**
 * The desk's sign-in links, sessions and signing key in PostgreSQL (tables `desk_tokens`,
 * `desk_sessions`, `desk_signing_key`): only hashes are stored, each record whole as `jsonb` so a
 * field added later (a language, say) is kept without a migration.
 *
 * A write retried after a commit whose answer was lost answers as the first attempt would have:
 * the upserts and the signing key's insert are idempotent as they are; the use of a link, the end of
 * a session and the purge run {@link Once}, so a link the lost attempt used still signs in.
 */
export class PostgresDesk implements DeskSessions {
  constructor(
    private readonly query: Query,
    private readonly once: Once,
  ) {}

  async addSignInToken(token: SignInToken): Promise<void> {
    await this.query(
      'addSignInToken',
      `INSERT INTO desk_tokens (hash, expires_at, used_at, token) VALUES ($1, $2, $3, $4)
       ON CONFLICT (hash) DO UPDATE SET expires_at = EXCLUDED.expires_at, used_at = EXCLUDED.used_at, token = EXCLUDED.token`,
      [token.hash, token.expiresAt, token.usedAt ?? null, JSON.stringify(token)],
    );
  }

  async findSignInToken(hash: string): Promise<SignInToken | undefined> {
    const { rows } = await this.query<{ token: SignInToken }>(
      'findSignInToken',
      'SELECT token FROM desk_tokens WHERE hash = $1',
      [hash],
    );
    return rows[0]?.token;
  }

  async useSignInToken(hash: string, now: string): Promise<TokenUse> {
    return this.once('useSignInToken', async (client): Promise<TokenUse> => {
      // The compare-and-set: of two uses at once, one updates the row, the other then finds it used.
      const { rows } = await client.query<{ token: SignInToken }>(
        `UPDATE desk_tokens SET used_at = $2, token = token || jsonb_build_object('usedAt', $2::text)
         WHERE hash = $1 AND used_at IS NULL AND expires_at > $3::timestamptz RETURNING token`,
        [hash, now, now],
      );
      const used = rows[0]?.token;
      if (used)
        return {
          kind: 'ok',
          user: used.user,
          ...(used.language !== undefined && { language: used.language }),
        };
      const found = await client.query<{ token: SignInToken }>(
        'SELECT token FROM desk_tokens WHERE hash = $1',
        [hash],
      );
      const token = found.rows[0]?.token;
      if (!token) return { kind: 'unknown' };
      return token.usedAt !== undefined ? { kind: 'used' } : { kind: 'expired' };
    });
  }

  async addSession(session: DeskSession): Promise<void> {
    await this.query(
      'addSession',
      `INSERT INTO desk_sessions (hash, expires_at, session) VALUES ($1, $2, $3)
       ON CONFLICT (hash) DO UPDATE SET expires_at = EXCLUDED.expires_at, session = EXCLUDED.session`,
      [session.hash, session.expiresAt, JSON.stringify(session)],
    );
  }

  async getSession(hash: string): Promise<DeskSession | undefined> {
    const { rows } = await this.query<{ session: DeskSession }>(
      'getSession',
      'SELECT session FROM desk_sessions WHERE hash = $1',
      [hash],
    );
    return rows[0]?.session;
  }

  async deleteSession(hash: string): Promise<boolean> {
    return this.once('deleteSession', async (client) => {
      const { rowCount } = await client.query('DELETE FROM desk_sessions WHERE hash = $1', [hash]);
      return (rowCount ?? 0) > 0;
    });
  }

  async purgeDesk(now: string): Promise<number> {
    return this.once('purgeDesk', async (client) => {
      const { rows } = await client.query<Counted>(
        `WITH t AS (DELETE FROM desk_tokens WHERE expires_at <= $1 RETURNING 1),
              s AS (DELETE FROM desk_sessions WHERE expires_at <= $1 RETURNING 1)
         SELECT ((SELECT count(*) FROM t) + (SELECT count(*) FROM s))::int AS n`,
        [now],
      );
      return rows[0]?.n ?? 0;
    });
  }

  async deskSigningKey(proposed: string): Promise<string> {
    await this.query(
      'deskSigningKey',
      'INSERT INTO desk_signing_key (id, key) VALUES (1, $1) ON CONFLICT (id) DO NOTHING',
      [proposed],
    );
    // A statement of its own, so it sees the key whoever won stored.
    const { rows } = await this.query<{ key: string }>(
      'deskSigningKey',
      'SELECT key FROM desk_signing_key WHERE id = 1',
    );
    return rows[0]?.key ?? proposed;
  }
}

/**
 * How the PostgreSQL store names its server in messages and logs: by host and port only, never the
 * user or the password of `DATABASE_URL`.
 */

/** `host:port` of a connection URL (`postgres://u:p@db.internal:5433/x` → `db.internal:5433`). */
export function serverOf(url: string): string {
  try {
    const u = new URL(url);
    const host = u.hostname || u.searchParams.get('host') || 'localhost';
    return `${host}:${u.port || '5432'}`;
  } catch {
    return 'the server in DATABASE_URL';
  }
}

/** `error`'s message on one line, the URL's password masked should any library have put it there. */
export function oneLine(error: unknown, url: string): string {
  const text =
    error instanceof Error ? error.message || String((error as { code?: unknown }).code) : String(error);
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {}
  const line = text.replace(/\s+/g, ' ').trim();
  return password === '' ? line : line.split(password).join('***');
}

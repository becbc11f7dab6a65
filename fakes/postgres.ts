/**
 * Not a fake: a real, throwaway PostgreSQL server for tests, drills and benchmarks — Debian's
 * `postgresql` binaries (`.ci/run` installs them), a new cluster in a temporary folder, listening on
 * 127.0.0.1 on a free port, gone when stopped. As root (CI), the server runs as the `postgres` user,
 * since PostgreSQL refuses to run as root.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './shared/listen.js';

/** A running server; `url` connects as its superuser to the `postgres` database. */
export interface PostgresServer {
  readonly url: string;
  readonly port: number;
  /** `url` with another database name. */
  urlFor(database: string): string;
  /** Stops the server at once (`immediate` mode) and removes its folder. */
  stop(): Promise<void>;
}

/** Options for {@link startPostgres}. */
export interface StartOptions {
  /**
   * Trade durability for speed (`fsync=off`, no synchronous commit): right for tests; benchmarks
   * that measure writes keep them on.
   */
  readonly fast?: boolean;
  readonly maxConnections?: number;
  /** Extra `-c name=value` settings. */
  readonly settings?: Readonly<Record<string, string>>;
}

const SUPERUSER = 'briefcast';
/** How long the server gets to accept connections. */
const START_TIMEOUT_MS = 30_000;

/** The folder with `initdb` and `postgres`: `PG_BIN` when set, else the newest Debian version. */
export function postgresBinDir(): string {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  if (newest === undefined) {
    throw new Error(
      'PostgreSQL server binaries not found under /usr/lib/postgresql (install Debian\'s "postgresql", as .ci/run does, or set PG_BIN)',
    );
  }
  return join(root, newest, 'bin');
}

/** As root, the `postgres` user's uid and gid, for the server's processes; else `{}` (ourselves). */
function serverUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/** Starts a new server; throws with the server's own words when it cannot. */
export async function startPostgres(options: StartOptions = {}): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'briefcast-pg-'));
  const data = join(dir, 'data');
  const user = serverUser();
  if (user.uid !== undefined && user.gid !== undefined) {
    chownSync(dir, user.uid, user.gid);
    chmodSync(dir, 0o700);
  }
  execFileSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', SUPERUSER, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
    { stdio: ['ignore', 'ignore', 'pipe'], ...user },
  );
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    max_connections: String(options.maxConnections ?? 300),
    ...(options.fast === false ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    ...options.settings,
  };
  const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const child = spawn(join(bin, 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], ...user });
  // A test run that ends without stopping it (a crash) must not leave the server running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const ready = ['-h', '127.0.0.1', '-p', String(port), '-U', SUPERUSER];
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited) throw new Error(`PostgreSQL did not start: ${output.trim()}`);
    try {
      execFileSync(join(bin, 'pg_isready'), ready, { stdio: 'ignore' });
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(
          `PostgreSQL did not accept connections within ${START_TIMEOUT_MS} ms: ${output.trim()}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const urlFor = (database: string) => `postgres://${SUPERUSER}@127.0.0.1:${port}/${database}`;
  return {
    url: urlFor('postgres'),
    port,
    urlFor,
    async stop() {
      process.off('exit', killOnExit);
      if (!exited) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGQUIT');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

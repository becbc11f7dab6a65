import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { freshDatabase } from './helpers/postgres.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
};

/** The Dockerfile's instructions (continuation lines joined, comments left out), as [keyword, rest]. */
function instructions(): Array<[string, string]> {
  const joined = read('Dockerfile')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .map((line) => {
      const at = line.indexOf(' ');
      return [line.slice(0, at).toUpperCase(), line.slice(at + 1).trim()];
    });
}
const all = (keyword: string) =>
  instructions()
    .filter(([k]) => k === keyword)
    .map(([, rest]) => rest);

/** The instructions of the image's last stage (after its last `FROM`). */
const lastStage = () => {
  const all = instructions();
  const from = all.map(([k]) => k).lastIndexOf('FROM');
  return all.slice(from + 1);
};
/** The sources and destination of a `COPY` (its `--` options left out). */
const copyParts = (copy: string) => copy.split(/\s+/).filter((p) => !p.startsWith('--'));

describe('the Dockerfile', () => {
  it('builds on Node 20 in a build stage, and ships the production dependencies only', () => {
    expect(all('FROM')).toEqual(['node:20-bookworm-slim AS build', 'node:20-bookworm-slim']);
    expect(all('RUN')).toContain('npm run build');
    expect(lastStage().some(([k, rest]) => k === 'RUN' && rest.includes('npm ci --omit=dev'))).toBe(true);
    expect(lastStage()).toContainEqual(['COPY', '--from=build /app/dist ./dist']);
    // `npm start` (a fresh clone's `npm install && npm start`) still loads TypeScript through tsx.
    expect(pkg.dependencies.tsx).toBeDefined();
  });

  it('copies only what exists, and runs as a user other than root', () => {
    for (const copy of all('COPY')) {
      if (copy.includes('--from=')) continue;
      const parts = copyParts(copy);
      for (const source of parts.slice(0, -1)) expect(existsSync(path.join(ROOT, source)), source).toBe(true);
    }
    const users = all('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('runs the built bot with npm start’s memory flags, node itself, so SIGTERM reaches it', () => {
    const cmd = JSON.parse(all('CMD').at(-1) ?? '[]') as string[];
    const start = pkg.scripts.start?.split(' ') ?? [];
    const memoryFlags = start.filter((w) => /^--(max|initial)/.test(w));
    expect(memoryFlags).toContain('--max-old-space-size=512');
    expect(cmd).toEqual(['node', ...memoryFlags, 'dist/src/main.js']);
  });

  it('checks its health on /healthz at HEALTH_PORT', () => {
    expect(all('ENV')).toContain('HEALTH_PORT=8080');
    const check = all('HEALTHCHECK').at(-1) ?? '';
    expect(check).toContain('/healthz');
    expect(check).toContain('process.env.HEALTH_PORT');
  });

  it('keeps local data and secrets out of the image', () => {
    const ignored = read('.dockerignore').split('\n');
    for (const entry of ['.env', 'node_modules', 'data/db.json', 'data/db.*', '.git'])
      expect(ignored).toContain(entry);
  });
});

/**
 * The image's /app, laid out as its last stage's `COPY` lines say, in a temporary folder: the build
 * stage's `dist/` is `npm run build`'s output (compiled here into that folder), `node_modules` this
 * checkout's.
 */
function imageLayout(): string {
  const app = path.join(mkdtempSync(path.join(tmpdir(), 'briefcast-image-')), 'app');
  mkdirSync(app);
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const built = spawnSync(
    process.execPath,
    [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(app, 'dist')],
    { encoding: 'utf8' },
  );
  expect(built.status, built.stdout + built.stderr).toBe(0);
  for (const [k, rest] of lastStage()) {
    if (k !== 'COPY' || rest.includes('--from=')) continue;
    const parts = copyParts(rest);
    const to = path.join(app, parts.at(-1)!);
    for (const source of parts.slice(0, -1)) {
      const target = to.endsWith('/') ? path.join(to, path.basename(source)) : to;
      cpSync(path.join(ROOT, source), target, { recursive: true });
    }
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'));
  return app;
}

/** Runs the image's `CMD` in `app` (console mode), `input` on its stdin; its exit code and output. */
function runImageCmd(app: string, env: Record<string, string>, input: string) {
  const cmd = JSON.parse(all('CMD').at(-1) ?? '[]') as string[];
  return spawnSync(process.execPath, cmd.slice(1), {
    cwd: app,
    input,
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', HOME: app, LOG_LEVEL: 'info', ...env },
  });
}

describe('the image’s command on the image’s files', () => {
  let app: string;
  beforeAll(() => {
    app = imageLayout();
  }, 120_000);
  afterAll(() => rmSync(path.dirname(app), { recursive: true, force: true }));

  it('starts the built bot on lowdb: topics and the sample briefing found, the console answers', () => {
    const run = runImageCmd(app, { DATABASE_FILE: path.join(app, '..', 'db.json') }, '/brief 2022-01-11\n');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('BRIEFING — TUE 11 JAN 2022');
    expect(run.stderr).toContain('"msg":"ready"');
  });

  it('starts the built bot on PostgreSQL: its migrations found and applied', async () => {
    const db = await freshDatabase();
    try {
      const run = runImageCmd(
        app,
        { DATABASE_URL: db.url, DATABASE_FILE: path.join(app, '..', 'pg-db.json') },
        '/topics\n',
      );
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toContain('database schema updated');
      expect(run.stderr).toContain('"msg":"ready"');
    } finally {
      await db.drop();
    }
  });
});

interface ComposeService {
  image?: string;
  build?: unknown;
  env_file?: string | string[];
  environment?: Record<string, string>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
}

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const { postgres, 'briefcast-a': a, 'briefcast-b': b } = compose.services;

  it('runs PostgreSQL 16 with a health check', () => {
    expect(postgres?.image).toBe('postgres:16');
    expect(postgres?.healthcheck?.test.join(' ')).toContain('pg_isready');
  });

  it('runs two Briefcast processes on the same database once it is healthy, each with .env', () => {
    for (const service of [a, b]) {
      expect(service?.build).toBeDefined();
      expect(service?.env_file).toBe('.env');
      expect(service?.depends_on?.postgres?.condition).toBe('service_healthy');
      expect(new URL(service?.environment?.DATABASE_URL ?? '').hostname).toBe('postgres');
    }
    expect(a?.environment?.DATABASE_URL).toBe(b?.environment?.DATABASE_URL);
  });

  it('publishes each one’s HEALTH_PORT on a host port of its own', () => {
    const published = [a, b].map((service) => {
      const [host, container] = (service?.ports?.[0] ?? '').split(':');
      expect(container).toBe(service?.environment?.HEALTH_PORT);
      return host;
    });
    expect(new Set(published).size).toBe(2);
  });
});

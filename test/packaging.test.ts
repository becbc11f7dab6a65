import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

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

describe('the Dockerfile', () => {
  it('builds on Node 20 with the production dependencies only, tsx among them', () => {
    expect(all('FROM')).toEqual(['node:20-bookworm-slim']);
    expect(all('RUN').some((r) => r.includes('npm ci --omit=dev'))).toBe(true);
    // `npm start` loads TypeScript through tsx: without it in dependencies the image could not start.
    expect(pkg.dependencies.tsx).toBeDefined();
  });

  it('copies only what exists, and runs as a user other than root', () => {
    for (const copy of all('COPY')) {
      const parts = copy.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) expect(existsSync(path.join(ROOT, source)), source).toBe(true);
    }
    const users = all('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('runs npm start’s command itself, memory flags included, so SIGTERM reaches node', () => {
    const cmd = JSON.parse(all('CMD').at(-1) ?? '[]') as string[];
    expect(cmd).toEqual(pkg.scripts.start?.split(' '));
    expect(cmd).toContain('--max-old-space-size=512');
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

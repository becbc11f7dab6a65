import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, migrationsDir } from '../../../src/store/postgres/migrate.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const SOURCE_DIR = path.join(ROOT, 'src', 'store', 'postgres', 'migrations');

describe('the migration files', () => {
  it('are found in the source tree by the module run with tsx', () => {
    expect(MIGRATIONS_DIR).toBe(SOURCE_DIR);
    expect(readdirSync(MIGRATIONS_DIR)).toContain('001_core.sql');
  });

  it('are found in the source tree by the built module (dist/, where tsc copies no .sql file)', () => {
    const built = pathToFileURL(path.join(ROOT, 'dist', 'src', 'store', 'postgres', 'migrate.js'));
    expect(migrationsDir(built)).toBe(SOURCE_DIR);
    expect(existsSync(path.join(migrationsDir(built), '001_core.sql'))).toBe(true);
  });
});

/**
 * Vitest global setup: one real PostgreSQL server for the whole run (`fakes/postgres.ts`); each test
 * file makes its own database on it with `freshDatabase` (`test/helpers/postgres.ts`).
 */
import type { TestProject } from 'vitest/node';
import { type PostgresServer, startPostgres } from '../../fakes/postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test server's superuser URL (database `postgres`). */
    postgresUrl: string;
  }
}

let server: PostgresServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startPostgres({ fast: true });
  project.provide('postgresUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

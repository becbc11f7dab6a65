import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One real PostgreSQL server for the run; test files make their own databases on it.
    globalSetup: ['test/setup/postgres.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});

import { defineConfig } from 'vitest/config';

// Three projects: pure code (shared/, extension/), and the API suite twice — once on
// embedded PGlite, once on real Postgres (TEST_DATABASE_URL). See scripts/test.mjs.
const apiTests = ['api/**/*.test.ts'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/**/*.test.ts', 'extension/**/*.test.{ts,tsx}', 'db/**/*.test.ts', 'scripts/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'api-pglite',
          include: apiTests,
          // Large imports run in a thread on Postgres only (a PGlite database lives in the API process).
          exclude: ['**/node_modules/**', 'api/src/modules/prospects/import-thread.test.ts'],
          env: { LUMINA_TEST_DB: 'pglite' },
          globalSetup: ['api/test/pglite-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'api-postgres',
          include: apiTests,
          // The embedded server is PGlite by definition: its crash test runs on api-pglite only.
          exclude: ['**/node_modules/**', 'api/test/standing/embedded-crash.test.ts'],
          env: { LUMINA_TEST_DB: 'postgres' },
          globalSetup: ['api/test/pg-global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The extension loaded in Debian's Chromium against a real API (run after `vite build`).
        test: {
          name: 'e2e',
          include: ['e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 90_000,
          fileParallelism: false,
        },
      },
    ],
  },
});

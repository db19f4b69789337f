import { defineConfig } from 'vitest/config';

// The HTTP suite runs twice, once per storage engine; unit tests run once.
export default defineConfig({
  test: {
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'pglite',
          include: ['test/**/*.test.ts'],
          env: { PARLEY_TEST_DB: 'pglite' },
          globalSetup: ['test/pglite-template.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['test/**/*.test.ts'],
          env: { PARLEY_TEST_DB: 'postgres' },
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});

import { defineConfig } from 'vitest/config';

// Passwords are hashed at a test-only scrypt cost in this process, its workers and the servers and CLIs they start
// (src/features/members/password.ts: honoured only with NODE_ENV=test).
process.env.PARLEY_TEST_FAST_PASSWORD_HASH ??= '1';

// The HTTP suite runs twice, once per storage engine; unit tests run once.
export default defineConfig({
  test: {
    maxWorkers: 2,
    // Test files share their worker's loaded modules instead of each loading Parley afresh (about 2 s of imports per
    // file on this machine). Every server, database and browser a file starts is still its own, and no test file
    // changes state at module level (password.test.ts reloads its module and restores the environment).
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // expect.poll gives up after 1 s by default: shorter than an answer takes to stream into a page on a busy 2-core CI
    // machine (a widget journey failed so in CI). A poll that passes returns at once; only a failing one waits longer.
    expect: { poll: { timeout: 15_000 } },
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts', 'web/**/*.test.ts'] } },
      // Browser journeys (playwright-core + Debian chromium) against a started `parley start`; run once. A journey with
      // its axe audits and full-page screenshots takes up to about 45 s on a busy 2-core CI machine: its limit leaves
      // room for a slower one (a limit is not a speed check; `npm run bench` measures speed).
      { extends: true, test: { name: 'e2e', include: ['e2e/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 180_000, globalSetup: ['e2e/global-setup.ts'] } },
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

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'core',
          include: ['packages/core/src/**/*.test.ts'],
          environment: 'node',
          // A guard against a hang, not a speed check: the property tests (300 random histories of
          // up to 150 commands) take several seconds on a loaded two-core machine.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'server',
          include: ['packages/server/src/**/*.test.ts', 'packages/server/test/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['packages/server/test/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
          // Each test file gets its own database cloned from a template; two workers fit two cores.
          maxWorkers: 2,
          // No retry, in CI too: a test that fails once fails the run. A timing race in a test is a
          // bug to fix, not noise to retry away (see docs/reliability.md, "Timing in CI").
          retry: 0,
        },
      },
      {
        test: {
          // Browser journeys in Debian's Chromium (packages/web/e2e); skipped without Chromium unless CI.
          name: 'e2e',
          include: ['packages/web/e2e/**/*.e2e.ts'],
          environment: 'node',
          globalSetup: ['packages/web/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          maxWorkers: 1,
          fileParallelism: false,
          // As for the server project: no retry, in CI too.
          retry: 0,
        },
      },
      // Long reliability runs (packages/server/test/chaos): only `npm run test:chaos`, never `npm test`.
      ...(process.env.MOTCUA_CHAOS
        ? [
            {
              test: {
                name: 'chaos',
                include: ['packages/server/test/chaos/**/*.chaos.ts'],
                environment: 'node',
                globalSetup: ['packages/server/test/global-setup.ts'],
                testTimeout: 600_000,
                hookTimeout: 120_000,
                maxWorkers: 1,
                fileParallelism: false,
              },
            },
          ]
        : []),
    ],
  },
});

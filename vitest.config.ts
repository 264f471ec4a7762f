import { defineConfig } from 'vitest/config';

// Every test file logs to test-results/logs/<project>/<file>.log instead of stdout; a failing test
// prints the tail of what was logged while it ran (test/helpers/log-setup.ts).
const LOG_SETUP = 'test/helpers/log-setup.ts';

// Three projects: `unit` is pure and fast; `system` shares one real Temporal dev server and one fresh
// Postgres database per run, started by the global setup; `e2e` drives the dashboard in a browser.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: [LOG_SETUP],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'system',
          include: ['test/workflows/**/*.test.ts', 'test/replay/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/security/**/*.test.ts'],
          environment: 'node',
          setupFiles: [LOG_SETUP],
          globalSetup: ['test/helpers/global-setup.ts'],
          // CI runs on a loaded two-core machine; see WAIT_SCALE in test/helpers/system.ts.
          testTimeout: process.env.CI ? 120_000 : 60_000,
          hookTimeout: 120_000,
          // One worker process per file keeps Temporal workers and pools apart; two cores here.
          pool: 'forks',
          maxWorkers: 2,
          // Runs after the unit project, which uses the default worker count.
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          // The dashboard in headless Chromium (Debian's /usr/bin/chromium) against a database of its own.
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          setupFiles: [LOG_SETUP],
          globalSetup: ['test/helpers/database-setup.ts'],
          testTimeout: process.env.CI ? 120_000 : 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          maxWorkers: 1,
          sequence: { groupOrder: 2 },
        },
      },
      // Fault survival (`npm run test:chaos`): kills workers, restarts a Temporal server and drops
      // Postgres connections, one scenario file at a time. Minutes long, so not part of `npm test`.
      ...(process.env.FIREBREAK_CHAOS
        ? [
            {
              test: {
                name: 'chaos',
                include: ['test/chaos/**/*.test.ts'],
                environment: 'node',
                setupFiles: [LOG_SETUP],
                globalSetup: ['test/helpers/global-setup.ts', 'test/chaos/report.ts'],
                testTimeout: 300_000,
                hookTimeout: 180_000,
                pool: 'forks' as const,
                maxWorkers: 1,
                fileParallelism: false,
                sequence: { groupOrder: 3 },
              },
            },
          ]
        : []),
      // Production shape (`npm run test:cluster`): a real Temporal server on Postgres, one http and
      // two worker processes of Firebreak, a worker SIGKILL and a server restart. Minutes long and
      // needs the server built (scripts/ensure-temporal-server.ts), so not part of `npm test`.
      ...(process.env.FIREBREAK_CLUSTER
        ? [
            {
              test: {
                name: 'cluster',
                include: ['test/cluster/**/*.test.ts'],
                environment: 'node',
                setupFiles: [LOG_SETUP],
                testTimeout: 600_000,
                hookTimeout: 600_000,
                pool: 'forks' as const,
                maxWorkers: 1,
                fileParallelism: false,
                sequence: { groupOrder: 4 },
              },
            },
          ]
        : []),
    ],
  },
});

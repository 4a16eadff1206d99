import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs nothing running; `integration` starts (or finds) a real Kafka broker, Postgres and
// Redis once per run in test/support/global-setup.ts. Two cores: at most two test files at a time.
export default defineConfig({
  test: {
    maxWorkers: 2,
    minWorkers: 1,
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['shared/**/*.test.ts', 'services/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/deploy/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/*.int.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['shared/**/*.int.test.ts', 'services/**/*.int.test.ts', 'test/e2e/**/*.test.ts', 'test/support/**/*.int.test.ts', 'test/deploy/**/*.int.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['test/support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});

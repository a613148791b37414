import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // The default reporter, then one plain closing line CI can read (scripts/vitest-summary-reporter.ts).
    reporters: ['default', './scripts/vitest-summary-reporter.ts'],
  },
});

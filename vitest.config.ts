import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: keep workers to two so pseudo-terminal and load tests are not starved.
    maxWorkers: 2,
    // Collects what the program writes during the run and scans it for secrets at the end
    // (test/hardening/global-setup.ts); a hit fails the run.
    globalSetup: ['test/hardening/global-setup.ts'],
  },
});

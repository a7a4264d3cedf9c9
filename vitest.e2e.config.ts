import { defineConfig } from 'vitest/config';

// Browser journeys (scripts/e2e.mjs starts the server and sets E2E_BASE_URL).
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    pool: 'forks',
  },
});

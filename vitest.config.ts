import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**', 'dist/**'],
    globalSetup: ['test/setup/global.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Every file boots the whole server on its own cloned database (test/helpers/app.ts), and no
    // test mocks modules or changes the environment, so files share a worker's module graph:
    // importing the server once per worker instead of once per file saves about 3 s a file.
    isolate: false,
    // A file spends about half its time waiting on PostgreSQL, so one worker per core (vitest's
    // default is one fewer) keeps both cores busy on a two-core machine.
    maxWorkers: availableParallelism(),
    reporters: ['default'],
  },
});

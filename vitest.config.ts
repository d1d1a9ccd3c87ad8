import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Type tests (*.test-d.ts) run through tsc: a wrong call must fail to compile.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    // Vitest's default is one worker per core but one (one in all on 2 cores). Much of this suite waits rather than
    // computes (Chromium, child processes, servers, esbuild), so a second worker on a 2-core machine cut a run
    // from 319 s to 218 s with the same results; larger machines keep the default.
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

/**
 * `npm run test:codex`: the differential tests against the real Codex CLI (test/codex), kept out
 * of `npm test` because they install and run a 0.4 GB binary. Same aliases as vitest.config.ts.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  resolve: base.resolve,
  test: {
    include: ['test/codex/**/*.test.ts'],
    env: base.test?.env,
    globalSetup: ['test/codex/global-setup.ts'],
    testTimeout: 120_000,
    fileParallelism: false,
    pool: 'forks',
  },
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the public entry points by name and run against the sources.
    alias: [
      { find: /^turnstate\/openai$/, replacement: src('./src/model/openai/index.ts') },
      { find: /^turnstate\/machines$/, replacement: src('./machines/index.ts') },
      { find: /^turnstate\/testing$/, replacement: src('./src/testing/index.ts') },
      { find: /^turnstate\/postgres$/, replacement: src('./src/postgres/index.ts') },
      { find: /^turnstate$/, replacement: src('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The Codex differential tests run separately: `npm run test:codex` (vitest.codex.config.ts).
    exclude: [...configDefaults.exclude, 'test/codex/**'],
    // Threads persist under TURNSTATE_HOME; tests never touch the user's real home.
    env: { TURNSTATE_HOME: mkdtempSync(join(tmpdir(), 'turnstate-test-home-')) },
    testTimeout: 30_000,
    pool: 'forks',
    // A throwaway PostgreSQL cluster for the PostgreSQL store's tests (skipped when none starts).
    globalSetup: ['test/postgres/global-setup.ts'],
  },
});

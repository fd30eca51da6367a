import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the public entry points by name and run against the sources.
    alias: [
      { find: /^turnstate\/openai$/, replacement: src('./src/model/openai/index.ts') },
      { find: /^turnstate\/machines$/, replacement: src('./machines/index.ts') },
      { find: /^turnstate\/testing$/, replacement: src('./src/testing/index.ts') },
      { find: /^turnstate$/, replacement: src('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Threads persist under TURNSTATE_HOME; tests never touch the user's real home.
    env: { TURNSTATE_HOME: mkdtempSync(join(tmpdir(), 'turnstate-test-home-')) },
    testTimeout: 30_000,
    pool: 'forks',
  },
});

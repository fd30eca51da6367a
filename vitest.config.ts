import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the public entry points by name and run against the sources.
    alias: [
      { find: /^turnstate\/openai$/, replacement: src('./src/model/openai/index.ts') },
      { find: /^turnstate\/testing$/, replacement: src('./src/testing/index.ts') },
      { find: /^turnstate$/, replacement: src('./src/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});

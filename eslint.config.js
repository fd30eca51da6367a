// Lint rules that catch real defects; formatting is left to editors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';

// Layers, lowest first: a module imports its own layer and those below, never one above
// (ARCHITECTURE.md "Layers, one way"). The top row is the hosts' side: entry points, CLI,
// adapters. Every entry of src/ needs a place here (test/architecture/layers.test.ts checks).
export const layers = [
  ['src/errors.ts', 'src/logger.ts', 'src/protocol'],
  ['machines'],
  ['src/history', 'src/model', 'src/persistence', 'src/git', 'src/prompts', 'src/delegates'],
  ['src/tools'],
  ['src/mcp'],
  ['src/tasks', 'src/buddy'],
  ['src/runtime', 'src/subagents'],
  ['src/index.ts', 'src/cli', 'src/testing', 'src/postgres', 'src/inspect'],
];
const layerZones = layers.slice(0, -1).flatMap((layer, i) =>
  layer.map((target) => ({
    target,
    from: layers.slice(i + 1).flat(),
    message: `${target} sits below these modules: imports run runtime → tasks → tools → history/model/persistence → protocol.`,
  })),
);
// The machines are pure: besides their own contracts they import only the protocol.
layerZones.push({ target: 'machines', from: 'src', except: ['./protocol'], message: 'machines/ import only src/protocol and their contracts.' });

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'machines/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Imports name the emitted `.js`; the sources are `.ts`.
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.js', '.json'], extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layerZones }] },
  },
  {
    // machines/ stay pure: no clocks, randomness, ids, file system or logging.
    files: ['machines/**/*.ts'],
    rules: {
      'no-console': 'error',
      'no-restricted-globals': ['error', 'Date', 'setTimeout', 'setInterval', 'crypto', 'fetch'],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random' }],
      'no-restricted-imports': ['error', { patterns: ['node:*', '../src/*/!(protocol)*', '../src/!(protocol)*'] }],
    },
  },
);

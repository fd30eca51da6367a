// Lint rules that catch real defects; formatting is left to editors.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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

/**
 * Installs the reference Codex CLI when it is missing and tells the tests where it is. When it
 * cannot be installed (no registry, unsupported platform) the tests skip and say why; a
 * comparison that runs and fails still fails the run.
 */
import type { TestProject } from 'vitest/node';
import { codexCacheDir, ensureCodex } from './codex-cli.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The `codex` binary, or `null` when the tests must skip. */
    codexBin: string | null;
    /** Why the tests skip ('' when they run). */
    codexSkip: string;
  }
}

export default function setup(project: TestProject): void {
  const result = ensureCodex(codexCacheDir());
  if ('skip' in result) {
    project.provide('codexBin', null);
    project.provide('codexSkip', result.skip);
    return;
  }
  project.provide('codexBin', result.bin);
  project.provide('codexSkip', '');
}

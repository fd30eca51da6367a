/**
 * Finding the git working tree a session's cwd belongs to, and the scope (the cwd's path
 * inside it) that snapshots and restores cover.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { NotAGitRepositoryError } from './errors.js';
import { GitCommandError } from './errors.js';
import { runGit } from './run.js';

/** A working tree, as ghost snapshots see it. */
export interface GitRepository {
  /** Absolute path of the working tree's top directory. */
  root: string;
  /** The cwd's path relative to `root`, with a trailing `/`; `''` at the top. */
  prefix: string;
  /** Absolute path of the repository's index file (read, never written). */
  indexFile: string;
  /** The commit `HEAD` names, or null on an unborn branch. */
  head: string | null;
}

/**
 * Whether `cwd` or one of its ancestors holds a `.git` entry, so a session outside any
 * repository never spawns git. (`GIT_DIR` in the environment counts as a yes.) The checks are
 * synchronous on purpose: a handful of `stat`s take microseconds, while a round trip through
 * the libuv thread pool per ancestor cost every turn a measurable ~0.2 ms.
 * @example
 * mayBeInsideGitRepository('/tmp'); // false, usually
 */
export function mayBeInsideGitRepository(cwd: string): boolean {
  if (process.env.GIT_DIR) return true;
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, '.git'))) return true;
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

/**
 * Locates the working tree `cwd` belongs to. Rejects with `NotAGitRepositoryError` outside
 * one (or inside a bare repository or a `.git` directory), `GitCommandError` otherwise.
 * @example
 * const repo = await locateRepository('/work/project/src'); // { root: '/work/project', prefix: 'src/', ... }
 */
export async function locateRepository(cwd: string, signal?: AbortSignal): Promise<GitRepository> {
  if (!mayBeInsideGitRepository(cwd)) throw new NotAGitRepositoryError(cwd);
  let out: string;
  try {
    out = await runGit(['rev-parse', '--show-toplevel', '--show-prefix', '--git-path', 'index'], { cwd, signal });
  } catch (err) {
    if (err instanceof GitCommandError && /not a git repository|must be run in a work tree/i.test(err.stderr)) {
      throw new NotAGitRepositoryError(cwd);
    }
    throw err;
  }
  const [root = '', prefix = '', index = ''] = out.split('\n');
  const head = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd, signal, okCodes: [1] });
  return { root, prefix, indexFile: path.resolve(cwd, index), head: head.trim() || null };
}

/**
 * The pathspec that limits a command to the repository's scope (`.` at the top).
 * @example
 * scopePathspec({ prefix: 'src/' } as GitRepository); // ':(top,literal)src/'
 */
export function scopePathspec(repo: Pick<GitRepository, 'prefix'>): string {
  return repo.prefix === '' ? ':(top)' : `:(top,literal)${repo.prefix}`;
}

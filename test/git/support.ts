/** Temporary git repositories for ghost snapshot tests. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Runs git in `cwd` without optional locks (a status must not refresh the index it checks). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Tester', '-c', 'user.email=tester@example.com', ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' },
  });
}

/** Writes files (creating directories) under `root`. */
export function writeFiles(root: string, files: Record<string, string | Buffer>): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
}

/** A fresh repository with `files` committed; `dispose` removes it. */
export async function tempRepo(files: Record<string, string | Buffer> = {}): Promise<{ root: string; dispose: () => Promise<void> }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'turnstate-git-'));
  git(root, 'init', '-q', '--initial-branch=main');
  git(root, 'config', 'core.autocrlf', 'false');
  writeFiles(root, files);
  if (Object.keys(files).length > 0) {
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'initial');
  }
  return { root, dispose: () => rm(root, { recursive: true, force: true }) };
}

/** What must not change: HEAD, the index file's bytes, the refs, and `git status`. */
export async function repoState(root: string): Promise<{ head: string; index: string; refs: string; status: string }> {
  const index = await readFile(path.join(root, '.git', 'index')).then((b) => createHash('sha256').update(b).digest('hex'), () => 'none');
  const head = (() => {
    try {
      return git(root, 'rev-parse', 'HEAD').trim();
    } catch {
      return 'unborn';
    }
  })();
  return { head, index, refs: git(root, 'for-each-ref'), status: git(root, 'status', '--porcelain=v1', '--untracked-files=all', '--ignored') };
}

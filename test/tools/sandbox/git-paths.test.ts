/**
 * Finding git metadata: every `.git` at any depth (directory or file) and the git directory a
 * `.git` file names, for the sandbox's read-only binds; and the patch-side check that also
 * recognises a git directory by its shape.
 */
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isGitMetadataPath } from '../../../src/tools/apply-patch/index.js';
import { findGitPaths } from '../../../src/tools/sandbox/index.js';

let ws: string;
beforeEach(async () => {
  ws = await mkdtemp(path.join(os.tmpdir(), 'ts-gitpaths-'));
  for (const dir of ['.git/objects', 'a/b/c/.git', 'vendor/lib', 'gitdirs/lib/objects', 'gitdirs/lib/refs', 'src']) await mkdir(path.join(ws, dir), { recursive: true });
  await writeFile(path.join(ws, 'vendor/lib/.git'), 'gitdir: ../../gitdirs/lib\n');
  await writeFile(path.join(ws, 'gitdirs/lib/HEAD'), 'ref: refs/heads/main\n');
  await symlink(path.join(ws, '.git'), path.join(ws, 'src/g'));
});
afterEach(() => rm(ws, { recursive: true, force: true }));

describe('findGitPaths', () => {
  it('finds .git directories and files at any depth and the gitdir a .git file names', () => {
    expect(findGitPaths(ws).sort()).toEqual(
      [path.join(ws, '.git'), path.join(ws, 'a/b/c/.git'), path.join(ws, 'gitdirs/lib'), path.join(ws, 'vendor/lib/.git')].sort(),
    );
  });

  it('stops after its directory budget', () => {
    expect(findGitPaths(ws, { maxDirs: 1 })).toEqual([path.join(ws, '.git')]);
  });
});

describe('isGitMetadataPath', () => {
  it.each([
    ['.git/config', true],
    ['a/b/c/.git/hooks/pre-commit', true],
    ['vendor/lib/.git', true],
    ['gitdirs/lib/config', true],
    ['src/g/config', true],
    ['.GIT/config', true],
    ['src/index.ts', false],
    ['gitdirs/other.txt', false],
  ])('%s → %s', async (rel, expected) => {
    expect(await isGitMetadataPath(path.join(ws, rel))).toBe(expected);
  });

  it("counts the patch's own paths: a bare repository or a worktree gitdir laid out by one patch is git metadata", async () => {
    const at = (...rels: string[]) => new Set(rels.map((r) => path.join(ws, r)));
    const bare = at('evil/HEAD', 'evil/config', 'evil/objects/info/alternates', 'evil/refs/heads/main');
    expect(await isGitMetadataPath(path.join(ws, 'evil/config'), bare)).toBe(true);
    expect(await isGitMetadataPath(path.join(ws, 'wt/config.worktree'), at('wt/HEAD', 'wt/commondir', 'wt/config.worktree'))).toBe(true);
    // HEAD alone (a file of that name in a project) is not a git directory.
    expect(await isGitMetadataPath(path.join(ws, 'docs/HEAD'), at('docs/HEAD', 'docs/config'))).toBe(false);
  });
});

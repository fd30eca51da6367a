import { mkdir, readFile, rm, stat, symlink, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGhostCommit, NotAGitRepositoryError, parseGhostCommit, restoreGhostCommit, InvalidGhostCommitError } from '../../src/git/index.js';
import { git, repoState, tempRepo, writeFiles } from './support.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});
async function repo(files: Record<string, string>) {
  const r = await tempRepo(files);
  cleanups.push(r.dispose);
  return r.root;
}

describe('createGhostCommit', () => {
  it('captures tracked and untracked files without touching HEAD, the index, refs or status', async () => {
    const root = await repo({ 'a.txt': 'a\n', 'src/b.txt': 'b\n', '.gitignore': 'ignored.log\n' });
    writeFiles(root, { 'a.txt': 'a changed\n', 'new.txt': 'new\n', 'ignored.log': 'log\n' });
    git(root, 'add', 'a.txt'); // a staged change must stay staged
    const before = await repoState(root);
    const { commit, report } = await createGhostCommit(root);
    expect(await repoState(root)).toEqual(before);
    expect(git(root, 'show', `${commit.id}:a.txt`)).toBe('a changed\n');
    expect(git(root, 'show', `${commit.id}:new.txt`)).toBe('new\n');
    expect(git(root, 'ls-tree', '-r', '--name-only', commit.id).split('\n').filter(Boolean).sort()).toEqual(['.gitignore', 'a.txt', 'new.txt', 'src/b.txt']);
    expect(commit.parent).toBe(before.head);
    expect(git(root, 'rev-parse', `${commit.id}^`).trim()).toBe(before.head);
    expect(commit.preexisting_untracked_files).toEqual(['new.txt']);
    expect(report).toEqual({ largeUntrackedDirs: [], largeUntrackedFiles: [] });
  });

  it('works on an unborn branch (no parent)', async () => {
    const root = await repo({});
    writeFiles(root, { 'x.txt': 'x' });
    const { commit } = await createGhostCommit(root);
    expect(commit.parent).toBeNull();
    expect(git(root, 'show', `${commit.id}:x.txt`)).toBe('x');
  });

  it('leaves out large untracked files and directories, and dependency directories', async () => {
    const root = await repo({ 'a.txt': 'a' });
    writeFiles(root, { 'big.bin': 'x'.repeat(2048), 'small.txt': 's' });
    for (let i = 0; i < 5; i++) writeFiles(root, { [`gen/sub/f${i}.txt`]: String(i) });
    writeFiles(root, { 'node_modules/pkg/index.js': 'js' });
    const { commit, report } = await createGhostCommit(root, { ignoreLargeUntrackedFiles: 1024, ignoreLargeUntrackedDirs: 5 });
    expect(report).toEqual({ largeUntrackedDirs: [{ path: 'gen', fileCount: 5 }], largeUntrackedFiles: [{ path: 'big.bin', byteSize: 2048 }] });
    expect(git(root, 'ls-tree', '-r', '--name-only', commit.id).split('\n').filter(Boolean).sort()).toEqual(['a.txt', 'small.txt']);
    expect(commit.preexisting_untracked_files.sort()).toEqual(['big.bin', 'small.txt']);
    expect(commit.preexisting_untracked_dirs).toEqual(['gen', 'node_modules']);
  });

  it('rejects outside a repository with NotAGitRepositoryError', async () => {
    await expect(createGhostCommit(tmpdir())).rejects.toBeInstanceOf(NotAGitRepositoryError);
  });
});

describe('restoreGhostCommit', () => {
  it('restores modified, added and deleted files byte for byte; ignored files stay', async () => {
    const root = await repo({ 'keep.txt': 'keep\n', 'mod.txt': 'one\ntwo\n', 'gone.txt': 'bye\n', 'bin/run.sh': '#!/bin/sh\n', '.gitignore': '*.log\n' });
    await import('node:fs/promises').then((fs) => fs.chmod(path.join(root, 'bin/run.sh'), 0o755));
    git(root, 'add', '-A');
    git(root, 'commit', '-q', '-m', 'mode');
    writeFiles(root, { 'pre.txt': 'untracked before\n', 'keep.log': 'ignored\n' });
    const before = await repoState(root);
    const { commit } = await createGhostCommit(root);
    // What a turn does: modify, add (in a new directory), delete, touch ignored, change a mode.
    writeFiles(root, { 'mod.txt': 'one\nTWO\n', 'added/deep/new.txt': 'new\n', 'keep.log': 'ignored, changed\n', 'pre.txt': 'edited\n' });
    await unlink(path.join(root, 'gone.txt'));
    await import('node:fs/promises').then((fs) => fs.chmod(path.join(root, 'bin/run.sh'), 0o644));
    await restoreGhostCommit(root, commit);
    const after = await repoState(root);
    expect(after).toEqual(before);
    expect(await readFile(path.join(root, 'mod.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(await readFile(path.join(root, 'gone.txt'), 'utf8')).toBe('bye\n');
    expect(await readFile(path.join(root, 'pre.txt'), 'utf8')).toBe('untracked before\n');
    expect(await readFile(path.join(root, 'keep.log'), 'utf8')).toBe('ignored, changed\n');
    await expect(stat(path.join(root, 'added'))).rejects.toThrow();
    expect((await stat(path.join(root, 'bin/run.sh'))).mode & 0o111).not.toBe(0);
  });

  it('sees a same-size change made in the same second as the index was written (racy git)', async () => {
    const root = await repo({ 'mod.txt': 'one\ntwo\n' });
    const { commit } = await createGhostCommit(root);
    // Start early in a second, so the index write and the edit share it; restore in the next.
    while (Date.now() % 1000 > 200) await new Promise((r) => setTimeout(r, 10));
    const second = Math.floor(Date.now() / 1000);
    writeFiles(root, { 'mod.txt': 'one\ntwo\n' }); // same content, this second's stat
    git(root, 'update-index', '--refresh'); // the index records it, written this second too
    writeFiles(root, { 'mod.txt': 'one\nTWO\n' });
    expect(Math.floor(Date.now() / 1000)).toBe(second);
    while (Math.floor(Date.now() / 1000) === second) await new Promise((r) => setTimeout(r, 20));
    await restoreGhostCommit(root, commit);
    expect(await readFile(path.join(root, 'mod.txt'), 'utf8')).toBe('one\ntwo\n');
  });

  it('keeps files a changed .gitignore made visible, and large untracked files', async () => {
    const root = await repo({ '.gitignore': '*.log\n', 'a.txt': 'a' });
    writeFiles(root, { 'old.log': 'log', 'huge.bin': 'x'.repeat(4096) });
    const limits = { ignoreLargeUntrackedFiles: 1024, ignoreLargeUntrackedDirs: 200 };
    const { commit } = await createGhostCommit(root, limits);
    writeFiles(root, { '.gitignore': '# nothing ignored\n' });
    await truncate(path.join(root, 'huge.bin'), 10);
    await restoreGhostCommit(root, commit, limits);
    expect(await readFile(path.join(root, '.gitignore'), 'utf8')).toBe('*.log\n');
    expect(await readFile(path.join(root, 'old.log'), 'utf8')).toBe('log');
    expect((await stat(path.join(root, 'huge.bin'))).size).toBe(10);
  });

  it('restores a file the turn replaced with a directory, and symlinks', async () => {
    const root = await repo({ 'thing': 'file\n', 'target.txt': 't' });
    await symlink('target.txt', path.join(root, 'link'));
    const { commit } = await createGhostCommit(root);
    await rm(path.join(root, 'thing'));
    await mkdir(path.join(root, 'thing'));
    await writeFile(path.join(root, 'thing', 'inner.txt'), 'inner');
    await unlink(path.join(root, 'link'));
    await restoreGhostCommit(root, commit);
    expect(await readFile(path.join(root, 'thing'), 'utf8')).toBe('file\n');
    expect(await readFile(path.join(root, 'link'), 'utf8')).toBe('t');
  });

  it('limits itself to the cwd inside the repository', async () => {
    const root = await repo({ 'top.txt': 'top', 'sub/in.txt': 'in' });
    const { commit } = await createGhostCommit(path.join(root, 'sub'));
    writeFiles(root, { 'top.txt': 'changed outside', 'sub/in.txt': 'changed inside', 'sub/new.txt': 'n' });
    await restoreGhostCommit(path.join(root, 'sub'), commit);
    expect(await readFile(path.join(root, 'top.txt'), 'utf8')).toBe('changed outside');
    expect(await readFile(path.join(root, 'sub/in.txt'), 'utf8')).toBe('in');
    await expect(stat(path.join(root, 'sub/new.txt'))).rejects.toThrow();
  });

  it('fails clearly for a commit the repository does not have, and for malformed items', async () => {
    const root = await repo({ 'a.txt': 'a' });
    await expect(restoreGhostCommit(root, parseGhostCommit({ id: 'deadbeefdeadbeefdeadbeefdeadbeefdeadbeef' }))).rejects.toBeInstanceOf(InvalidGhostCommitError);
    expect(() => parseGhostCommit({ parent: null })).toThrow(InvalidGhostCommitError);
  });
});

/**
 * Writes the working tree (tracked and untracked files, `.gitignore` honoured) into a git tree
 * object through a temporary index, so `HEAD`, the user's index, refs and files stay as they
 * are. Untracked files that are too large, untracked directories holding too many files, and
 * untracked dependency/build directories are left out; what was left out is reported.
 *
 * Invariant: every git command here runs with `GIT_INDEX_FILE` pointing at a private copy.
 */
import { copyFile, lstat, mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { GitRepository } from './repository.js';
import { scopePathspec } from './repository.js';
import { runGit, splitNul } from './run.js';

/** Limits that keep snapshots small (SPEC §4.6; Codex's defaults). */
export interface SnapshotLimits {
  /** Untracked files larger than this many bytes are left out (0 = no limit). */
  ignoreLargeUntrackedFiles: number;
  /** Untracked directories with at least this many files are left out (0 = no limit). */
  ignoreLargeUntrackedDirs: number;
}

/** Codex's defaults: 10 MiB files, 200-file directories. */
export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = { ignoreLargeUntrackedFiles: 10 * 1024 * 1024, ignoreLargeUntrackedDirs: 200 };

/** Untracked directories never captured or cleaned up, even when not in `.gitignore`. */
export const ALWAYS_SKIPPED_DIR_NAMES: ReadonlySet<string> = new Set([
  'node_modules', '.venv', 'venv', 'env', '.env', 'dist', 'build', '.pytest_cache', '.mypy_cache', '.cache', '.tox', '__pycache__',
]);

/** What a capture left out (paths relative to the repository root). */
export interface CaptureReport {
  largeUntrackedDirs: Array<{ path: string; fileCount: number }>;
  largeUntrackedFiles: Array<{ path: string; byteSize: number }>;
}

/** A captured working tree. */
export interface CapturedTree {
  tree: string;
  /** Untracked files present (captured, or left out for size) — undo never deletes them. */
  untrackedFiles: string[];
  /** Untracked directories left out (too large, or dependency/build directories). */
  skippedDirs: string[];
  report: CaptureReport;
}

/**
 * Runs `body` with the path of a private index file, seeded with a copy of the user's index
 * (or `HEAD`'s tree when there is none), and removes it afterwards.
 * @example
 * const tree = await withTemporaryIndex(repo, (index) => runGit(['write-tree'], { cwd: repo.root, env: { GIT_INDEX_FILE: index } }));
 */
export async function withTemporaryIndex<T>(repo: GitRepository, body: (indexFile: string) => Promise<T>, signal?: AbortSignal): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'turnstate-git-index-'));
  const indexFile = path.join(dir, 'index');
  try {
    // Copying keeps the stat data, so `git add` re-hashes only files that changed. The copy
    // keeps the original's mtime too: git trusts an entry's stat data only when the entry is
    // older than the index file ("racy git"), and a newer copy would make a file changed in
    // the same second as the index write (same size) look unchanged.
    const copied = await stat(repo.indexFile).then(
      async (original) => {
        await copyFile(repo.indexFile, indexFile);
        await utimes(indexFile, original.atime, original.mtime);
        return true;
      },
      () => false,
    );
    if (!copied && repo.head) await runGit(['read-tree', repo.head], { cwd: repo.root, env: { GIT_INDEX_FILE: indexFile }, signal });
    return await body(indexFile);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The untracked paths to leave out, and the untracked files that exist. */
async function planExclusions(repo: GitRepository, env: Record<string, string>, limits: SnapshotLimits, signal?: AbortSignal) {
  const scope = scopePathspec(repo);
  const opts = { cwd: repo.root, env, signal };
  const [files, collapsed] = await Promise.all([
    runGit(['ls-files', '--others', '--exclude-standard', '-z', '--', scope], opts).then(splitNul),
    runGit(['ls-files', '--others', '--exclude-standard', '--directory', '-z', '--', scope], opts).then(splitNul),
  ]);
  const untrackedDirs = new Set(collapsed.filter((e) => e.endsWith('/')));
  const insideUntrackedDir = (dir: string) => {
    for (let i = dir.indexOf('/'); i >= 0; i = dir.indexOf('/', i + 1)) if (untrackedDirs.has(dir.slice(0, i + 1))) return true;
    return false;
  };
  const skippedDirs = new Set<string>();
  const excludedFiles = new Set<string>();
  const kept: string[] = [];
  for (const file of files) {
    const parts = file.split('/');
    const at = parts.findIndex((part, i) => i < parts.length - 1 && ALWAYS_SKIPPED_DIR_NAMES.has(part));
    if (at < 0) {
      kept.push(file);
      continue;
    }
    const dir = `${parts.slice(0, at + 1).join('/')}/`;
    // A dependency directory that also holds tracked files loses only its untracked files.
    if (insideUntrackedDir(dir)) skippedDirs.add(dir);
    else excludedFiles.add(file);
  }
  const report: CaptureReport = { largeUntrackedDirs: [], largeUntrackedFiles: [] };
  if (limits.ignoreLargeUntrackedDirs > 0) {
    const counts = new Map<string, number>();
    for (const file of kept) {
      for (const dir of untrackedDirs) if (file.startsWith(dir)) counts.set(dir, (counts.get(dir) ?? 0) + 1);
    }
    for (const [dir, fileCount] of counts) {
      if (fileCount >= limits.ignoreLargeUntrackedDirs) {
        skippedDirs.add(dir);
        report.largeUntrackedDirs.push({ path: dir.slice(0, -1), fileCount });
      }
    }
    report.largeUntrackedDirs.sort((a, b) => b.fileCount - a.fileCount || a.path.localeCompare(b.path));
  }
  const inSkippedDir = (file: string) => [...skippedDirs].some((dir) => file.startsWith(dir));
  const untrackedFiles = kept.filter((file) => !inSkippedDir(file));
  if (limits.ignoreLargeUntrackedFiles > 0) {
    const sizes = await Promise.all(untrackedFiles.map((file) => lstat(path.join(repo.root, file)).then((s) => s.size, () => 0)));
    untrackedFiles.forEach((file, i) => {
      const byteSize = sizes[i] ?? 0;
      if (byteSize > limits.ignoreLargeUntrackedFiles) {
        excludedFiles.add(file);
        report.largeUntrackedFiles.push({ path: file, byteSize });
      }
    });
  }
  return { untrackedFiles, skippedDirs: [...skippedDirs].sort(), excludedFiles: [...excludedFiles].sort(), report };
}

/**
 * Captures the working tree (within the repository's scope) into a tree object, using the
 * given private index file. `git add` never sees the paths left out, so a huge file is not
 * even hashed.
 * @example
 * const { tree } = await withTemporaryIndex(repo, (index) => captureTree(repo, index, DEFAULT_SNAPSHOT_LIMITS));
 */
export async function captureTree(repo: GitRepository, indexFile: string, limits: SnapshotLimits, signal?: AbortSignal): Promise<CapturedTree> {
  const env = { GIT_INDEX_FILE: indexFile };
  const opts = { cwd: repo.root, env, signal };
  const plan = await planExclusions(repo, env, limits, signal);
  const pathspecs = [
    scopePathspec(repo),
    ...plan.skippedDirs.map((dir) => `:(top,literal,exclude)${dir}`),
    ...plan.excludedFiles.map((file) => `:(top,literal,exclude)${file}`),
  ];
  await runGit(['add', '--all', '--pathspec-from-file=-', '--pathspec-file-nul'], { ...opts, input: pathspecs.join('\0') });
  const tree = (await runGit(['write-tree'], opts)).trim();
  return { tree, untrackedFiles: plan.untrackedFiles, skippedDirs: plan.skippedDirs, report: plan.report };
}

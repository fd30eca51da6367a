/**
 * Ghost commits: a commit object holding the working tree as it was at a turn's start, made
 * without moving `HEAD`, touching the index or refs, or changing a file (SPEC §4.6), and the
 * restore that puts that tree back into the working tree for `undo` (SPEC §4.5).
 *
 * Restore works from a diff between the current working tree (captured the same way) and the
 * snapshot: files the snapshot lacks are deleted, files it has are written back. Ignored
 * files are in neither tree, so they stay untouched; untracked files that existed when the
 * snapshot was taken are never deleted.
 */
import { rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { InvalidGhostCommitError } from './errors.js';
import { captureTree, DEFAULT_SNAPSHOT_LIMITS, withTemporaryIndex, type CaptureReport, type SnapshotLimits } from './capture.js';
import { locateRepository, scopePathspec } from './repository.js';
import { runGit, splitNul } from './run.js';

/**
 * The `ghost_commit` of a `ghost_snapshot` item, in Codex's shape: the commit, its parent
 * (`HEAD` then), and the untracked files and directories that existed (root-relative paths).
 * turnstate lists as directories only the untracked ones a snapshot left out.
 * @example
 * GhostCommit.parse({ id: 'a1b2c3d', parent: null, preexisting_untracked_files: ['notes.txt'], preexisting_untracked_dirs: [] });
 */
export const GhostCommit = z.object({
  id: z.string().regex(/^[0-9a-f]{7,64}$/),
  parent: z.string().nullable().default(null),
  preexisting_untracked_files: z.array(z.string()).default([]),
  preexisting_untracked_dirs: z.array(z.string()).default([]),
});
export type GhostCommit = z.infer<typeof GhostCommit>;

/**
 * Reads a `ghost_commit` back (from history or a rollout).
 * @throws InvalidGhostCommitError when it lacks a commit id.
 * @example
 * parseGhostCommit({ id: 'a1b2c3d', parent: null }).preexisting_untracked_files; // []
 */
export function parseGhostCommit(value: unknown): GhostCommit {
  const parsed = GhostCommit.safeParse(value);
  if (!parsed.success) throw new InvalidGhostCommitError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  return parsed.data;
}

/** Identity of ghost commits (they are never on a branch; the name only labels them). */
const IDENTITY = {
  GIT_AUTHOR_NAME: 'turnstate snapshot',
  GIT_AUTHOR_EMAIL: 'snapshot@turnstate.invalid',
  GIT_COMMITTER_NAME: 'turnstate snapshot',
  GIT_COMMITTER_EMAIL: 'snapshot@turnstate.invalid',
};

/** A ghost commit and what it left out. */
export interface GhostSnapshot {
  commit: GhostCommit;
  report: CaptureReport;
}

/**
 * Creates a ghost commit of the working tree `cwd` belongs to.
 * @throws NotAGitRepositoryError outside a git working tree; GitCommandError when git fails.
 * @example
 * const { commit, report } = await createGhostCommit('/work/project');
 * commit.id; // '3f2a…' — HEAD, the index and refs are unchanged
 */
export async function createGhostCommit(cwd: string, limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS, signal?: AbortSignal): Promise<GhostSnapshot> {
  const repo = await locateRepository(cwd, signal);
  return withTemporaryIndex(repo, async (indexFile) => {
    const captured = await captureTree(repo, indexFile, limits, signal);
    const args = ['commit-tree', '--no-gpg-sign', captured.tree, ...(repo.head ? ['-p', repo.head] : []), '-m', 'turnstate snapshot'];
    const id = (await runGit(args, { cwd: repo.root, env: { GIT_INDEX_FILE: indexFile, ...IDENTITY }, signal })).trim();
    const commit: GhostCommit = {
      id,
      parent: repo.head,
      preexisting_untracked_files: captured.untrackedFiles,
      preexisting_untracked_dirs: captured.skippedDirs.map((dir) => dir.replace(/\/$/, '')),
    };
    return { commit, report: captured.report };
  }, signal);
}

/** One entry of `git diff-tree --raw -z`. */
interface TreeChange {
  status: string;
  srcMode: string;
  dstMode: string;
  dstId: string;
  path: string;
}

function parseRawDiff(output: string): TreeChange[] {
  const parts = splitNul(output);
  const changes: TreeChange[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const [srcMode = '', dstMode = '', , dstId = '', status = ''] = (parts[i] ?? '').slice(1).split(' ');
    changes.push({ status: status.charAt(0), srcMode, dstMode, dstId, path: parts[i + 1] ?? '' });
  }
  return changes;
}

const GITLINK = '160000';

/** Deletes a file the snapshot lacks, then the directories it leaves empty (up to the scope). */
async function removeWithEmptyParents(root: string, scopeDir: string, file: string): Promise<void> {
  await rm(path.join(root, file), { recursive: true, force: true });
  for (let dir = path.dirname(path.join(root, file)); dir.startsWith(scopeDir + path.sep) && dir !== scopeDir; dir = path.dirname(dir)) {
    if (!(await rmdir(dir).then(() => true, () => false))) break;
  }
}

/**
 * Restores the working tree (within the cwd's scope) to a ghost commit: files the turn created
 * are removed, changed and deleted ones written back. `HEAD`, the index and ignored files are
 * left alone; untracked files that existed at snapshot time are never deleted.
 * @throws NotAGitRepositoryError, InvalidGhostCommitError, GitCommandError (e.g. the commit was
 *   garbage-collected).
 * @example
 * await restoreGhostCommit('/work/project', parseGhostCommit(item.ghost_commit));
 */
export async function restoreGhostCommit(cwd: string, commit: GhostCommit, limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS, signal?: AbortSignal): Promise<void> {
  const repo = await locateRepository(cwd, signal);
  const git = (args: string[], extra: { env?: Record<string, string>; input?: string; okCodes?: number[] } = {}) =>
    runGit(args, { cwd: repo.root, signal, ...extra });
  const target = (await git(['rev-parse', '--verify', '--quiet', `${commit.id}^{tree}`], { okCodes: [1] })).trim();
  if (!target) throw new InvalidGhostCommitError(`commit ${commit.id} is not in this repository`);
  await withTemporaryIndex(repo, async (indexFile) => {
    const current = await captureTree(repo, indexFile, limits, signal);
    const changes = parseRawDiff(await git(['diff-tree', '-r', '-z', '--no-renames', current.tree, target, '--', scopePathspec(repo)]));
    const preserved = new Set(commit.preexisting_untracked_files);
    const preservedDirs = commit.preexisting_untracked_dirs.map((d) => `${d.replace(/\/$/, '')}/`);
    const toWrite = changes.filter((c) => c.status !== 'D' && c.dstMode !== GITLINK);
    const writes = toWrite.map((c) => c.path);
    let deletes = changes
      .filter((c) => c.status === 'D' && c.srcMode !== GITLINK)
      .map((c) => c.path)
      .filter((p) => !preserved.has(p) && !preservedDirs.some((d) => p.startsWith(d)));
    // Write the snapshot's files through a second private index holding just those entries.
    const writeEnv = { GIT_INDEX_FILE: `${indexFile}.restore` };
    if (toWrite.length > 0) {
      const entries = toWrite.map((c) => `${c.dstMode} ${c.dstId}\t${c.path}`).join('\0');
      await git(['update-index', '-z', '--index-info'], { env: writeEnv, input: entries });
    }
    const checkout = (paths: string[]) =>
      paths.length === 0 ? Promise.resolve('') : git(['checkout-index', '--force', '-z', '--stdin'], { env: writeEnv, input: paths.join('\0') });
    // `.gitignore` files first: a path the snapshot's rules ignore was an ignored file then, so
    // it is kept even if the turn's rule changes made it visible.
    const ignoreFiles = writes.filter((p) => p === '.gitignore' || p.endsWith('/.gitignore'));
    await checkout(ignoreFiles);
    if (deletes.length > 0) {
      const ignored = new Set(splitNul(await git(['check-ignore', '--no-index', '-z', '--stdin'], { input: deletes.join('\0'), okCodes: [1] })));
      deletes = deletes.filter((p) => !ignored.has(p));
    }
    const scopeDir = path.join(repo.root, repo.prefix);
    for (const file of deletes) await removeWithEmptyParents(repo.root, scopeDir.replace(/\/$/, ''), file);
    await checkout(writes.filter((p) => !ignoreFiles.includes(p)));
  }, signal);
}

/**
 * Path safety for patches: resolving the paths a patch names, and deciding whether each one
 * stays inside the writable roots. Symlinks are followed through the nearest existing
 * ancestor, so `ws/link/x` where `ws/link -> /etc` counts as `/etc/x`, and a `..` that climbs
 * out of the workspace counts as outside. This module only classifies; whether "outside"
 * means ask or refuse is the approval policy's call (`approval/patch.ts`).
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FileChange } from '../../protocol/events.js';
import { PatchApplyError } from '../errors.js';

/** Whether a write may go ahead on its own or needs the user's approval. */
export type PathClass = 'allowed' | 'needs_approval';

/**
 * Resolves a path written in a patch against `cwd` and normalises it (`..` collapsed).
 * Throws `PatchApplyError('patch_invalid_path')` for empty paths or paths with NUL bytes.
 * @example
 * resolvePatchPath('/ws', 'src/../a.txt'); // '/ws/a.txt'
 */
export function resolvePatchPath(cwd: string, p: string): string {
  if (p.trim() === '' || p.includes('\0')) throw new PatchApplyError('patch_invalid_path', p, 'not a usable file path');
  return path.resolve(cwd, p);
}

/**
 * Whether `p` is `root` or lies under it (both absolute and already normalised).
 * @example
 * isWithin('/ws', '/ws/a/b'); // true
 * isWithin('/ws', '/wsx'); // false
 */
export function isWithin(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The real location `p` would have on disk: the realpath of its nearest existing ancestor
 * (the path itself when it exists) joined with the parts that do not exist yet.
 * @example
 * await realLocation('/ws/link/new.txt'); // '/etc/new.txt' when /ws/link -> /etc
 */
export async function realLocation(p: string): Promise<string> {
  const missing: string[] = [];
  let current = path.resolve(p);
  for (;;) {
    try {
      return path.join(await realpath(current), ...missing.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return path.join(current, ...missing.reverse());
      missing.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * Classifies one absolute path against the writable roots (symlinks resolved on both sides).
 * @example
 * await classifyPath('/ws/a.txt', ['/ws']); // 'allowed'
 * await classifyPath('/etc/passwd', ['/ws']); // 'needs_approval'
 */
export async function classifyPath(absPath: string, writableRoots: readonly string[]): Promise<PathClass> {
  const real = await realLocation(absPath);
  for (const root of writableRoots) {
    const realRoot = await realLocation(root);
    if (isWithin(realRoot, real)) return 'allowed';
  }
  return 'needs_approval';
}

/**
 * The paths (among `absPaths`) that fall outside every writable root.
 * @example
 * await pathsOutsideRoots(['/ws/a', '/tmp/b'], ['/ws']); // ['/tmp/b']
 */
export async function pathsOutsideRoots(absPaths: Iterable<string>, writableRoots: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of absPaths) {
    if ((await classifyPath(p, writableRoots)) === 'needs_approval') out.push(p);
  }
  return out;
}

/**
 * Every absolute path a set of changes writes or deletes: the keys plus any `move_path`.
 * @example
 * changedPaths({ '/ws/a': { type: 'update', unified_diff: '', move_path: '/ws/b' } }); // ['/ws/a', '/ws/b']
 */
export function changedPaths(changes: Readonly<Record<string, FileChange>>): string[] {
  const out: string[] = [];
  for (const [p, change] of Object.entries(changes)) {
    out.push(p);
    if (change.type === 'update' && change.move_path) out.push(change.move_path);
  }
  return out;
}

/**
 * Whether any path of `changes` (targets and move destinations) lies outside all
 * `writableRoots`, following symlinks through the nearest existing ancestor.
 * @example
 * await patchWritesOutside({ '/etc/hosts': { type: 'delete', content: '' } }, ['/ws']); // true
 */
export async function patchWritesOutside(
  changes: Readonly<Record<string, FileChange>>,
  writableRoots: readonly string[],
): Promise<boolean> {
  return (await pathsOutsideRoots(changedPaths(changes), writableRoots)).length > 0;
}

const isDir = (p: string) => stat(p).then((s) => s.isDirectory(), () => false);
const isFile = (p: string) => stat(p).then((s) => s.isFile(), () => false);

/** Whether `p` is, or will be once the patch is written, an entry (or lies below `dir`). */
const pendingUnder = (pending: ReadonlySet<string>, dir: string) => [...pending].some((p) => p.startsWith(`${dir}${path.sep}`));

/**
 * Whether `dir` is, or would be once the patch's own paths (`pending`) are written, what git
 * takes for a git directory: `HEAD` with `objects/` and `refs/`, or `HEAD` with a `commondir`
 * file (a linked worktree's gitdir). The patch's paths count, or one patch could lay out a
 * whole bare repository (a config naming a textconv program, objects borrowed from the real
 * repository through `objects/info/alternates`) that a known-safe `git -C` would then use.
 */
async function isGitDir(dir: string, pending: ReadonlySet<string>): Promise<boolean> {
  const has = async (name: string, kind: (p: string) => Promise<boolean>) => pending.has(path.join(dir, name)) || (await kind(path.join(dir, name)));
  const hasDir = async (name: string) => pendingUnder(pending, path.join(dir, name)) || (await isDir(path.join(dir, name)));
  if (!(await has('HEAD', isFile))) return false;
  return (await has('commondir', isFile)) || ((await hasDir('objects')) && (await hasDir('refs')));
}

const hasGitComponent = (p: string) => p.split(path.sep).some((part) => part.toLowerCase() === '.git');

/**
 * Whether a path is git metadata: it has a `.git` component (a directory, or the `.git` file
 * of a submodule or worktree) as written or at its real location, or it lies inside a
 * directory git would take for a git directory (`HEAD` with `objects/` and `refs/`, or with
 * `commondir`: the gitdir a `.git` file points at, a bare repository), counting the other
 * paths the same patch writes (`pending`). Case-insensitive, for case-insensitive disks.
 * @example
 * await isGitMetadataPath('/ws/sub/.git/config'); // true
 * await isGitMetadataPath('/ws/src/a.ts'); // false
 * await isGitMetadataPath('/ws/b/config', new Set(['/ws/b/HEAD', '/ws/b/refs/x', '/ws/b/objects/y'])); // true
 */
export async function isGitMetadataPath(absPath: string, pending: ReadonlySet<string> = new Set()): Promise<boolean> {
  const resolved = path.resolve(absPath);
  const real = await realLocation(absPath);
  if (hasGitComponent(resolved) || hasGitComponent(real)) return true;
  for (const start of new Set([resolved, real])) {
    for (let dir = path.dirname(start); ; dir = path.dirname(dir)) {
      if (await isGitDir(dir, pending)) return true;
      if (path.dirname(dir) === dir) break;
    }
  }
  return false;
}

/**
 * The paths (among `absPaths`, all written by one patch) that are git metadata
 * (`isGitMetadataPath`, each judged with the others as pending).
 * @example
 * await gitMetadataPaths(['/ws/a.ts', '/ws/.git/config']); // ['/ws/.git/config']
 */
export async function gitMetadataPaths(absPaths: Iterable<string>): Promise<string[]> {
  const all = [...absPaths];
  const pending = new Set(all.map((p) => path.resolve(p)));
  const out: string[] = [];
  for (const p of all) if (await isGitMetadataPath(p, pending)) out.push(p);
  return out;
}

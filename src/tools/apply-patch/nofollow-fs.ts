/**
 * A `PatchFs` anchored on directory descriptors. Node has no `openat`, so this uses its Linux
 * equivalent: each directory below a base (the workspace) is opened once, through
 * `/proc/self/fd/<parent fd>/<name>`, and every operation names its entry through its
 * directory's descriptor the same way. Two guarantees follow:
 *
 * - with `follow: false`, no symlink below the base is ever followed (each directory is
 *   opened with `O_NOFOLLOW`, files are created with `O_NOFOLLOW`): a path checked once
 *   cannot be redirected by swapping a directory for a symlink before the write; the write
 *   fails (`ELOOP`/`ENOTDIR`) instead;
 * - temp file, rename and rollback of one target all happen in the same directory, even if
 *   that directory is renamed meanwhile, so a failed patch leaves no temporary file behind.
 *
 * The base itself is resolved once (its realpath). Paths outside the base are opened as
 * given: they are only reached after the user approved them, under a policy without
 * file-system limits, or inside the bwrap sandbox, where the kernel holds the roots.
 * Without `/proc/self/fd` (not Linux) it falls back to checking each component with `lstat`
 * before using the path: the same refusal of symlinks, with a window between check and use.
 *
 * `anchoredPatchFs` is self-contained (it only uses its arguments) so the sandboxed writer's
 * child process runs the same code. Close the file system after use (`close()`).
 */
import { constants, existsSync, realpathSync } from 'node:fs';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import type * as FsPromises from 'node:fs/promises';
import type { PatchFs } from './apply.js';

/** What `anchoredPatchFs` uses from its host process. */
export interface AnchoredFsDeps {
  fsp: typeof FsPromises;
  path: typeof path;
  constants: typeof constants;
  /** Whether `/proc/self/fd` works here. */
  procFd: boolean;
}

/**
 * An anchored `PatchFs` below `base` (its realpath is `realBase`); see the module comment.
 * @example
 * const fs = anchoredPatchFs(nodeAnchoredDeps(), '/ws', '/ws', { follow: false });
 * try { await commitWrites(writes, fs, nodeCommitTools); } finally { await fs.close?.(); }
 */
export function anchoredPatchFs(deps: AnchoredFsDeps, base: string, realBase: string, options: { follow: boolean }): PatchFs {
  const { fsp, path, constants: c } = deps;
  const dirFlags = c.O_RDONLY | c.O_DIRECTORY | (options.follow ? 0 : c.O_NOFOLLOW);
  const createFlags = c.O_WRONLY | c.O_CREAT | c.O_EXCL | (options.follow ? 0 : c.O_NOFOLLOW);
  const handles = new Map<string, Promise<FsPromises.FileHandle>>();
  const below = (root: string, p: string) => {
    const rel = path.relative(root, path.resolve(p));
    return rel === '' || rel.startsWith('..') || path.isAbsolute(rel) ? undefined : rel;
  };
  /** Where `dir` is opened from: the base itself, a directory below it, or outside. */
  const inside = (dir: string) => path.resolve(dir) === path.resolve(base) || path.resolve(dir) === realBase || below(base, dir) !== undefined || below(realBase, dir) !== undefined;
  const openDir = (dir: string): Promise<FsPromises.FileHandle> => {
    const key = path.resolve(dir);
    let handle = handles.get(key);
    if (!handle) {
      const parent = path.dirname(key);
      if (key === path.resolve(base) || key === realBase) handle = fsp.open(realBase, c.O_RDONLY | c.O_DIRECTORY);
      else if (!inside(key)) handle = fsp.open(key, c.O_RDONLY | c.O_DIRECTORY);
      else handle = openDir(parent).then((h) => fsp.open(`/proc/self/fd/${h.fd}/${path.basename(key)}`, dirFlags));
      handles.set(key, handle);
      handle.catch(() => handles.delete(key));
    }
    return handle;
  };
  const checkedPath = async (p: string): Promise<string> => {
    if (options.follow || !inside(path.dirname(p))) return p;
    const rel = below(base, path.dirname(p)) ?? below(realBase, path.dirname(p)) ?? '';
    let dir = realBase;
    for (const part of rel === '' ? [] : rel.split(path.sep)) {
      dir = path.join(dir, part);
      if (!(await fsp.lstat(dir)).isDirectory()) throw Object.assign(new Error(`not a plain directory: ${dir}`), { code: 'ENOTDIR', path: dir });
    }
    return path.join(dir, path.basename(p));
  };
  const entry = async (p: string): Promise<string> => {
    if (!deps.procFd) return checkedPath(p);
    const handle = await openDir(path.dirname(p)).catch((e: NodeJS.ErrnoException) => {
      throw Object.assign(e, { path: path.dirname(p) });
    });
    return `/proc/self/fd/${handle.fd}/${path.basename(p)}`;
  };
  return {
    writeFile: async (p, data, mode) => fsp.writeFile(await entry(p), data, { mode: mode ?? 0o644, flag: createFlags }),
    rename: async (from, to) => fsp.rename(await entry(from), await entry(to)),
    unlink: async (p) => fsp.unlink(await entry(p)),
    mkdir: async (p) => void (await fsp.mkdir(await entry(p))),
    rmdir: async (p) => {
      const key = path.resolve(p);
      const own = handles.get(key);
      handles.delete(key);
      if (own) await (await own.catch(() => undefined))?.close();
      await fsp.rmdir(await entry(p));
    },
    mode: async (p) => {
      const st = await entry(p).then((e) => (options.follow ? fsp.stat(e) : fsp.lstat(e))).catch(() => undefined);
      return st?.isFile() ? st.mode : undefined;
    },
    // A missing directory on the way means the entry does not exist; a symlink still throws.
    exists: async (p) => {
      try {
        return (await fsp.lstat(await entry(p)).catch(() => undefined)) !== undefined;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw e;
      }
    },
    close: async () => {
      const all = [...handles.values()];
      handles.clear();
      for (const h of all) await (await h.catch(() => undefined))?.close();
    },
  };
}

/**
 * The `AnchoredFsDeps` of this process.
 * @example
 * anchoredPatchFs(nodeAnchoredDeps(), '/ws', '/ws', { follow: false });
 */
export function nodeAnchoredDeps(): AnchoredFsDeps {
  return { fsp, path, constants, procFd: existsSync('/proc/self/fd') };
}

/**
 * A `PatchFs` that never follows a symlink below `base` (see the module comment).
 * @example
 * await applyPatch(plan, { cwd: '/ws', fs: noFollowPatchFs('/ws') });
 */
export function noFollowPatchFs(base: string): PatchFs {
  let realBase: string;
  try {
    realBase = realpathSync(base);
  } catch {
    realBase = path.resolve(base);
  }
  return anchoredPatchFs(nodeAnchoredDeps(), base, realBase, { follow: false });
}

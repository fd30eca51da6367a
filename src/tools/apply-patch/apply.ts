/**
 * Applying a patch atomically. Invariant: either every file of the patch reaches its
 * planned state, or none changes, and no temporary file is left behind. All hunks are
 * verified (`planPatch`) before the disk is touched; new contents go to temp files beside
 * their targets; then each target is moved aside to a backup and its temp file renamed into
 * place. If any step fails, the steps already taken are undone in reverse and the temp files
 * and new directories removed.
 *
 * Where the bytes go is the writer's business: in-process through a `PatchFs` (the plain
 * `nodePatchFs` by default; the apply_patch tool uses `noFollowPatchFs` under restricted
 * policies), or in a child process inside the bubblewrap sandbox (`SandboxedPatchWriter`),
 * where the kernel keeps the writes inside the writable roots.
 */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import type * as FsPromises from 'node:fs/promises';
import path from 'node:path';
import { PatchApplyError } from '../errors.js';
import type { ParsedPatch } from './parser.js';
import { planPatch, readFileIfExists, type PatchPlan, type PatchReadFile } from './plan.js';

/** The file-system calls a patch write makes; tests substitute failing ones. */
export interface PatchFs {
  writeFile(p: string, data: string | Uint8Array, mode: number | undefined): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(p: string): Promise<void>;
  mkdir(p: string): Promise<void>;
  rmdir(p: string): Promise<void>;
  /** The file's permission bits, or `undefined` if it does not exist. */
  mode(p: string): Promise<number | undefined>;
  exists(p: string): Promise<boolean>;
  /** Releases what the file system holds open (directory descriptors). */
  close?(): Promise<void>;
}

/** One path's final state: `after === undefined` deletes it. */
export interface PatchWrite {
  path: string;
  after: string | Uint8Array | undefined;
}

/** Where committed writes go (in-process, or a sandboxed child process). */
export type PatchWriter = (writes: readonly PatchWrite[]) => Promise<void>;

/**
 * A `PatchFs` over `node:fs/promises` that follows symlinks like any program would.
 * Self-contained (it only uses its argument), so the sandboxed writer can run the same code.
 * @example
 * const fs = plainPatchFs(await import('node:fs/promises'));
 */
export function plainPatchFs(fsp: typeof FsPromises): PatchFs {
  return {
    writeFile: (p, data, mode) => fsp.writeFile(p, data, { mode: mode ?? 0o644, flag: 'wx' }),
    rename: (from, to) => fsp.rename(from, to),
    unlink: (p) => fsp.unlink(p),
    mkdir: async (p) => void (await fsp.mkdir(p)),
    rmdir: (p) => fsp.rmdir(p),
    mode: async (p) => (await fsp.stat(p).catch(() => undefined))?.mode,
    exists: async (p) => (await fsp.lstat(p).catch(() => undefined)) !== undefined,
  };
}

/**
 * The real file system, following symlinks.
 * @example
 * await applyPatch(patch, { cwd, fs: nodePatchFs });
 */
export const nodePatchFs: PatchFs = plainPatchFs(fsp);

/** Path helpers `commitWrites` needs (passed in so that it stays self-contained). */
export interface CommitTools {
  dirname(p: string): string;
  basename(p: string): string;
  join(...parts: string[]): string;
  /** A fresh random tag for temp and backup names. */
  tag(): string;
}

/**
 * Commits final file states all-or-nothing through `fs` (see the module comment). Throws the
 * underlying error after undoing every step; self-contained (no module-scope references) so
 * the sandboxed writer runs this very function in its child process.
 * @example
 * await commitWrites([{ path: '/ws/a.txt', after: 'hi\n' }], nodePatchFs, nodeCommitTools);
 */
export async function commitWrites(writes: readonly PatchWrite[], fs: PatchFs, tools: CommitTools): Promise<void> {
  const createdDirs: string[] = [];
  const steps: Array<{ target: string; temp?: string; backup?: string; backedUp: boolean; placed: boolean }> = [];
  const ensureDir = async (dir: string): Promise<void> => {
    if (await fs.exists(dir)) return;
    await ensureDir(tools.dirname(dir));
    await fs.mkdir(dir);
    createdDirs.push(dir);
  };
  const quietly = (p: Promise<void>) => p.catch(() => undefined);
  try {
    for (const w of writes) {
      const tag = `.${tools.basename(w.path)}.turnstate-${tools.tag()}`;
      const step: (typeof steps)[number] = { target: w.path, backedUp: false, placed: false };
      steps.push(step);
      if (w.after !== undefined) {
        await ensureDir(tools.dirname(w.path));
        const temp = tools.join(tools.dirname(w.path), `${tag}.tmp`);
        const mode = await fs.mode(w.path);
        step.temp = temp;
        await fs.writeFile(temp, w.after, mode);
      }
      if (await fs.exists(w.path)) step.backup = tools.join(tools.dirname(w.path), `${tag}.bak`);
    }
    for (const step of steps) {
      if (step.backup !== undefined) {
        await fs.rename(step.target, step.backup);
        step.backedUp = true;
      }
      if (step.temp !== undefined) {
        await fs.rename(step.temp, step.target);
        step.placed = true;
      }
    }
  } catch (e) {
    for (const step of [...steps].reverse()) {
      if (step.placed) await quietly(fs.unlink(step.target));
      else if (step.temp !== undefined) await quietly(fs.unlink(step.temp));
      if (step.backedUp && step.backup !== undefined) await quietly(fs.rename(step.backup, step.target));
    }
    for (const dir of [...createdDirs].reverse()) await quietly(fs.rmdir(dir));
    throw e;
  }
  for (const step of steps) if (step.backup !== undefined) await quietly(fs.unlink(step.backup));
}

/**
 * The `CommitTools` of this process.
 * @example
 * await commitWrites(writes, nodePatchFs, nodeCommitTools);
 */
export const nodeCommitTools: CommitTools = {
  dirname: path.dirname,
  basename: path.basename,
  join: path.join,
  tag: () => randomBytes(4).toString('hex'),
};

/** Options of `applyPatch`. */
export interface ApplyPatchOptions {
  cwd: string;
  readFile?: PatchReadFile;
  /** The file system of the default in-process writer (default `nodePatchFs`). */
  fs?: PatchFs;
  /** Where the writes go (default: in-process through `fs`). */
  writer?: PatchWriter;
}

/** What an applied patch did: absolute paths added, modified and deleted. */
export interface ApplyPatchResult extends PatchPlan {
  added: string[];
  modified: string[];
  deleted: string[];
}

/**
 * Verifies and applies a patch (text, parsed, or an existing plan) all-or-nothing.
 * Throws `PatchParseError`/`PatchApplyError`; on a write failure nothing is left changed.
 * @example
 * const result = await applyPatch('*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch', { cwd: '/ws' });
 * result.added; // ['/ws/a.txt']
 */
export async function applyPatch(patch: string | ParsedPatch | PatchPlan, options: ApplyPatchOptions): Promise<ApplyPatchResult> {
  const fs = options.fs ?? nodePatchFs;
  const writer = options.writer ?? ((writes) => commitWrites(writes, fs, nodeCommitTools).finally(() => fs.close?.()));
  const plan = typeof patch !== 'string' && 'writes' in patch ? patch : await planPatch(patch, options.cwd, options.readFile ?? readFileIfExists);
  const writes = plan.writes.filter((w) => w.before !== undefined || w.after !== undefined);
  try {
    await writer(writes.map((w) => ({ path: w.path, after: w.after })));
  } catch (e) {
    if (e instanceof PatchApplyError) throw e;
    throw new PatchApplyError('patch_write_failed', (e as NodeJS.ErrnoException).path, `write failed, no file was changed: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return {
    ...plan,
    added: writes.filter((w) => w.before === undefined).map((w) => w.path),
    modified: writes.filter((w) => w.before !== undefined && w.after !== undefined).map((w) => w.path),
    deleted: writes.filter((w) => w.after === undefined).map((w) => w.path),
  };
}

/**
 * The model-facing summary of an applied patch (`A`/`M`/`D` per path, relative to `cwd`).
 * @example
 * formatPatchSummary({ added: ['/ws/a'], modified: [], deleted: [] } as ApplyPatchResult, '/ws');
 * // 'Success. Updated the following files:\nA a\n'
 */
export function formatPatchSummary(result: Pick<ApplyPatchResult, 'added' | 'modified' | 'deleted'>, cwd: string): string {
  const rel = (p: string) => path.relative(cwd, p) || p;
  const lines = [
    ...result.added.map((p) => `A ${rel(p)}`),
    ...result.modified.map((p) => `M ${rel(p)}`),
    ...result.deleted.map((p) => `D ${rel(p)}`),
  ];
  return `Success. Updated the following files:\n${lines.join('\n')}\n`;
}

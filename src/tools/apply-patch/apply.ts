/**
 * Applying a patch atomically. Invariant: either every file of the patch reaches its
 * planned state, or none changes. All hunks are verified (`planPatch`) before the disk is
 * touched; new contents go to temp files beside their targets; then each target is moved
 * aside to a backup and its temp file renamed into place. If any step fails, the steps
 * already taken are undone in reverse and the temp files and new directories removed.
 */
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import path from 'node:path';
import { PatchApplyError } from '../errors.js';
import type { ParsedPatch } from './parser.js';
import { planPatch, readFileIfExists, type PatchPlan, type PatchReadFile } from './plan.js';

/** The file-system calls `applyPatch` makes; tests substitute failing ones. */
export interface PatchFs {
  writeFile(p: string, data: string, mode: number | undefined): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(p: string): Promise<void>;
  mkdir(p: string): Promise<void>;
  rmdir(p: string): Promise<void>;
  /** The file's permission bits, or `undefined` if it does not exist. */
  mode(p: string): Promise<number | undefined>;
  exists(p: string): Promise<boolean>;
}

/**
 * The real file system.
 * @example
 * await applyPatch(patch, { cwd, fs: nodePatchFs });
 */
export const nodePatchFs: PatchFs = {
  writeFile: (p, data, mode) => fsp.writeFile(p, data, { mode: mode ?? 0o644, flag: 'wx' }),
  rename: (from, to) => fsp.rename(from, to),
  unlink: (p) => fsp.unlink(p),
  mkdir: async (p) => void (await fsp.mkdir(p)),
  rmdir: (p) => fsp.rmdir(p),
  mode: async (p) => (await fsp.stat(p).catch(() => undefined))?.mode,
  exists: async (p) => (await fsp.lstat(p).catch(() => undefined)) !== undefined,
};

/** Options of `applyPatch`. */
export interface ApplyPatchOptions {
  cwd: string;
  readFile?: PatchReadFile;
  fs?: PatchFs;
}

/** What an applied patch did: absolute paths added, modified and deleted. */
export interface ApplyPatchResult extends PatchPlan {
  added: string[];
  modified: string[];
  deleted: string[];
}

interface Step {
  target: string;
  temp: string | undefined;
  backup: string | undefined;
  backedUp: boolean;
  placed: boolean;
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
  const plan = typeof patch !== 'string' && 'writes' in patch ? patch : await planPatch(patch, options.cwd, options.readFile ?? readFileIfExists);
  const writes = plan.writes.filter((w) => w.before !== undefined || w.after !== undefined);
  const createdDirs: string[] = [];
  const steps: Step[] = [];
  try {
    for (const w of writes) {
      const tag = `.${path.basename(w.path)}.turnstate-${randomBytes(4).toString('hex')}`;
      const step: Step = { target: w.path, temp: undefined, backup: undefined, backedUp: false, placed: false };
      steps.push(step);
      if (w.after !== undefined) {
        await ensureDir(fs, path.dirname(w.path), createdDirs);
        step.temp = path.join(path.dirname(w.path), `${tag}.tmp`);
        await fs.writeFile(step.temp, w.after, await fs.mode(w.path));
      }
      if (await fs.exists(w.path)) step.backup = path.join(path.dirname(w.path), `${tag}.bak`);
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
    await rollback(fs, steps, createdDirs);
    if (e instanceof PatchApplyError) throw e;
    throw new PatchApplyError('patch_write_failed', (e as NodeJS.ErrnoException).path, `write failed, no file was changed: ${(e as Error).message}`, {
      cause: e,
    });
  }
  for (const step of steps) if (step.backup !== undefined) await fs.unlink(step.backup).catch(() => undefined);
  return {
    ...plan,
    added: writes.filter((w) => w.before === undefined).map((w) => w.path),
    modified: writes.filter((w) => w.before !== undefined && w.after !== undefined).map((w) => w.path),
    deleted: writes.filter((w) => w.after === undefined).map((w) => w.path),
  };
}

async function ensureDir(fs: PatchFs, dir: string, created: string[]): Promise<void> {
  if (await fs.exists(dir)) return;
  await ensureDir(fs, path.dirname(dir), created);
  await fs.mkdir(dir);
  created.push(dir);
}

async function rollback(fs: PatchFs, steps: Step[], createdDirs: string[]): Promise<void> {
  const quietly = (p: Promise<void>) => p.catch(() => undefined);
  for (const step of [...steps].reverse()) {
    if (step.placed) await quietly(fs.unlink(step.target));
    else if (step.temp !== undefined) await quietly(fs.unlink(step.temp));
    if (step.backedUp && step.backup !== undefined) await quietly(fs.rename(step.backup, step.target));
  }
  for (const dir of [...createdDirs].reverse()) await quietly(fs.rmdir(dir));
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

/**
 * Writes that never follow a symlink below the workspace: a directory swapped for an outward
 * symlink between planning and writing makes the patch fail, with nothing written outside,
 * every other file of the patch unchanged, and no temporary file left.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyPatch, noFollowPatchFs, planPatch } from '../../../src/tools/apply-patch/index.js';

let base: string;
let ws: string;
let outside: string;
beforeEach(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'ts-nofollow-'));
  ws = path.join(base, 'ws');
  outside = path.join(base, 'outside');
  await mkdir(ws);
  await mkdir(outside);
});
afterEach(() => rm(base, { recursive: true, force: true }));

const patch = (...body: string[]) => ['*** Begin Patch', ...body, '*** End Patch'].join('\n');
const all = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

describe('noFollowPatchFs', () => {
  it('applies a patch below the workspace like the plain file system', async () => {
    await writeFile(path.join(ws, 'a.txt'), 'a\n');
    const fs = noFollowPatchFs(ws);
    await applyPatch(patch('*** Add File: d/e/new.txt', '+n', '*** Update File: a.txt', '@@', '-a', '+A'), { cwd: ws, fs });
    expect(await readFile(path.join(ws, 'd/e/new.txt'), 'utf8')).toBe('n\n');
    expect(await readFile(path.join(ws, 'a.txt'), 'utf8')).toBe('A\n');
    expect(all(ws)).toEqual(['a.txt', 'd', 'd/e', 'd/e/new.txt']);
  });

  it('a directory swapped for an outward symlink after planning: the patch fails, nothing is written anywhere', async () => {
    await mkdir(path.join(ws, 'sw'));
    await writeFile(path.join(ws, 'keep.txt'), 'keep\n');
    const plan = await planPatch(patch('*** Update File: keep.txt', '@@', '-keep', '+changed', '*** Add File: sw/evil.txt', '+pwned'), ws);
    await rename(path.join(ws, 'sw'), path.join(ws, 'old'));
    await symlink('../outside', path.join(ws, 'sw'));

    await expect(applyPatch(plan, { cwd: ws, fs: noFollowPatchFs(ws) })).rejects.toMatchObject({ code: 'patch_write_failed' });
    expect(all(outside)).toEqual([]);
    expect(await readFile(path.join(ws, 'keep.txt'), 'utf8')).toBe('keep\n');
    expect(all(ws)).toEqual(['keep.txt', 'old', 'sw']);
  });

  it('a symlinked final component is replaced, not written through', async () => {
    await writeFile(path.join(outside, 'target.txt'), 'outside\n');
    await symlink(path.join(outside, 'target.txt'), path.join(ws, 'link.txt'));
    await applyPatch(patch('*** Delete File: link.txt', '*** Add File: link.txt', '+inside'), { cwd: ws, fs: noFollowPatchFs(ws) }).catch(() => undefined);
    expect(await readFile(path.join(outside, 'target.txt'), 'utf8')).toBe('outside\n');
    expect(existsSync(path.join(outside, 'link.txt'))).toBe(false);
  });
});

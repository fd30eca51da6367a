/**
 * The sandboxed patch writer: writes happen in a child process inside bwrap, so the kernel
 * refuses whatever would leave the writable roots (a symlink to outside, `.git`), the patch
 * stays all-or-none and leaves no temporary file, and the child goes away when idle.
 */
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxPolicy } from '../../../src/protocol/config.js';
import { SandboxedPatchWriter, applyPatch } from '../../../src/tools/apply-patch/index.js';
import { detectBwrap, sandboxSpecFor } from '../../../src/tools/sandbox/index.js';

const bwrap = await detectBwrap();
if (!bwrap.available) console.warn(`[skip] sandboxed patch writer: ${bwrap.reason}`);

const POLICY: SandboxPolicy = { type: 'workspace-write', writable_roots: [], network_access: false, exclude_tmpdir_env_var: true, exclude_slash_tmp: true };
const patch = (...body: string[]) => ['*** Begin Patch', ...body, '*** End Patch'].join('\n');
const all = (dir: string): string[] => readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();

let base: string;
let ws: string;
let outside: string;
let writer: SandboxedPatchWriter;
beforeEach(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'ts-sbwriter-'));
  ws = path.join(base, 'ws');
  outside = path.join(base, 'outside');
  await mkdir(path.join(ws, '.git'), { recursive: true });
  await mkdir(outside);
});
afterEach(async () => {
  writer?.close();
  await rm(base, { recursive: true, force: true });
});

const start = (idleMs?: number) => {
  const spec = sandboxSpecFor(POLICY, ws);
  if (spec.kind !== 'bwrap') throw new Error('expected a bwrap spec');
  writer = new SandboxedPatchWriter(spec, idleMs === undefined ? {} : { idleMs });
  return writer.write;
};

describe.skipIf(!bwrap.available)('SandboxedPatchWriter', () => {
  it('applies patches inside the workspace from one child, which exits when idle', async () => {
    await writeFile(path.join(ws, 'a.txt'), 'a\n');
    const write = start(50);
    await applyPatch(patch('*** Add File: d/n.txt', '+n', '*** Update File: a.txt', '@@', '-a', '+A'), { cwd: ws, writer: write });
    await applyPatch(patch('*** Delete File: d/n.txt'), { cwd: ws, writer: write });
    expect(await readFile(path.join(ws, 'a.txt'), 'utf8')).toBe('A\n');
    expect(all(ws)).toEqual(['.git', 'a.txt', 'd']);
    expect(writer.running).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect(writer.running).toBe(false);
  });

  it('a symlink to outside and .git are refused by the kernel; the patch is all-or-none with no temp file', async () => {
    await symlink('../outside', path.join(ws, 'sw'));
    await writeFile(path.join(ws, 'keep.txt'), 'keep\n');
    const write = start();
    for (const target of ['sw/evil.txt', '.git/hooks-post-checkout']) {
      const err = await applyPatch(patch('*** Update File: keep.txt', '@@', '-keep', '+changed', `*** Add File: ${target}`, '+pwned'), { cwd: ws, writer: write }).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'patch_write_failed', message: expect.stringMatching(/read-only file system/i) });
    }
    expect(all(outside)).toEqual([]);
    expect(all(ws)).toEqual(['.git', 'keep.txt', 'sw']);
    expect(await readFile(path.join(ws, 'keep.txt'), 'utf8')).toBe('keep\n');
  });
});

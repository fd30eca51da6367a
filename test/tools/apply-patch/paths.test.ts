import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  classifyPath,
  patchWritesOutside,
  pathsOutsideRoots,
  planPatch,
  realLocation,
  resolvePatchPath,
} from '../../../src/tools/apply-patch/index.js';

let base: string;
let ws: string;
let outside: string;
beforeEach(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'ts-paths-'));
  ws = path.join(base, 'ws');
  outside = path.join(base, 'outside');
  await mkdir(ws);
  await mkdir(outside);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const patch = (...body: string[]) => ['*** Begin Patch', ...body, '*** End Patch'].join('\n');

describe('path safety', () => {
  it('resolves relative paths against cwd and rejects unusable ones', () => {
    expect(resolvePatchPath('/ws', 'a/../b.txt')).toBe('/ws/b.txt');
    expect(resolvePatchPath('/ws', '/abs/c.txt')).toBe('/abs/c.txt');
    expect(() => resolvePatchPath('/ws', ' ')).toThrowError(expect.objectContaining({ code: 'patch_invalid_path' }));
    expect(() => resolvePatchPath('/ws', 'a\0b')).toThrowError(expect.objectContaining({ code: 'patch_invalid_path' }));
  });

  it('allows paths inside the workspace, including files that do not exist yet', async () => {
    expect(await classifyPath(path.join(ws, 'new/deep/file.txt'), [ws])).toBe('allowed');
    expect(await classifyPath(ws, [ws])).toBe('allowed');
  });

  it('flags `..` escapes and absolute paths outside the roots', async () => {
    const plan = await planPatch(patch('*** Add File: ../outside/x.txt', '+x', '*** Add File: ok.txt', '+y'), ws);
    expect(await pathsOutsideRoots(Object.keys(plan.changes), [ws])).toEqual([path.join(outside, 'x.txt')]);
    expect(await patchWritesOutside(plan.changes, [ws])).toBe(true);
    expect(await classifyPath('/etc/hosts', [ws])).toBe('needs_approval');
    expect(await patchWritesOutside(plan.changes, [ws, outside])).toBe(false);
  });

  it('follows a symlinked directory out of the workspace', async () => {
    await symlink(outside, path.join(ws, 'link'));
    expect(await realLocation(path.join(ws, 'link/new.txt'))).toBe(path.join(outside, 'new.txt'));
    expect(await classifyPath(path.join(ws, 'link/new.txt'), [ws])).toBe('needs_approval');
  });

  it('follows a symlinked file out of the workspace', async () => {
    await writeFile(path.join(outside, 'secret'), 's\n');
    await symlink(path.join(outside, 'secret'), path.join(ws, 'innocent.txt'));
    const plan = await planPatch(patch('*** Update File: innocent.txt', '@@', '-s', '+t'), ws);
    expect(await patchWritesOutside(plan.changes, [ws])).toBe(true);
  });

  it('flags a move whose destination is outside', async () => {
    await writeFile(path.join(ws, 'a.txt'), 'a\n');
    const plan = await planPatch(patch('*** Update File: a.txt', `*** Move to: ${path.join(outside, 'a.txt')}`, '@@', '-a', '+b'), ws);
    expect(await patchWritesOutside(plan.changes, [ws])).toBe(true);
  });

  it('accepts a workspace reached through a symlinked root', async () => {
    const alias = path.join(base, 'alias');
    await symlink(ws, alias);
    expect(await classifyPath(path.join(alias, 'f.txt'), [ws])).toBe('allowed');
    expect(await classifyPath(path.join(ws, 'f.txt'), [alias])).toBe('allowed');
  });
});

import { mkdtemp, readFile, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  applyChunks,
  applyPatch,
  formatPatchSummary,
  nodePatchFs,
  planPatch,
  seekSequence,
  unifiedDiffHunks,
  type PatchFs,
} from '../../../src/tools/apply-patch/index.js';
import { PatchApplyError } from '../../../src/tools/errors.js';

let ws: string;
beforeEach(async () => {
  ws = await mkdtemp(path.join(os.tmpdir(), 'ts-patch-'));
});
afterEach(async () => {
  await rm(ws, { recursive: true, force: true });
});

const patch = (...body: string[]) => ['*** Begin Patch', ...body, '*** End Patch'].join('\n');
const read = (p: string) => readFile(path.join(ws, p), 'utf8');

describe('seekSequence', () => {
  it('matches exactly, then ignoring trailing space, then trimmed, then with ASCII punctuation', () => {
    expect(seekSequence(['a', 'b', 'c'], ['b', 'c'], 0, false)).toBe(1);
    expect(seekSequence(['a  ', 'b\t'], ['a', 'b'], 0, false)).toBe(0);
    expect(seekSequence(['   a ', ' b'], ['a', 'b'], 0, false)).toBe(0);
    expect(seekSequence(['x = “hi” — ok'], ['x = "hi" - ok'], 0, false)).toBe(0);
    expect(seekSequence(['a'], ['a', 'b'], 0, false)).toBe(-1);
    expect(seekSequence(['a', 'b', 'a'], ['a'], 1, false)).toBe(2);
  });

  it('prefers the end of the file for end-of-file chunks', () => {
    expect(seekSequence(['x', 'y', 'x'], ['x'], 0, true)).toBe(2);
  });
});

describe('applyChunks', () => {
  const chunk = (oldLines: string[], newLines: string[], extra: Partial<{ context: string; isEndOfFile: boolean }> = {}) => ({
    context: extra.context,
    oldLines,
    newLines,
    isEndOfFile: extra.isEndOfFile ?? false,
    line: 1,
  });

  it('replaces lines after a context line and keeps CRLF endings', () => {
    const text = 'def a():\r\n    x\r\ndef b():\r\n    x\r\n';
    expect(applyChunks(text, [chunk(['    x'], ['    y'], { context: 'def b():' })], 'f')).toBe('def a():\r\n    x\r\ndef b():\r\n    y\r\n');
  });

  it('appends pure additions at the end, or right after their context line', () => {
    expect(applyChunks('a\nb\n', [chunk([], ['c'])], 'f')).toBe('a\nb\nc\n');
    expect(applyChunks('a\nb\n', [chunk([], ['a2'], { context: 'a' })], 'f')).toBe('a\na2\nb\n');
  });

  it('keeps a missing final newline and drops a trailing blank context line when needed', () => {
    expect(applyChunks('a\nb', [chunk(['b'], ['c'])], 'f')).toBe('a\nc');
    expect(applyChunks('a\nb\n', [chunk(['b', ''], ['c', ''])], 'f')).toBe('a\nc\n');
  });

  it('names the file and the missing lines when a chunk does not fit', () => {
    expect(() => applyChunks('a\n', [chunk(['zzz'], ['y'])], '/ws/f')).toThrowError(/\/ws\/f: cannot find the lines to replace[\s\S]*zzz/);
    expect(() => applyChunks('a\n', [chunk(['a'], ['b'], { context: 'nope' })], '/ws/f')).toThrowError(/cannot find context line 'nope'/);
  });
});

describe('unifiedDiffHunks', () => {
  it('renders minimal hunks with context and no-newline markers', () => {
    expect(unifiedDiffHunks('a\nb\nc\n', 'a\nB\nc\n', 1)).toBe('@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n');
    expect(unifiedDiffHunks('', 'x\n')).toBe('@@ -0,0 +1 @@\n+x\n');
    expect(unifiedDiffHunks('x', 'y')).toBe('@@ -1 +1 @@\n-x\n\\ No newline at end of file\n+y\n\\ No newline at end of file\n');
    expect(unifiedDiffHunks('same\n', 'same\n')).toBe('');
  });

  it('splits distant changes into separate hunks', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}\n`).join('');
    const after = before.replace('l1\n', 'L1\n').replace('l18\n', 'L18\n');
    expect(unifiedDiffHunks(before, after, 1).match(/^@@/gm)).toHaveLength(2);
  });
});

describe('planPatch', () => {
  it('reports add/delete/update/move changes keyed by absolute path, without writing', async () => {
    await writeFile(path.join(ws, 'del.txt'), 'bye\n');
    await writeFile(path.join(ws, 'upd.txt'), 'one\ntwo\n');
    await writeFile(path.join(ws, 'mv.txt'), 'm\n');
    const plan = await planPatch(
      patch(
        '*** Add File: new/a.txt',
        '+hello',
        '*** Delete File: del.txt',
        '*** Update File: upd.txt',
        '@@',
        '-two',
        '+TWO',
        '*** Update File: mv.txt',
        '*** Move to: moved/mv2.txt',
        '@@',
        '-m',
        '+M',
      ),
      ws,
    );
    expect(plan.changes).toEqual({
      [path.join(ws, 'new/a.txt')]: { type: 'add', content: 'hello\n' },
      [path.join(ws, 'del.txt')]: { type: 'delete', content: 'bye\n' },
      [path.join(ws, 'upd.txt')]: { type: 'update', unified_diff: '@@ -1,2 +1,2 @@\n one\n-two\n+TWO\n', move_path: null },
      [path.join(ws, 'mv.txt')]: { type: 'update', unified_diff: '@@ -1 +1 @@\n-m\n+M\n', move_path: path.join(ws, 'moved/mv2.txt') },
    });
    expect(await read('upd.txt')).toBe('one\ntwo\n');
  });

  it('rejects updates and deletes of missing files and empty patches with typed errors', async () => {
    await expect(planPatch(patch('*** Delete File: nope.txt'), ws)).rejects.toMatchObject({ code: 'patch_file_missing' });
    await expect(planPatch(patch('*** Update File: nope.txt', '@@', '-a', '+b'), ws)).rejects.toMatchObject({ code: 'patch_file_missing' });
    await expect(planPatch(patch(), ws)).rejects.toMatchObject({ code: 'patch_empty' });
  });
});

describe('applyPatch', () => {
  it('applies every operation and summarises it', async () => {
    await writeFile(path.join(ws, 'upd.txt'), 'one\ntwo\n');
    await writeFile(path.join(ws, 'del.txt'), 'x\n');
    const result = await applyPatch(
      patch('*** Add File: dir/sub/a.txt', '+a', '*** Update File: upd.txt', '@@ one', '-two', '+2', '*** Delete File: del.txt'),
      { cwd: ws },
    );
    expect(await read('dir/sub/a.txt')).toBe('a\n');
    expect(await read('upd.txt')).toBe('one\n2\n');
    await expect(read('del.txt')).rejects.toThrow();
    expect(formatPatchSummary(result, ws)).toBe('Success. Updated the following files:\nA dir/sub/a.txt\nM upd.txt\nD del.txt\n');
    expect((await readdir(ws)).sort()).toEqual(['dir', 'upd.txt']);
  });

  it('moves a file with its update', async () => {
    await writeFile(path.join(ws, 'old.txt'), 'a\n');
    await applyPatch(patch('*** Update File: old.txt', '*** Move to: new.txt', '@@', '-a', '+b'), { cwd: ws });
    expect(await read('new.txt')).toBe('b\n');
    await expect(read('old.txt')).rejects.toThrow();
  });

  it('is atomic: a failing hunk in the second file leaves the first untouched', async () => {
    await writeFile(path.join(ws, 'first.txt'), 'keep me\n');
    await writeFile(path.join(ws, 'second.txt'), 'actual\n');
    const p = patch('*** Update File: first.txt', '@@', '-keep me', '+changed', '*** Update File: second.txt', '@@', '-not there', '+x', '*** Add File: third.txt', '+3');
    const err = await applyPatch(p, { cwd: ws }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PatchApplyError);
    expect(err).toMatchObject({ code: 'patch_context_not_found', path: path.join(ws, 'second.txt') });
    expect(await read('first.txt')).toBe('keep me\n');
    expect((await readdir(ws)).sort()).toEqual(['first.txt', 'second.txt']);
  });

  it('rolls back when a rename fails part-way', async () => {
    await writeFile(path.join(ws, 'a.txt'), 'A\n');
    await writeFile(path.join(ws, 'b.txt'), 'B\n');
    await mkdir(path.join(ws, 'keep'));
    let renames = 0;
    const failing: PatchFs = {
      ...nodePatchFs,
      rename: async (from, to) => {
        // a.txt: backup + place (2 renames); b.txt: backup (3rd) then its placement fails.
        if (++renames === 4) throw Object.assign(new Error('EIO: simulated'), { code: 'EIO', path: to });
        await nodePatchFs.rename(from, to);
      },
    };
    const p = patch('*** Update File: a.txt', '@@', '-A', '+A2', '*** Update File: b.txt', '@@', '-B', '+B2', '*** Add File: n/new.txt', '+n');
    await expect(applyPatch(p, { cwd: ws, fs: failing })).rejects.toMatchObject({ code: 'patch_write_failed', fault: 'engine' });
    expect(await read('a.txt')).toBe('A\n');
    expect(await read('b.txt')).toBe('B\n');
    expect((await readdir(ws)).sort()).toEqual(['a.txt', 'b.txt', 'keep']);
  });
});

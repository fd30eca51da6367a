import { execFileSync } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TurnDiffTracker, applyPatch, planPatch } from '../../../src/tools/apply-patch/index.js';

let base: string;
let ws: string;
beforeEach(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), 'ts-turndiff-'));
  ws = path.join(base, 'ws');
  await mkdir(ws);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const patch = (...body: string[]) => ['*** Begin Patch', ...body, '*** End Patch'].join('\n');

async function applyTracked(tracker: TurnDiffTracker, text: string): Promise<void> {
  const plan = await planPatch(text, ws);
  await tracker.trackChanges(plan.changes);
  await applyPatch(plan, { cwd: ws });
}

async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) {
      const full = path.join(e.parentPath, e.name);
      out[path.relative(dir, full)] = await readFile(full, 'utf8');
    }
  }
  return out;
}

describe('TurnDiffTracker', () => {
  it('is empty when nothing changed, or when a change was undone', async () => {
    const tracker = new TurnDiffTracker(ws);
    expect(await tracker.unifiedDiff()).toBe('');
    await writeFile(path.join(ws, 'a.txt'), 'a\n');
    await applyTracked(tracker, patch('*** Update File: a.txt', '@@', '-a', '+b'));
    await applyTracked(tracker, patch('*** Update File: a.txt', '@@', '-b', '+a'));
    expect(await tracker.unifiedDiff()).toBe('');
  });

  it('diffs the net change of several patches against the first baseline, git style', async () => {
    await writeFile(path.join(ws, 'a.txt'), 'one\ntwo\n');
    const tracker = new TurnDiffTracker(ws);
    await applyTracked(tracker, patch('*** Update File: a.txt', '@@', '-one', '+ONE'));
    await applyTracked(tracker, patch('*** Update File: a.txt', '@@', '-two', '+TWO'));
    expect(await tracker.unifiedDiff()).toBe(
      [
        'diff --git a/a.txt b/a.txt',
        'index 814f4a422927b82f5f8a43f8fab6d3839e3983f2..8e90a0b85395e5656783b5bf832466a4eba35894 100644',
        '--- a/a.txt',
        '+++ b/a.txt',
        '@@ -1,2 +1,2 @@',
        '-one',
        '-two',
        '+ONE',
        '+TWO',
        '',
      ].join('\n'),
    );
  });

  it('shows adds, deletes and moves, and git apply reproduces the turn from the baseline', async () => {
    await writeFile(path.join(ws, 'keep.txt'), 'k\n');
    await writeFile(path.join(ws, 'gone.txt'), 'g1\ng2\n');
    await writeFile(path.join(ws, 'old.txt'), 'o1\no2\no3\n');
    await writeFile(path.join(ws, 'run.sh'), 'echo hi\n');
    const baseline = path.join(base, 'baseline');
    await cp(ws, baseline, { recursive: true });

    const tracker = new TurnDiffTracker(ws);
    await applyTracked(tracker, patch('*** Add File: src/new.txt', '+n', '*** Delete File: gone.txt'));
    await applyTracked(tracker, patch('*** Update File: old.txt', '*** Move to: moved/renamed.txt', '@@', ' o1', '-o2', '+O2'));
    await tracker.track([path.join(ws, 'run.sh')]);
    await chmod(path.join(ws, 'run.sh'), 0o755);

    const diff = await tracker.unifiedDiff();
    expect(diff).toContain('diff --git a/gone.txt b/gone.txt\ndeleted file mode 100644\n');
    expect(diff).toContain('diff --git a/src/new.txt b/src/new.txt\nnew file mode 100644\n');
    expect(diff).toContain('diff --git a/old.txt b/moved/renamed.txt\nrename from old.txt\nrename to moved/renamed.txt\n');
    expect(diff).toContain('diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n');
    expect(diff.match(/^diff --git/gm)).toHaveLength(4);

    await writeFile(path.join(base, 'turn.diff'), diff);
    execFileSync('git', ['apply', path.join(base, 'turn.diff')], { cwd: baseline });
    expect(await tree(baseline)).toEqual(await tree(ws));
  });

  it('marks binary files instead of printing their bytes', async () => {
    const tracker = new TurnDiffTracker(ws);
    await tracker.track([path.join(ws, 'blob.bin')]);
    await writeFile(path.join(ws, 'blob.bin'), Buffer.from([0, 1, 2]));
    expect(await tracker.unifiedDiff()).toContain('Binary files /dev/null and b/blob.bin differ\n');
  });
});

/**
 * Without a usable bwrap, known-safe commands run unsandboxed. A patch inside the workspace
 * that lays out a bare git directory (HEAD, refs/, objects/ borrowing the real repository's
 * objects through `objects/info/alternates`, a config naming a textconv program) would let the
 * known-safe `git -C evil log -p` run that program: such a patch writes git metadata, and
 * asks like any other (refused under never).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WORKSPACE_WRITE, answer, calls, outputFor, patch, say, shell, startRig, type Rig } from './support.js';

const which = (name: string) => ['/usr/bin', '/bin', '/usr/local/bin'].map((d) => path.join(d, name)).find((p) => existsSync(p));
const gitPath = which('git');
const bin = mkdtempSync(path.join(tmpdir(), 'turnstate-bin-'));
for (const tool of ['git', 'touch', 'cat']) {
  const found = which(tool);
  if (found) symlinkSync(found, path.join(bin, tool));
}
const savedPath = process.env.PATH;
process.env.PATH = bin; // no bwrap on this PATH
afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(bin, { recursive: true, force: true });
});

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** A repository with one commit; the same bytes, names and dates give the same commit id anywhere. */
function makeRepo(cwd: string): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'a', GIT_AUTHOR_EMAIL: 'a@b', GIT_COMMITTER_NAME: 'a', GIT_COMMITTER_EMAIL: 'a@b', GIT_AUTHOR_DATE: '2026-01-01T00:00:00Z', GIT_COMMITTER_DATE: '2026-01-01T00:00:00Z' };
  const git = (...args: string[]) => execFileSync(gitPath as string, args, { cwd, encoding: 'utf8', env }).trim();
  git('init', '-q', '.');
  writeFileSync(path.join(cwd, 'a.txt'), 'a\n');
  git('add', 'a.txt');
  git('commit', '-qm', 'a');
  return git('rev-parse', 'HEAD');
}

describe.runIf(gitPath !== undefined)('a bare git directory laid out by a patch (no sandbox)', () => {
  it('is git metadata: the patch is refused under never, and no textconv program runs', async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'turnstate-bare-'));
    const head = makeRepo(scratch);
    const pwned = path.join(scratch, 'pwned');
    const files: Record<string, string[]> = {
      'evil/HEAD': ['ref: refs/heads/main'],
      'evil/config': ['[core]', '\tbare = true', '[diff "x"]', `\ttextconv = "touch ${pwned}; cat"`],
      'evil/info/attributes': ['* diff=x'],
      'evil/objects/info/alternates': ['../../.git/objects'],
      'evil/refs/heads/main': [head],
    };
    const body = `*** Begin Patch\n${Object.entries(files).map(([f, lines]) => `*** Add File: ${f}\n${lines.map((l) => `+${l}\n`).join('')}`).join('')}*** End Patch`;
    rig = await startRig([calls('r1', patch('p1', body)), calls('r2', shell('c1', ['git', '-C', 'evil', 'log', '-p', '-1'])), answer('r3')], {
      approvalPolicy: 'never',
      sandboxPolicy: WORKSPACE_WRITE,
      prepare: (cwd) => void makeRepo(cwd),
    });
    const turn = await rig.thread.submit(say('plant'));
    await rig.log.untilType('task_complete', { id: turn });
    expect(outputFor(rig.server, 1, 'p1')).toMatch(/^patch rejected: .*git metadata/);
    expect(existsSync(path.join(rig.cwd, 'evil/config'))).toBe(false);
    expect(existsSync(pwned)).toBe(false);
    rmSync(scratch, { recursive: true, force: true });
  });
});

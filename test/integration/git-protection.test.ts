/**
 * `.git` is read-only in workspace-write, at any depth: a patch touching a path with a `.git`
 * component (a directory, or a `.git` file pointing at a gitdir) asks under on-request and
 * untrusted and is refused with the reason under never; the shell cannot write there either
 * (bwrap binds every `.git` found, and the gitdir a `.git` file names, read-only).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectBwrap } from '../../src/tools/sandbox/index.js';
import { WORKSPACE_WRITE, addFile, answer, calls, decide, messages, outputFor, patch, say, shell, startRig, type Rig } from './support.js';

const bwrap = await detectBwrap();
if (!bwrap.available) console.warn(`[skip] shell .git rows: bwrap unusable (${bwrap.reason})`);

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const CONFIG = '[core]\n\tbare = false\n';
const updateConfig = (file: string) => `*** Begin Patch\n*** Update File: ${file}\n@@\n [core]\n+\tfsmonitor = ./planted.sh\n*** End Patch`;

/** A workspace holding a repository, a nested repository and a submodule-style `.git` file. */
async function makeRepos(ws: string): Promise<void> {
  for (const dir of ['.git/hooks', 'sub/.git', 'gitdirs/mod/objects', 'gitdirs/mod/refs', 'mod']) await mkdir(path.join(ws, dir), { recursive: true });
  await writeFile(path.join(ws, 'gitdirs/mod/HEAD'), 'ref: refs/heads/main\n');
  for (const config of ['.git/config', 'sub/.git/config', 'gitdirs/mod/config']) await writeFile(path.join(ws, config), CONFIG);
  await writeFile(path.join(ws, 'mod/.git'), 'gitdir: ../gitdirs/mod\n');
}

// prettier-ignore
const PATCHES: Array<[string, 'on-request' | 'untrusted' | 'never', string]> = [
  ['add .git/hooks/post-checkout',  'never',       addFile('.git/hooks/post-checkout', '#!/bin/sh', 'touch pwned')],
  ['update .git/config',            'never',       updateConfig('.git/config')],
  ['update nested sub/.git/config', 'never',       updateConfig('sub/.git/config')],
  ['rewrite the .git file mod/.git', 'never',       `*** Begin Patch\n*** Delete File: mod/.git\n*** End Patch`],
  ['update the gitdir mod/.git names', 'never',   updateConfig('gitdirs/mod/config')],
  ['add .git/hooks/post-checkout',  'on-request',  addFile('.git/hooks/post-checkout', '#!/bin/sh', 'touch pwned')],
  ['update nested sub/.git/config', 'on-request',  updateConfig('sub/.git/config')],
  ['update .git/config',            'untrusted',   updateConfig('.git/config')],
];

const unchanged = (ws: string) => {
  expect(existsSync(path.join(ws, '.git/hooks/post-checkout'))).toBe(false);
  for (const config of ['.git/config', 'sub/.git/config', 'gitdirs/mod/config']) expect(readFileSync(path.join(ws, config), 'utf8')).toBe(CONFIG);
  expect(readFileSync(path.join(ws, 'mod/.git'), 'utf8')).toBe('gitdir: ../gitdirs/mod\n');
};

describe('.git is read-only for patches (workspace-write)', () => {
  it.each(PATCHES)('%s under %s: not written without the user', async (_what, approvalPolicy, body) => {
    rig = await startRig([calls('r1', patch('call_p', body)), answer('r2')], { approvalPolicy, sandboxPolicy: WORKSPACE_WRITE });
    await makeRepos(rig.cwd);
    const turn = await rig.thread.submit(say('patch git'));
    if (approvalPolicy !== 'never') {
      await decide(rig, 'call_p', 'denied', 'patch');
      expect(messages(rig.log, 'apply_patch_approval_request')[0]?.reason).toMatch(approvalPolicy === 'untrusted' ? /untrusted/ : /\.git/);
    }
    await rig.log.untilType('task_complete', { id: turn });
    unchanged(rig.cwd);
    if (approvalPolicy === 'never') {
      expect(messages(rig.log, 'apply_patch_approval_request')).toEqual([]);
      expect(outputFor(rig.server, 1, 'call_p')).toMatch(/^patch rejected: .*\.git.*approval policy never/);
    } else {
      expect(outputFor(rig.server, 1, 'call_p')).toBe('patch rejected by user');
    }
  });

  it('an approved patch to .git is written (the approval is what lets it through)', async () => {
    rig = await startRig([calls('r1', patch('call_p', updateConfig('.git/config'))), answer('r2')], { approvalPolicy: 'on-request', sandboxPolicy: WORKSPACE_WRITE });
    await makeRepos(rig.cwd);
    const turn = await rig.thread.submit(say('patch git'));
    await decide(rig, 'call_p', 'approved', 'patch');
    await rig.log.untilType('task_complete', { id: turn });
    expect(readFileSync(path.join(rig.cwd, '.git/config'), 'utf8')).toContain('fsmonitor');
  });
});

describe.skipIf(!bwrap.available)('.git is read-only for the shell (workspace-write)', () => {
  it('nested sub/.git and the gitdir a .git file points at cannot be written', async () => {
    const script = 'for f in .git/config sub/.git/config gitdirs/mod/config mod/.git; do echo x >> $f 2>/dev/null && echo "wrote $f"; done; touch sub/.git/hooks-new 2>/dev/null && echo wrote-new; echo end';
    rig = await startRig([calls('r1', shell('call_1', ['bash', '-c', script])), answer('r2')], { approvalPolicy: 'never', sandboxPolicy: WORKSPACE_WRITE });
    await makeRepos(rig.cwd);
    const turn = await rig.thread.submit(say('write git'));
    await rig.log.untilType('task_complete', { id: turn });
    expect(messages(rig.log, 'exec_command_end')[0]?.stdout).toBe('end\n');
    unchanged(rig.cwd);
  });
});

/**
 * Patches cannot escape the workspace behind the user's back: a path climbing out with
 * `..`, an absolute path outside the writable roots, and a path through a symlink that
 * points out of the workspace each need approval under on-request (and stay unwritten
 * when the user declines) and are refused outright under never.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WORKSPACE_WRITE, addFile, answer, calls, decide, messages, outputFor, patch, say, sequence, startRig, type Rig } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

type Escape = 'dot-dot' | 'absolute' | 'symlink';
/** The path the patch names (from the workspace) for each way out. */
const target = (kind: Escape, r: Rig) =>
  kind === 'dot-dot' ? '../outside/evil.txt' : kind === 'absolute' ? path.join(r.outside, 'evil.txt') : 'link/evil.txt';

const START = ['task_started', 'item_started:UserMessage', 'item_completed:UserMessage', 'user_message'];
const FINISH = ['item_started:AgentMessage', 'item_completed:AgentMessage', 'agent_message', 'task_complete'];

// prettier-ignore
const ROWS: Array<[Escape, 'on-request' | 'never', 'ask → denied' | 'refuse']> = [
  ['dot-dot',  'on-request', 'ask → denied'],
  ['absolute', 'on-request', 'ask → denied'],
  ['symlink',  'on-request', 'ask → denied'],
  ['dot-dot',  'never',      'refuse'],
  ['absolute', 'never',      'refuse'],
  ['symlink',  'never',      'refuse'],
];

describe('patches that leave the workspace (workspace-write)', () => {
  it.each(ROWS)('%s path under %s: %s; nothing is written outside', async (kind, approvalPolicy, outcome) => {
    rig = await startRig(
      (_req, i) => (i === 0 ? calls('r1', patch('call_p', addFile(target(kind, rig!), 'pwned'))) : answer(`r${i + 1}`)),
      { approvalPolicy, sandboxPolicy: WORKSPACE_WRITE },
    );
    await symlink(rig.outside, path.join(rig.cwd, 'link'));
    const turn = await rig.thread.submit(say('write it'));
    if (outcome === 'ask → denied') await decide(rig, 'call_p', 'denied', 'patch');
    await rig.log.untilType('task_complete', { id: turn });

    const escaped = path.join(rig.outside, 'evil.txt');
    expect(existsSync(escaped)).toBe(false);
    if (outcome === 'refuse') {
      expect(sequence(rig.log, turn)).toEqual([...START, 'patch_apply_begin', 'patch_apply_end', ...FINISH]);
      expect(messages(rig.log, 'patch_apply_end')[0]).toMatchObject({ status: 'declined', success: false });
      expect(outputFor(rig.server, 1, 'call_p')).toMatch(/^patch rejected: the patch writes outside the writable roots: .*; rejected because approval policy never does not allow asking the user$/);
    } else {
      expect(sequence(rig.log, turn)).toEqual([...START, 'patch_apply_begin', 'apply_patch_approval_request', 'patch_apply_end', ...FINISH]);
      expect(messages(rig.log, 'apply_patch_approval_request')[0]?.reason).toMatch(/^the patch writes outside the writable roots: /);
      expect(outputFor(rig.server, 1, 'call_p')).toBe('patch rejected by user');
    }
  });

  it('a directory swapped for an outward symlink while the user decides: the approved patch is not applied', async () => {
    rig = await startRig([calls('r1', patch('call_p', addFile('sub/x.txt', 'x'))), answer('r2')], { approvalPolicy: 'untrusted', sandboxPolicy: WORKSPACE_WRITE });
    await mkdir(path.join(rig.cwd, 'sub'));
    const turn = await rig.thread.submit(say('write it'));
    await rig.log.untilType('apply_patch_approval_request', { id: turn });
    await rm(path.join(rig.cwd, 'sub'), { recursive: true });
    await symlink(rig.outside, path.join(rig.cwd, 'sub'));
    await rig.thread.submit({ type: 'patch_approval', id: 'call_p', decision: 'approved' });
    await rig.log.untilType('task_complete', { id: turn });

    expect(existsSync(path.join(rig.outside, 'x.txt'))).toBe(false);
    expect(messages(rig.log, 'patch_apply_end')[0]).toMatchObject({ status: 'failed', success: false });
    expect(outputFor(rig.server, 1, 'call_p')).toBe('apply_patch failed: the files changed while waiting for approval; the patch was not applied');
  });

  it('an approved patch outside the workspace is written (the approval is what lets it through)', async () => {
    rig = await startRig((_req, i) => (i === 0 ? calls('r1', patch('call_p', addFile(path.join(rig!.outside, 'ok.txt'), 'fine'))) : answer('r2')), {
      approvalPolicy: 'on-request',
      sandboxPolicy: WORKSPACE_WRITE,
    });
    const turn = await rig.thread.submit(say('write it'));
    await decide(rig, 'call_p', 'approved', 'patch');
    await rig.log.untilType('task_complete', { id: turn });
    expect(existsSync(path.join(rig.outside, 'ok.txt'))).toBe(true);
  });
});

/**
 * The approvals matrix end to end: rows of test/tools/approval/matrix.test.ts (at least one
 * per approval policy) played through a real thread, with every approval request answered
 * `approved`. The outcome is read back from the events — `ask` (an approval request before
 * running), `auto`, `blocked` (the sandbox stopped it; a retry request follows under
 * untrusted/on-failure), `done`, `refuse` — and the effect on disk must agree.
 *
 * Needs a working bwrap (installed by `.ci/run`); skipped with the reason otherwise.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AskForApproval, SandboxPolicy } from 'turnstate';
import type { MockEvent } from 'turnstate/testing';
import { detectBwrap } from '../../src/tools/sandbox/index.js';
import { FULL_ACCESS, READ_ONLY, WORKSPACE_WRITE, addFile, answer, calls, messages, outputFor, patch, say, shell, startRig, type Rig } from './support.js';

const bwrap = await detectBwrap();
if (!bwrap.available) console.warn(`[skip] sandbox matrix through threads: bwrap unusable (${bwrap.reason})`);

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

type Sandbox = 'read-only' | 'workspace-write' | 'danger-full-access';
type Action = 'read' | 'write-in' | 'write-out' | 'escalated-write-out' | 'patch-in' | 'patch-out';
const POLICIES: Record<Sandbox, SandboxPolicy> = { 'read-only': READ_ONLY, 'workspace-write': WORKSPACE_WRITE, 'danger-full-access': FULL_ACCESS };

// prettier-ignore
const ROWS: Array<[AskForApproval & string, Sandbox, Action, string]> = [
  ['untrusted',  'read-only',          'read',                'auto → done'],
  ['untrusted',  'workspace-write',    'write-in',            'ask → done'],
  ['on-failure', 'read-only',          'write-in',            'auto → blocked → ask → done'],
  ['on-failure', 'workspace-write',    'write-out',           'auto → blocked → ask → done'],
  ['on-request', 'workspace-write',    'write-out',           'auto → blocked'],
  ['on-request', 'workspace-write',    'escalated-write-out', 'ask → done'],
  ['on-request', 'read-only',          'patch-in',            'ask → done'],
  ['never',      'workspace-write',    'write-in',            'auto → done'],
  ['never',      'read-only',          'write-out',           'auto → blocked'],
  ['never',      'workspace-write',    'patch-out',           'refuse'],
  ['never',      'danger-full-access', 'write-out',           'auto → done'],
];

/** The model's call for an action, and the file whose existence proves it happened. */
function actionOf(action: Action, r: Rig): { call: MockEvent; effect: string } {
  const inside = path.join(r.cwd, 'in.txt');
  const outside = path.join(r.outside, 'out.txt');
  switch (action) {
    case 'read':
      return { call: shell('call_x', ['cat', 'seed.txt']), effect: path.join(r.cwd, 'seed.txt') };
    case 'write-in':
      return { call: shell('call_x', ['bash', '-lc', 'echo x > in.txt']), effect: inside };
    case 'write-out':
      return { call: shell('call_x', ['bash', '-lc', `echo x > ${outside}`]), effect: outside };
    case 'escalated-write-out':
      return { call: shell('call_x', ['bash', '-lc', `echo x > ${outside}`], { sandbox_permissions: 'require_escalated', justification: 'writes a report outside' }), effect: outside };
    case 'patch-in':
      return { call: patch('call_x', addFile('in.txt', 'x')), effect: inside };
    case 'patch-out':
      return { call: patch('call_x', addFile(outside, 'x')), effect: outside };
  }
}

/** The outcome notation of the matrix, read from one turn's events. */
function outcomeOf(r: Rig, turn: string): string {
  const steps: string[] = [];
  const events = r.log.events.filter((e) => e.id === turn).map((e) => e.msg);
  const asks = events.filter((m) => m.type === 'exec_approval_request' || m.type === 'apply_patch_approval_request');
  const retry = asks.find((m) => m.type === 'exec_approval_request' && m.reason?.startsWith('the command failed in the sandbox'));
  const end = events.find((m) => m.type === 'exec_command_end' || m.type === 'patch_apply_end') as { status: string } | undefined;
  if (end?.status === 'declined') return 'refuse';
  steps.push(asks.length > (retry ? 1 : 0) ? 'ask' : 'auto');
  if (retry) steps.push('blocked', 'ask');
  steps.push(end?.status === 'completed' ? 'done' : 'blocked');
  return steps.join(' → ');
}

describe.skipIf(!bwrap.available)('the approvals matrix through a thread (bwrap)', () => {
  it.each(ROWS)('%s × %s × %s: %s', async (approvalPolicy, sandbox, action, expected) => {
    rig = await startRig((_req, i) => (i === 0 ? calls('r1', actionOf(action, rig!).call) : answer('r2')), { approvalPolicy, sandboxPolicy: POLICIES[sandbox] });
    await writeFile(path.join(rig.cwd, 'seed.txt'), 'seed\n');
    const thread = rig.thread;
    rig.thread.onEvent(({ msg }) => {
      if (msg.type === 'exec_approval_request') setTimeout(() => void thread.submit({ type: 'exec_approval', id: msg.call_id, decision: 'approved' }), 0);
      if (msg.type === 'apply_patch_approval_request') setTimeout(() => void thread.submit({ type: 'patch_approval', id: msg.call_id, decision: 'approved' }), 0);
    });
    const turn = await rig.thread.submit(say('go'));
    await rig.log.untilType('task_complete', { id: turn });

    const outcome = outcomeOf(rig, turn);
    expect(outcome).toBe(expected);
    expect(existsSync(actionOf(action, rig).effect)).toBe(outcome.endsWith('done'));
    if (action === 'read') expect(outputFor(rig.server, 1, 'call_x')).toContain('seed');
  });

  it('a shell command under read-only cannot write inside or outside the workspace (never: no retry offered)', async () => {
    rig = await startRig(
      (_req, i) =>
        i === 0
          ? calls('r1', shell('call_in', ['bash', '-lc', 'echo x > in.txt']), shell('call_out', ['bash', '-lc', `echo x > ${path.join(rig!.outside, 'out.txt')}`]))
          : answer('r2'),
      { approvalPolicy: 'never', sandboxPolicy: READ_ONLY },
    );
    const turn = await rig.thread.submit(say('write'));
    await rig.log.untilType('task_complete', { id: turn });

    expect(existsSync(path.join(rig.cwd, 'in.txt'))).toBe(false);
    expect(existsSync(path.join(rig.outside, 'out.txt'))).toBe(false);
    expect(messages(rig.log, 'exec_approval_request')).toEqual([]);
    expect(messages(rig.log, 'exec_command_end').map((e) => e.status)).toEqual(['failed', 'failed']);
    for (const id of ['call_in', 'call_out']) expect(outputFor(rig.server, 1, id)).toMatch(/^Exit code: 1\n[\s\S]*Read-only file system/);
  });
});

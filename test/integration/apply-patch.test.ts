/**
 * `apply_patch` and `update_plan` through full turns: the patch event flow, approvals,
 * `turn_diff` after each completed sampling request (SPEC §14 item 72), the freeform form.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ev } from 'turnstate/testing';
import { APPLY_PATCH_LARK_GRAMMAR } from '../../src/tools/index.js';
import { WORKSPACE_WRITE, addFile, answer, calls, decide, messages, outputFor, patch, say, sequence, startRig, type Rig } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const START = ['task_started', 'item_started:UserMessage', 'item_completed:UserMessage', 'user_message'];
const ANSWER = ['item_started:AgentMessage', 'item_completed:AgentMessage', 'agent_message'];
// `git hash-object` of "hello\n".
const HELLO_DIFF =
  'diff --git a/hello.txt b/hello.txt\nnew file mode 100644\nindex 0000000000000000000000000000000000000000..ce013625030ba8dba906f756967f9e9ca394464a\n' +
  '--- /dev/null\n+++ b/hello.txt\n@@ -0,0 +1 @@\n+hello\n';

describe('apply_patch through a thread', () => {
  it('§14.72 an auto-approved patch emits begin/end, then turn_diff after each completed request of the turn', async () => {
    rig = await startRig([calls('r1', patch('call_p', addFile('hello.txt', 'hello'))), answer('r2')], { approvalPolicy: 'on-request', sandboxPolicy: WORKSPACE_WRITE });
    const turn = await rig.thread.submit(say('add hello'));
    await rig.log.untilType('task_complete', { id: turn });

    expect(sequence(rig.log, turn)).toEqual([...START, 'patch_apply_begin', 'patch_apply_end', 'turn_diff', ...ANSWER, 'turn_diff', 'task_complete']);
    const file = path.join(rig.cwd, 'hello.txt');
    expect(messages(rig.log, 'patch_apply_begin')).toEqual([
      { type: 'patch_apply_begin', call_id: 'call_p', turn_id: turn, auto_approved: true, changes: { [file]: { type: 'add', content: 'hello\n' } } },
    ]);
    expect(messages(rig.log, 'patch_apply_end')[0]).toMatchObject({ call_id: 'call_p', success: true, status: 'completed', stdout: 'Success. Updated the following files:\nA hello.txt\n' });
    expect(messages(rig.log, 'turn_diff').map((d) => d.unified_diff)).toEqual([HELLO_DIFF, HELLO_DIFF]);
    expect(readFileSync(file, 'utf8')).toBe('hello\n');
    expect(outputFor(rig.server, 1, 'call_p')).toBe('Success. Updated the following files:\nA hello.txt\n');
  });

  it('a turn that changes no files emits no turn_diff', async () => {
    rig = await startRig([answer('r1')], { approvalPolicy: 'on-request', sandboxPolicy: WORKSPACE_WRITE });
    const turn = await rig.thread.submit(say('hi'));
    await rig.log.untilType('task_complete', { id: turn });
    expect(messages(rig.log, 'turn_diff')).toEqual([]);
  });

  it('asks under untrusted: begin (not auto-approved) → approval request → (approved) end', async () => {
    rig = await startRig([calls('r1', patch('call_p', addFile('a.txt', 'a'))), answer('r2')], { approvalPolicy: 'untrusted', sandboxPolicy: WORKSPACE_WRITE });
    const turn = await rig.thread.submit(say('add a'));
    await decide(rig, 'call_p', 'approved', 'patch');
    await rig.log.untilType('task_complete', { id: turn });

    expect(sequence(rig.log, turn)).toEqual([...START, 'patch_apply_begin', 'apply_patch_approval_request', 'patch_apply_end', 'turn_diff', ...ANSWER, 'turn_diff', 'task_complete']);
    expect(messages(rig.log, 'patch_apply_begin')[0]?.auto_approved).toBe(false);
    expect(messages(rig.log, 'apply_patch_approval_request')[0]).toMatchObject({
      call_id: 'call_p',
      turn_id: turn,
      reason: 'approval policy is untrusted: every patch needs approval',
      changes: { [path.join(rig.cwd, 'a.txt')]: { type: 'add', content: 'a\n' } },
    });
    expect(existsSync(path.join(rig.cwd, 'a.txt'))).toBe(true);
  });

  it('a denied patch is never applied: "patch rejected by user", end declined, no turn_diff', async () => {
    rig = await startRig([calls('r1', patch('call_p', addFile('a.txt', 'a'))), answer('r2')], { approvalPolicy: 'untrusted', sandboxPolicy: WORKSPACE_WRITE });
    const turn = await rig.thread.submit(say('add a'));
    await decide(rig, 'call_p', 'denied', 'patch');
    await rig.log.untilType('task_complete', { id: turn });

    expect(sequence(rig.log, turn)).toEqual([...START, 'patch_apply_begin', 'apply_patch_approval_request', 'patch_apply_end', ...ANSWER, 'task_complete']);
    expect(messages(rig.log, 'patch_apply_end')[0]).toMatchObject({ success: false, status: 'declined', stderr: 'patch rejected by user' });
    expect(outputFor(rig.server, 1, 'call_p')).toBe('patch rejected by user');
    expect(existsSync(path.join(rig.cwd, 'a.txt'))).toBe(false);
  });

  it('§14.25 patch_approval abort aborts the turn (interrupted) and writes nothing', async () => {
    rig = await startRig([calls('r1', patch('call_p', addFile('a.txt', 'a')))], { approvalPolicy: 'untrusted', sandboxPolicy: WORKSPACE_WRITE });
    const turn = await rig.thread.submit(say('add a'));
    await decide(rig, 'call_p', 'abort', 'patch');
    await rig.log.untilType('turn_aborted', { id: turn });

    expect(sequence(rig.log, turn)).toEqual([...START, 'patch_apply_begin', 'apply_patch_approval_request', 'turn_aborted']);
    expect(messages(rig.log, 'turn_aborted')[0]?.reason).toBe('interrupted');
    expect(existsSync(path.join(rig.cwd, 'a.txt'))).toBe(false);
  });

  it('a patch that does not fit the files is reported to the model without patch events', async () => {
    const bad = '*** Begin Patch\n*** Update File: missing.txt\n@@\n-a\n+b\n*** End Patch';
    rig = await startRig([calls('r1', patch('call_p', bad)), answer('r2')], { approvalPolicy: 'on-request', sandboxPolicy: WORKSPACE_WRITE });
    const turn = await rig.thread.submit(say('edit'));
    await rig.log.untilType('task_complete', { id: turn });

    expect(sequence(rig.log, turn)).toEqual([...START, ...ANSWER, 'task_complete']);
    expect(outputFor(rig.server, 1, 'call_p')).toMatch(/^apply_patch verification failed: .*missing\.txt: file to update does not exist/);
  });

  it('the freeform form is offered as a grammar-constrained custom tool and applies custom tool calls', async () => {
    rig = await startRig([calls('r1', ev.customToolCall('call_c', 'apply_patch', addFile('c.txt', 'c'))), answer('r2')], {
      approvalPolicy: 'on-request',
      sandboxPolicy: WORKSPACE_WRITE,
      builtinTools: { applyPatchFreeform: true },
    });
    const turn = await rig.thread.submit(say('add c'));
    await rig.log.untilType('task_complete', { id: turn });

    const tools = (rig.server.requests[0]?.body as { tools: Array<Record<string, unknown>> }).tools;
    expect(tools.find((t) => t.name === 'apply_patch')).toMatchObject({ type: 'custom', format: { type: 'grammar', syntax: 'lark', definition: APPLY_PATCH_LARK_GRAMMAR } });
    expect(tools.map((t) => t.name)).toEqual(['shell', 'apply_patch', 'update_plan', 'get_goal', 'create_goal', 'update_goal']);
    expect(outputFor(rig.server, 1, 'call_c')).toBe('Success. Updated the following files:\nA c.txt\n');
    expect(readFileSync(path.join(rig.cwd, 'c.txt'), 'utf8')).toBe('c\n');
  });
});

describe('update_plan through a thread', () => {
  it('emits plan_update and answers "Plan updated"', async () => {
    const plan = { explanation: 'start', plan: [{ step: 'read', status: 'completed' }, { step: 'write', status: 'in_progress' }] };
    rig = await startRig([calls('r1', ev.functionCall('call_u', 'update_plan', JSON.stringify(plan))), answer('r2')]);
    const turn = await rig.thread.submit(say('plan'));
    await rig.log.untilType('task_complete', { id: turn });

    expect(sequence(rig.log, turn)).toEqual([...START, 'plan_update', ...ANSWER, 'task_complete']);
    expect(messages(rig.log, 'plan_update')).toEqual([{ type: 'plan_update', ...plan }]);
    expect(outputFor(rig.server, 1, 'call_u')).toBe('Plan updated');
  });
});

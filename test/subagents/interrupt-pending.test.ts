/**
 * `send_input{interrupt: true}` to a child whose command waits for the parent's decision: the
 * parent's approval is resolved (`abort`) rather than left pending for a command that will
 * never run, and the child's later events and approvals are not held behind it.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FULL_ACCESS, eventually, say, shell, startRig, type Rig } from '../integration/support.js';
import { CHILD, agentIdFrom, answer, call, calls, outputOf, routed } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('send_input with interrupt during a child approval', () => {
  it('resolves the parent approval; the child runs the new input and its next approval is asked', async () => {
    let pendingWhileWaiting: unknown = null;
    const r = routed(
      [
        calls('p1', call('spawn_1', 'spawn_agent', { message: `${CHILD}: work` })),
        async (req) => {
          const id = agentIdFrom(req, 'spawn_1');
          await eventually(() => rig!.log.ofType('exec_approval_request').length === 1, 10_000, 'the child approval');
          return calls('p2', call('send_1', 'send_input', { id, message: 'stop that, do this instead', interrupt: true }));
        },
        async () => {
          const id = agentIdFrom(r.parentRequests[1]!, 'spawn_1');
          await eventually(() => rig!.log.ofType('exec_approval_request').length === 2, 10_000, 'the second child approval');
          pendingWhileWaiting = rig!.thread.view.getSnapshot().context.pendingApprovals.map((a) => a.id);
          return calls('p3', call('wait_1', 'wait', { ids: [id] }));
        },
        answer('p4', 'done'),
      ],
      [calls('c1', shell('first_call', ['touch', 'first.txt'])), calls('c2', shell('second_call', ['touch', 'second.txt'])), answer('c3', 'child done')],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS });
    const turn = await rig.thread.submit(say('delegate'));
    await eventually(() => rig!.log.ofType('exec_approval_request').length === 2, 10_000, 'the second child approval');
    await eventually(() => pendingWhileWaiting !== null, 10_000, 'the third parent request');
    expect(pendingWhileWaiting).toEqual(['second_call']);
    await rig.thread.submit({ type: 'exec_approval', id: 'second_call', decision: 'approved' });
    await rig.log.untilType('task_complete', { id: turn });

    expect(JSON.parse(outputOf(r.parentRequests[2]!, 'send_1')!)).toHaveProperty('submission_id');
    expect(existsSync(path.join(rig.cwd, 'first.txt'))).toBe(false);
    expect(existsSync(path.join(rig.cwd, 'second.txt'))).toBe(true);
  });
});

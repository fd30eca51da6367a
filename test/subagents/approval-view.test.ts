/**
 * The parent's read model of child approvals: `view.pendingApprovals` lists approvals asked and
 * not yet answered, so a child approval leaves it once decided — while the parent turn still
 * runs, and when it was asked on an idle parent (answered `denied` at once).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { FULL_ACCESS, eventually, say, shell, startRig, type Rig } from '../integration/support.js';
import { CHILD, agentIdFrom, answer, call, calls, routed } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const spawn = (callId: string) => call(callId, 'spawn_agent', { message: `${CHILD}: work` });
const hold = { events: [], hold: true };

describe("a child approval in the parent's view", () => {
  it('leaves pendingApprovals once answered, while the parent turn is still running', async () => {
    const r = routed(
      [calls('p1', spawn('spawn_1')), (req) => calls('w1', call('wait_1', 'wait', { ids: [agentIdFrom(req, 'spawn_1')] }))],
      [calls('c1', shell('child_call', ['touch', 'approved.txt'])), hold],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS });
    const turn = await rig.thread.submit(say('delegate'));
    await rig.log.until((e) => e.msg.type === 'exec_approval_request' && e.msg.call_id === 'child_call');
    expect(rig.thread.view.getSnapshot().context.pendingApprovals).toMatchObject([{ id: 'child_call', turnId: turn }]);

    await rig.thread.submit({ type: 'exec_approval', id: 'child_call', decision: 'approved' });
    await eventually(() => r.childRequests.length === 2, 10_000, 'the child to go on after the decision');

    const view = rig.thread.view.getSnapshot().context;
    expect(view.activeTurnId).toBe(turn);
    expect(view.pendingApprovals).toEqual([]);
  });

  it('asked while the parent is idle (answered denied at once), it is not left pending', async () => {
    const r = routed(
      [calls('p1', spawn('spawn_1')), answer('p2', 'spawned')],
      [calls('c1', shell('child_call', ['touch', 'approved.txt'])), answer('c2', 'child done')],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS });
    await rig.thread.submit(say('delegate'));
    await rig.log.untilType('task_complete');
    await eventually(() => r.childRequests.length === 2, 10_000, 'the child to go on after the decision');

    expect(rig.log.ofType('exec_approval_request')).toHaveLength(1);
    expect(rig.thread.view.getSnapshot().context.pendingApprovals).toEqual([]);
  });
});

/**
 * Two children whose models use the same call id for a command that needs approval: both
 * requests reach the parent under distinct approval ids, each decision reaches only its own
 * child, and neither child waits forever.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Event } from '../../src/protocol/index.js';
import { FULL_ACCESS, eventually, say, shell, startRig, type Rig } from '../integration/support.js';
import { CHILD, answer, call, calls, routed } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

type ExecRequest = Extract<Event['msg'], { type: 'exec_approval_request' }>;

describe('approval ids colliding between two children', () => {
  it('are told apart on the parent: approving one runs only that child’s command, denying the other declines only its own', async () => {
    const r = routed(
      [calls('p1', call('s1', 'spawn_agent', { message: `${CHILD}: one` }), call('s2', 'spawn_agent', { message: `${CHILD}: two` })), { events: [], hold: true }],
      [
        (req) => calls('c1', shell('same_call', ['touch', JSON.stringify(req.body).includes('CHILD: one') ? 'one.txt' : 'two.txt'])),
        (req) => calls('c2', shell('same_call', ['touch', JSON.stringify(req.body).includes('CHILD: one') ? 'one.txt' : 'two.txt'])),
        answer('c3', 'child done'),
        answer('c4', 'child done'),
      ],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS });
    // The parent's second request is held: its turn stays active, so the children's approvals are asked on it.
    const turn = await rig.thread.submit(say('two agents'));
    await eventually(() => rig!.log.ofType('exec_approval_request').length === 2 || rig!.log.ofType('task_complete').length > 0, 10_000, 'two approval requests');
    const requests = rig.log.ofType('exec_approval_request') as ExecRequest[];
    expect(requests).toHaveLength(2);
    const ids = requests.map((m) => m.approval_id ?? m.call_id);
    expect(new Set(ids).size).toBe(2);
    expect(rig.thread.view.getSnapshot().context.pendingApprovals.map((a) => a.id).sort()).toEqual([...ids].sort());
    expect(requests.every((m) => m.turn_id === turn)).toBe(true);

    const idOf = (file: string) => {
      const m = requests.find((q) => q.command.includes(file))!;
      return m.approval_id ?? m.call_id;
    };
    await rig.thread.submit({ type: 'exec_approval', id: idOf('two.txt'), decision: 'denied' });
    await rig.thread.submit({ type: 'exec_approval', id: idOf('one.txt'), decision: 'approved' });
    await eventually(() => r.childRequests.length === 4, 10_000, 'both children to go on');

    expect(existsSync(path.join(rig.cwd, 'one.txt'))).toBe(true);
    expect(existsSync(path.join(rig.cwd, 'two.txt'))).toBe(false);
    expect(rig.thread.view.getSnapshot().context.pendingApprovals).toEqual([]);

    // Answered twice: the second answer finds nothing pending and runs nothing.
    await rig.thread.submit({ type: 'exec_approval', id: idOf('two.txt'), decision: 'approved' });
    await rig.thread.whenProcessed();
    expect(existsSync(path.join(rig.cwd, 'two.txt'))).toBe(false);
  });
});

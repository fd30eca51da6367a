/**
 * `close_agent` while the child waits for the parent's decision on a command: the parent's
 * approval resolves (it is no longer pending), the child is shut down, the command never runs,
 * and the parent turn goes on to complete.
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

describe('close_agent during a child approval', () => {
  it('resolves the parent approval, shuts the child down, and the command never runs', async () => {
    const r = routed(
      [
        calls('p1', call('spawn_1', 'spawn_agent', { message: `${CHILD}: work` })),
        async (req) => {
          const id = agentIdFrom(req, 'spawn_1');
          await eventually(() => rig!.log.ofType('exec_approval_request').length === 1, 10_000, 'the child approval');
          return calls('p2', call('close_1', 'close_agent', { id }));
        },
        answer('p3', 'closed it'),
      ],
      [calls('c1', shell('child_call', ['touch', 'closed-child.txt']))],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS });
    const turn = await rig.thread.submit(say('delegate'));
    await rig.log.untilType('task_complete', { id: turn });
    await rig.thread.whenProcessed();

    expect(JSON.parse(outputOf(r.parentRequests[2]!, 'close_1')!)).toEqual({ status: 'running' });
    expect(rig.thread.view.getSnapshot().context.pendingApprovals).toEqual([]);
    expect(rig.thread.subAgents()).toEqual([]);
    expect(Object.keys(rig.thread.actor.getSnapshot().children).filter((id) => id.startsWith('delegate:'))).toEqual([]);
    expect(r.childRequests).toHaveLength(1);
    expect(existsSync(path.join(rig.cwd, 'closed-child.txt'))).toBe(false);
  });
});

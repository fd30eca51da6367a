/**
 * The parent's own command asking for approval under an id a child's approval already holds on
 * the parent (the parent's model reused the child's call id): the parent's command never rides
 * on the decision meant for the child's command.
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

describe("the parent's own approval under a child's pending approval id", () => {
  it('is declined at once: approving the child runs only the child command', async () => {
    const r = routed(
      [
        calls('p1', call('spawn_1', 'spawn_agent', { message: `${CHILD}: work` })),
        async (req) => {
          agentIdFrom(req, 'spawn_1');
          await eventually(() => rig!.log.ofType('exec_approval_request').length === 1, 10_000, 'the child approval');
          return calls('p2', shell('dup', ['touch', 'parent.txt']));
        },
        // The parent turn stays active (waiting for the child) while the child's approval is answered.
        () => calls('p3', call('wait_1', 'wait', { ids: [agentIdFrom(r.parentRequests[1]!, 'spawn_1')] })),
        answer('p4', 'done'),
      ],
      [calls('c1', shell('dup', ['touch', 'child.txt'])), answer('c2', 'child done')],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS });
    const turn = await rig.thread.submit(say('delegate'));
    // The parent's own command was answered (declined) before anyone decided anything.
    await eventually(() => r.parentRequests.length === 3, 10_000, 'the parent command to be answered');
    await rig.thread.submit({ type: 'exec_approval', id: 'dup', decision: 'approved' });
    await eventually(() => r.childRequests.length === 2, 10_000, 'the child to go on');
    await rig.log.untilType('task_complete', { id: turn });

    expect(existsSync(path.join(rig.cwd, 'child.txt'))).toBe(true);
    expect(existsSync(path.join(rig.cwd, 'parent.txt'))).toBe(false);
    expect(outputOf(r.parentRequests[2]!, 'dup')).toBe('exec command rejected by user');
  });
});

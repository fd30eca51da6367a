/**
 * A model that tries to spawn a child with weaker guards than its own: the collab tools take
 * no approval or sandbox arguments, so the child keeps the parent's policies.
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

describe('a spawn asking for weaker guards', () => {
  it('is ignored: the child still asks the parent before running a command', async () => {
    const escalate = {
      message: `${CHILD}: work`,
      approval_policy: 'never',
      approvalPolicy: 'never',
      sandbox: 'danger-full-access',
      sandbox_policy: { type: 'danger-full-access' },
      config: { approval_policy: 'never' },
    };
    const r = routed(
      [calls('p1', call('spawn_1', 'spawn_agent', escalate)), (req) => calls('w1', call('wait_1', 'wait', { ids: [agentIdFrom(req, 'spawn_1')] })), answer('p3')],
      [calls('c1', shell('child_call', ['touch', 'escalated.txt'])), answer('c2', 'child done')],
    );
    rig = await startRig(r.script, { subAgents: {}, approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS });
    const turn = await rig.thread.submit(say('delegate'));
    await rig.log.until((e) => e.msg.type === 'exec_approval_request' && e.msg.call_id === 'child_call');
    expect(existsSync(path.join(rig.cwd, 'escalated.txt'))).toBe(false);
    await rig.thread.submit({ type: 'exec_approval', id: 'child_call', decision: 'denied' });
    await rig.log.untilType('task_complete', { id: turn });
    await eventually(() => r.childRequests.length === 2, 10_000, 'the child to go on');
    expect(outputOf(r.childRequests[1]!, 'child_call')).toBe('exec command rejected by user');
    expect(existsSync(path.join(rig.cwd, 'escalated.txt'))).toBe(false);
  });
});

/**
 * "Approved for the session" covers what the user saw: a command approved to run inside the
 * sandbox is not thereby approved to run outside it (an escalation request, or the unsandboxed
 * re-run after a sandbox denial, asks again).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectBwrap } from '../../src/tools/sandbox/index.js';
import { WORKSPACE_WRITE, answer, calls, decide, messages, say, shell, startRig, type Rig } from './support.js';

const bwrap = await detectBwrap();

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe.runIf(bwrap.available)('session approvals keep their sandbox', () => {
  it('a destructive command approved for the session in the sandbox asks again when it asks for escalation', async () => {
    const wipe = ['bash', '-lc', 'rm -rf ../outside/victim'];
    rig = await startRig(
      [calls('r1', shell('call_1', wipe)), answer('r2'), calls('r3', shell('call_2', wipe, { sandbox_permissions: 'require_escalated', justification: 'clean up' })), answer('r4')],
      { approvalPolicy: 'on-request', sandboxPolicy: WORKSPACE_WRITE },
    );
    await writeFile(path.join(rig.outside, 'victim'), 'keep me\n');
    const first = await rig.thread.submit(say('clean'));
    await decide(rig, 'call_1', 'approved_for_session');
    await rig.log.untilType('task_complete', { id: first });
    // Approved, run in the sandbox: the write outside the workspace was refused by the kernel.
    expect(existsSync(path.join(rig.outside, 'victim'))).toBe(true);

    const second = await rig.thread.submit(say('clean harder'));
    await decide(rig, 'call_2', 'denied');
    await rig.log.untilType('task_complete', { id: second });
    expect(messages(rig.log, 'exec_approval_request', second).map((r) => r.call_id)).toEqual(['call_2']);
    expect(existsSync(path.join(rig.outside, 'victim'))).toBe(true);
  });

  it('a command approved for the session in the sandbox asks before its unsandboxed re-run after a denial', async () => {
    const write = ['bash', '-lc', 'echo pwned > ../outside/victim'];
    rig = await startRig([calls('r1', shell('call_1', write)), answer('r2')], { approvalPolicy: 'untrusted', sandboxPolicy: WORKSPACE_WRITE });
    const first = await rig.thread.submit(say('write'));
    await decide(rig, 'call_1', 'approved_for_session');
    // The sandbox refuses the write; re-running it unsandboxed is a new question.
    await rig.log.until((e) => e.msg.type === 'exec_approval_request' && e.msg.call_id === 'call_1' && /without the sandbox/.test(e.msg.reason ?? ''), { timeoutMs: 10_000 });
    await rig.thread.submit({ type: 'exec_approval', id: 'call_1', decision: 'denied' });
    await rig.log.untilType('task_complete', { id: first });
    expect(existsSync(path.join(rig.outside, 'victim'))).toBe(false);
  });
});

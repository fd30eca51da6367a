/**
 * No process started by a tool outlives its turn: a command that detaches a child into its
 * own session (`setsid sleep … &`, `setsid -f sleep …`) loses it when the command ends, when
 * the turn is interrupted, and when the thread shuts down — under every sandbox policy,
 * including danger-full-access (where commands run in their own PID namespace). Needs bwrap;
 * without it this cannot be guaranteed (README, "Safety model").
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxPolicy } from '../../src/protocol/config.js';
import { detectBwrap } from '../../src/tools/sandbox/index.js';
import { FULL_ACCESS, READ_ONLY, WORKSPACE_WRITE, answer, calls, eventually, messages, processesWith, say, shell, sleepMarker, startRig, type Rig } from './support.js';

const bwrap = await detectBwrap();
if (!bwrap.available) console.warn(`[skip] detached-process tests: bwrap unusable (${bwrap.reason})`);

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const POLICIES: Array<[string, SandboxPolicy]> = [
  ['danger-full-access', FULL_ACCESS],
  ['workspace-write', WORKSPACE_WRITE],
  ['read-only', READ_ONLY],
];

/** Gone within 3 s of the moment it should have died (the kernel tears the namespace down). */
const gone = (marker: string) => eventually(() => processesWith(marker).length === 0, 3000, `sleep ${marker} to be gone`).then(() => processesWith(marker));

describe.skipIf(!bwrap.available)('detached processes do not outlive their command', () => {
  it.each(POLICIES)('%s: `setsid -f sleep` is gone once the command ends normally', async (_name, sandboxPolicy) => {
    const marker = sleepMarker();
    rig = await startRig([calls('r1', shell('call_1', ['bash', '-c', `setsid -f sleep ${marker}; echo detached`])), answer('r2')], {
      approvalPolicy: 'never',
      sandboxPolicy,
    });
    const turn = await rig.thread.submit(say('detach'));
    await rig.log.untilType('task_complete', { id: turn });
    expect(messages(rig.log, 'exec_command_end')[0]).toMatchObject({ exit_code: 0, stdout: 'detached\n' });
    expect(await gone(marker)).toEqual([]);
  });

  it.each(POLICIES)('%s: `setsid sleep … &` is gone after an interrupt', async (_name, sandboxPolicy) => {
    const marker = sleepMarker();
    rig = await startRig([calls('r1', shell('call_1', ['bash', '-c', `setsid sleep ${marker} & sleep ${sleepMarker()}`]))], {
      approvalPolicy: 'never',
      sandboxPolicy,
    });
    const turn = await rig.thread.submit(say('detach'));
    await eventually(() => processesWith(marker).length > 0, 5000, 'the detached sleep');
    await rig.thread.submit({ type: 'interrupt' });
    await rig.log.untilType('turn_aborted', { id: turn });
    expect(await gone(marker)).toEqual([]);
  });

  it.each(POLICIES)('%s: `setsid sleep … &` is gone after the thread shuts down', async (_name, sandboxPolicy) => {
    const marker = sleepMarker();
    rig = await startRig([calls('r1', shell('call_1', ['bash', '-c', `setsid sleep ${marker} & sleep ${sleepMarker()}`]))], {
      approvalPolicy: 'never',
      sandboxPolicy,
    });
    await rig.thread.submit(say('detach'));
    await eventually(() => processesWith(marker).length > 0, 5000, 'the detached sleep');
    await rig.thread.shutdown();
    expect(await gone(marker)).toEqual([]);
  });

  it('a user shell command (`!cmd`) loses its detached children too', async () => {
    const marker = sleepMarker();
    rig = await startRig([], { approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    const turn = await rig.thread.submit({ type: 'run_user_shell_command', command: `setsid -f sleep ${marker}; echo detached` });
    await rig.log.untilType('task_complete', { id: turn });
    expect(await gone(marker)).toEqual([]);
  });
});

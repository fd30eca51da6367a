/**
 * Interrupting a running `shell` call (SPEC §14 item 8, §5.3): `turn_aborted` arrives without
 * waiting for the command (a 60 s sleep, longer than the test's timeout), the command's
 * processes are already gone when it is delivered, and the next request carries the call with
 * "Wall time: N seconds\naborted by user" (N ≥ 0.1) and the `<turn_aborted>` marker. Outcomes
 * and order only: the interrupt latency itself is a benchmark figure, not a test bound.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { detectBwrap } from '../../src/tools/sandbox/index.js';
import { FULL_ACCESS, WORKSPACE_WRITE, answer, calls, eventually, inputOf, messages, outputFor, processesWith, say, sequence, shell, sleepMarker, startRig, userTexts, type Rig } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const bwrap = await detectBwrap();
if (!bwrap.available) console.warn(`[skip] sandboxed interrupt test: bwrap unusable (${bwrap.reason})`);

/**
 * Starts `sleep <marker>` through the model, interrupts it, and returns the processes with the
 * marker that were still alive at the moment `turn_aborted` was delivered.
 */
async function interruptSleep(r: Rig, marker: string): Promise<{ turn: string; aliveAtAbort: number[] | null }> {
  let aliveAtAbort: number[] | null = null;
  const off = r.thread.onEvent((e) => {
    if (e.msg.type === 'turn_aborted') aliveAtAbort = processesWith(marker);
  });
  const turn = await r.thread.submit(say('sleep'));
  await r.log.untilType('exec_command_begin', { id: turn });
  await eventually(() => processesWith(marker).length > 0, 5000, 'the sleep process');
  await new Promise((res) => setTimeout(res, 150)); // the call has run for more than 0.1 s
  await r.thread.submit({ type: 'interrupt' });
  await r.log.untilType('turn_aborted', { id: turn });
  off();
  return { turn, aliveAtAbort };
}

describe('interrupting a shell call', () => {
  it('§14.8 turn_aborted without waiting for the command, no process left, and the next request has the call with "Wall time … aborted by user"', async () => {
    const marker = sleepMarker();
    rig = await startRig([calls('r1', shell('call_sleep', ['sleep', marker])), answer('r2', 'ok')], { approvalPolicy: 'on-request', sandboxPolicy: FULL_ACCESS });
    const { turn, aliveAtAbort } = await interruptSleep(rig, marker);

    expect(aliveAtAbort).toEqual([]);
    expect(sequence(rig.log, turn)).toEqual([
      'task_started',
      'item_started:UserMessage',
      'item_completed:UserMessage',
      'user_message',
      'exec_command_begin',
      'exec_command_end',
      'turn_aborted',
    ]);
    expect(messages(rig.log, 'exec_command_end')[0]).toMatchObject({ call_id: 'call_sleep', exit_code: -1, status: 'failed', stderr: 'command aborted by user' });
    expect(messages(rig.log, 'turn_aborted')[0]).toMatchObject({ turn_id: turn, reason: 'interrupted' });

    const next = await rig.thread.submit(say('what happened?'));
    await rig.log.untilType('task_complete', { id: next });
    expect(rig.server.requests).toHaveLength(2);
    expect(inputOf(rig.server, 1).some((i) => i.type === 'function_call' && i.call_id === 'call_sleep')).toBe(true);
    const output = outputFor(rig.server, 1, 'call_sleep') ?? '';
    const wall = /^Wall time: (\d+(?:\.\d+)?) seconds\naborted by user$/.exec(output);
    expect(wall, output).not.toBeNull();
    expect(Number(wall?.[1])).toBeGreaterThanOrEqual(0.1);
    expect(userTexts(rig.server, 1).some((t) => t.includes('<turn_aborted>'))).toBe(true);
  });

  it('a command that ignores SIGTERM is killed before turn_aborted too', async () => {
    const marker = sleepMarker();
    const stubborn = ['bash', '-c', `trap '' TERM; sleep ${marker}; echo survived`];
    rig = await startRig([calls('r1', shell('call_sleep', stubborn)), answer('r2')], { approvalPolicy: 'on-request', sandboxPolicy: FULL_ACCESS });
    const { aliveAtAbort } = await interruptSleep(rig, marker);

    expect(aliveAtAbort).toEqual([]);
    expect(messages(rig.log, 'exec_command_end')[0]).toMatchObject({ exit_code: -1, status: 'failed' });
  });

  it.skipIf(!bwrap.available)('a sandboxed command (bwrap, PID namespace) is gone too when turn_aborted arrives', async () => {
    const marker = sleepMarker();
    rig = await startRig([calls('r1', shell('call_sleep', ['sleep', marker]))], { approvalPolicy: 'on-request', sandboxPolicy: WORKSPACE_WRITE });
    const { aliveAtAbort } = await interruptSleep(rig, marker);

    expect(aliveAtAbort).toEqual([]);
  });
});

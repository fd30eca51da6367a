/**
 * Interrupting a running `shell` call (SPEC §14 item 8, §5.3): `turn_aborted` arrives within
 * 150 ms of the interrupt, the command's processes are gone, and the next request carries
 * the call with "Wall time: N seconds\naborted by user" (N ≥ 0.1) and the `<turn_aborted>`
 * marker.
 */
import { performance } from 'node:perf_hooks';
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

/** Starts `sleep <marker>` through the model, interrupts it, and returns the measured latency. */
async function interruptSleep(r: Rig, marker: string): Promise<{ turn: string; latencyMs: number }> {
  let abortedAt = 0;
  const off = r.thread.onEvent((e) => {
    if (e.msg.type === 'turn_aborted') abortedAt = performance.now();
  });
  const turn = await r.thread.submit(say('sleep'));
  await r.log.untilType('exec_command_begin', { id: turn });
  await eventually(() => processesWith(marker).length > 0, 5000, 'the sleep process');
  await new Promise((res) => setTimeout(res, 150)); // the call has run for more than 0.1 s
  const sentAt = performance.now();
  await r.thread.submit({ type: 'interrupt' });
  await r.log.untilType('turn_aborted', { id: turn });
  off();
  return { turn, latencyMs: abortedAt - sentAt };
}

describe('interrupting a shell call', () => {
  it('§14.8 turn_aborted within 150 ms, no process left, and the next request has the call with "Wall time … aborted by user"', async () => {
    const marker = sleepMarker();
    rig = await startRig([calls('r1', shell('call_sleep', ['sleep', marker])), answer('r2', 'ok')], { approvalPolicy: 'on-request', sandboxPolicy: FULL_ACCESS });
    const { turn, latencyMs } = await interruptSleep(rig, marker);
    console.log(`[measure] interrupt → turn_aborted: ${latencyMs.toFixed(1)} ms (unsandboxed)`);

    expect(latencyMs).toBeLessThan(150);
    expect(processesWith(marker)).toEqual([]);
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

  it('a command that ignores SIGTERM is killed within the grace too', async () => {
    const marker = sleepMarker();
    const stubborn = ['bash', '-c', `trap '' TERM; sleep ${marker}; echo survived`];
    rig = await startRig([calls('r1', shell('call_sleep', stubborn)), answer('r2')], { approvalPolicy: 'on-request', sandboxPolicy: FULL_ACCESS });
    const { latencyMs } = await interruptSleep(rig, marker);
    console.log(`[measure] interrupt → turn_aborted: ${latencyMs.toFixed(1)} ms (SIGTERM ignored)`);

    expect(latencyMs).toBeLessThan(150);
    expect(processesWith(marker)).toEqual([]);
    expect(messages(rig.log, 'exec_command_end')[0]).toMatchObject({ exit_code: -1, status: 'failed' });
  });

  it.skipIf(!bwrap.available)('a sandboxed command (bwrap, PID namespace) is gone too when turn_aborted arrives', async () => {
    const marker = sleepMarker();
    rig = await startRig([calls('r1', shell('call_sleep', ['sleep', marker]))], { approvalPolicy: 'on-request', sandboxPolicy: WORKSPACE_WRITE });
    const { latencyMs } = await interruptSleep(rig, marker);
    console.log(`[measure] interrupt → turn_aborted: ${latencyMs.toFixed(1)} ms (bwrap)`);

    expect(latencyMs).toBeLessThan(150);
    expect(processesWith(marker)).toEqual([]);
  });
});

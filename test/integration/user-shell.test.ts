/**
 * `run_user_shell_command` (SPEC §4.7, §14 items 54, 55, 56): a standalone turn when idle,
 * an auxiliary run inside the active turn otherwise, interruptible within the grace.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { userShellArgv, userShellRecordText } from '../../src/tasks/user-shell.js';
import { answer, eventually, messages, processesWith, say, sequence, sleepMarker, startRig, userTexts, type Rig } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const runUserShell = (command: string) => ({ type: 'run_user_shell_command', command }) as const;

describe('user shell commands', () => {
  it('§14.54 idle: task_started → begin{user_shell} → end → task_complete; the record reaches the next request', async () => {
    rig = await startRig([answer('r1')]);
    const shellTurn = await rig.thread.submit(runUserShell('echo from-user-shell'));
    await rig.log.untilType('task_complete', { id: shellTurn });

    expect(sequence(rig.log, shellTurn)).toEqual(['task_started', 'exec_command_begin', 'exec_command_end', 'task_complete']);
    const argv = userShellArgv('echo from-user-shell');
    expect(messages(rig.log, 'exec_command_begin')[0]).toMatchObject({ turn_id: shellTurn, command: argv, cwd: rig.cwd, source: 'user_shell' });
    expect(messages(rig.log, 'exec_command_end')[0]).toMatchObject({ exit_code: 0, status: 'completed', source: 'user_shell', stdout: 'from-user-shell\n' });
    const chunks = messages(rig.log, 'exec_command_output_delta').map((d) => Buffer.from(d.chunk, 'base64').toString());
    expect(chunks.join('')).toBe('from-user-shell\n');

    const next = await rig.thread.submit(say('what did I run?'));
    await rig.log.untilType('task_complete', { id: next });
    const record = '<user_shell_command>\n<command>echo from-user-shell</command>\n<result>\nExit code: 0\nOutput:\nfrom-user-shell\n</result>\n</user_shell_command>';
    expect(userShellRecordText('echo from-user-shell', 0, 'from-user-shell\n')).toBe(record);
    expect(userTexts(rig.server, 0)).toContain(record);
  });

  it('§14.55 during a turn: no task_started/turn_aborted, the turn completes, and its next request carries the output', async () => {
    let releaseFirst!: () => void;
    const firstMayAnswer = new Promise<void>((r) => (releaseFirst = r));
    rig = await startRig(async (_req, i) => {
      if (i === 0) await firstMayAnswer;
      return answer(`r${i + 1}`, i === 0 ? 'first' : 'second');
    });
    const turn = await rig.thread.submit(say('work'));
    await rig.server.waitForRequests(1);
    const shellOp = await rig.thread.submit(runUserShell('echo aux-output'));
    await rig.log.until((e) => e.msg.type === 'exec_command_end' && e.msg.source === 'user_shell');
    releaseFirst();
    await rig.log.untilType('task_complete', { id: turn });
    await rig.thread.whenProcessed();

    expect(messages(rig.log, 'task_started')).toHaveLength(1);
    expect(messages(rig.log, 'turn_aborted')).toEqual([]);
    expect(rig.log.events.filter((e) => e.id === shellOp)).toEqual([]);
    // The record is drained as pending input before the second request; as a contextual
    // message it is announced only as a raw item, not as a user message.
    expect(sequence(rig.log, turn)).toEqual([
      'task_started',
      'item_started:UserMessage',
      'item_completed:UserMessage',
      'user_message',
      'exec_command_begin',
      'exec_command_end',
      'item_started:AgentMessage',
      'item_completed:AgentMessage',
      'agent_message',
      'item_started:AgentMessage',
      'item_completed:AgentMessage',
      'agent_message',
      'task_complete',
    ]);
    expect(messages(rig.log, 'exec_command_end')[0]).toMatchObject({ turn_id: turn, source: 'user_shell', exit_code: 0 });
    expect(rig.server.requests).toHaveLength(2);
    expect(userTexts(rig.server, 0).some((t) => t.includes('aux-output'))).toBe(false);
    expect(userTexts(rig.server, 1)).toContain(userShellRecordText('echo aux-output', 0, 'aux-output\n'));
    expect(messages(rig.log, 'task_complete')[0]?.last_agent_message).toBe('second');
  });

  it('§14.56 interrupting a standalone command: end (exit -1, "command aborted by user") then turn_aborted, without waiting for it, no process left', async () => {
    const marker = sleepMarker(); // a 60 s sleep: waiting for it would outlast the test
    rig = await startRig([]);
    let aliveAtAbort: number[] | null = null;
    const off = rig.thread.onEvent((e) => {
      if (e.msg.type === 'turn_aborted') aliveAtAbort = processesWith(marker);
    });
    const turn = await rig.thread.submit(runUserShell(`sleep ${marker}`));
    await rig.log.untilType('exec_command_begin', { id: turn });
    await eventually(() => processesWith(marker).length > 0, 5000, 'the sleep process');
    await rig.thread.submit({ type: 'interrupt' });
    await rig.log.untilType('turn_aborted', { id: turn });
    off();

    expect(aliveAtAbort).toEqual([]);
    expect(sequence(rig.log, turn)).toEqual(['task_started', 'exec_command_begin', 'exec_command_end', 'turn_aborted']);
    expect(messages(rig.log, 'exec_command_end')[0]).toMatchObject({
      exit_code: -1,
      stdout: '',
      stderr: 'command aborted by user',
      status: 'failed',
      source: 'user_shell',
    });
    expect(messages(rig.log, 'turn_aborted')[0]?.reason).toBe('interrupted');
  });
});

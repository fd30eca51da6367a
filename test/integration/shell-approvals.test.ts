/**
 * The `shell` tool's approval flow through full turns (SPEC §14 items 23, 24, 25, §5.3):
 * untrusted × danger-full-access asks for anything not known safe, without involving the
 * sandbox, so these sequences hold whether or not bwrap works here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FULL_ACCESS, answer, calls, decide, messages, outputFor, say, sequence, shell, startRig, type Rig } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const touch = (file: string) => ['touch', file];

/** The events of a turn that asked once and then ran or declined the command. */
const ASKED = (end: string[]) => [
  'task_started',
  'item_started:UserMessage',
  'item_completed:UserMessage',
  'user_message',
  'exec_command_begin',
  'exec_approval_request',
  ...end,
];
const FINISHED = ['item_started:AgentMessage', 'item_completed:AgentMessage', 'agent_message', 'task_complete'];

describe('shell approvals through a thread', () => {
  it('§14.23 begin → approval request → (approved) end, all before task_complete', async () => {
    rig = await startRig([calls('r1', shell('call_1', touch('made.txt'))), answer('r2')], { approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS });
    const turn = await rig.thread.submit(say('make a file'));
    await decide(rig, 'call_1', 'approved');
    await rig.log.untilType('task_complete', { id: turn });

    expect(sequence(rig.log, turn)).toEqual(ASKED(['exec_command_end', ...FINISHED]));
    expect(messages(rig.log, 'exec_approval_request')).toEqual([
      {
        type: 'exec_approval_request',
        call_id: 'call_1',
        turn_id: turn,
        command: ['touch', 'made.txt'],
        cwd: rig.cwd,
        reason: 'approval policy is untrusted: only known read-only commands run without approval',
        proposed_execpolicy_amendment: ['touch', 'made.txt'],
        available_decisions: ['approved', { approved_execpolicy_amendment: { proposed_execpolicy_amendment: ['touch', 'made.txt'] } }, 'abort'],
        parsed_cmd: [],
      },
    ]);
    expect(messages(rig.log, 'exec_command_end')[0]).toMatchObject({ call_id: 'call_1', turn_id: turn, exit_code: 0, status: 'completed', source: 'agent' });
    expect(messages(rig.log, 'exec_command_end')[0]?.duration).toEqual({ secs: expect.any(Number), nanos: expect.any(Number) });
    expect(existsSync(path.join(rig.cwd, 'made.txt'))).toBe(true);
    expect(outputFor(rig.server, 1, 'call_1')).toMatch(/^Exit code: 0\nWall time: \d+\.\d seconds\nOutput:\n$/);
  });

  it('§14.24 denied: "exec command rejected by user" to the model, end declined with exit -1, the turn continues, nothing ran', async () => {
    rig = await startRig([calls('r1', shell('call_1', touch('never.txt'))), answer('r2')], { approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS });
    const turn = await rig.thread.submit(say('make a file'));
    await decide(rig, 'call_1', 'denied');
    await rig.log.untilType('task_complete', { id: turn });

    expect(sequence(rig.log, turn)).toEqual(ASKED(['exec_command_end', ...FINISHED]));
    expect(messages(rig.log, 'exec_command_end')[0]).toMatchObject({ exit_code: -1, status: 'declined', stderr: 'exec command rejected by user' });
    expect(outputFor(rig.server, 1, 'call_1')).toBe('exec command rejected by user');
    expect(existsSync(path.join(rig.cwd, 'never.txt'))).toBe(false);
  });

  it('§14.25 abort: the turn is aborted (interrupted), the command never runs and no end event follows', async () => {
    rig = await startRig([calls('r1', shell('call_1', touch('never.txt')))], { approvalPolicy: 'untrusted', sandboxPolicy: FULL_ACCESS });
    const turn = await rig.thread.submit(say('make a file'));
    await decide(rig, 'call_1', 'abort');
    await rig.log.untilType('turn_aborted', { id: turn });
    await rig.thread.whenProcessed();

    expect(sequence(rig.log, turn)).toEqual(ASKED(['turn_aborted']));
    expect(messages(rig.log, 'turn_aborted')[0]).toMatchObject({ turn_id: turn, reason: 'interrupted' });
    expect(existsSync(path.join(rig.cwd, 'never.txt'))).toBe(false);
  });

  it('an approval for call A never releases call B: B runs on its own decision while A stays pending', async () => {
    rig = await startRig([calls('r1', shell('call_A', touch('a.txt')), shell('call_B', touch('b.txt'))), answer('r2')], {
      approvalPolicy: 'untrusted',
      sandboxPolicy: FULL_ACCESS,
    });
    const turn = await rig.thread.submit(say('two files'));
    await rig.log.until(() => messages(rig!.log, 'exec_approval_request').length === 2);
    await rig.thread.submit({ type: 'exec_approval', id: 'call_B', decision: 'approved' });
    await rig.log.until((e) => e.msg.type === 'exec_command_end' && e.msg.call_id === 'call_B');
    await new Promise((r) => setTimeout(r, 200));

    expect(existsSync(path.join(rig.cwd, 'b.txt'))).toBe(true);
    expect(existsSync(path.join(rig.cwd, 'a.txt'))).toBe(false);
    expect(messages(rig.log, 'exec_command_end').map((e) => e.call_id)).toEqual(['call_B']);
    expect(messages(rig.log, 'task_complete')).toEqual([]);

    await rig.thread.submit({ type: 'exec_approval', id: 'call_A', decision: 'denied' });
    await rig.log.untilType('task_complete', { id: turn });
    expect(existsSync(path.join(rig.cwd, 'a.txt'))).toBe(false);
    expect(messages(rig.log, 'exec_command_end').map((e) => [e.call_id, e.status])).toEqual([
      ['call_B', 'completed'],
      ['call_A', 'declined'],
    ]);
    expect(outputFor(rig.server, 1, 'call_A')).toBe('exec command rejected by user');
  });

  it('calls sharing a call id: one decision releases one call; the other is declined or asked about on its own', async () => {
    rig = await startRig([calls('r1', shell('dup', touch('first.txt')), shell('dup', touch('second.txt'))), answer('r2')], {
      approvalPolicy: 'untrusted',
      sandboxPolicy: FULL_ACCESS,
    });
    const turn = await rig.thread.submit(say('two files, one id'));
    await decide(rig, 'dup', 'approved');
    await rig.log.until(() => messages(rig!.log, 'exec_command_end').some((e) => e.status === 'completed'));
    // A second call that asked while the first was waiting was declined at once; one that
    // asked later waits for its own decision.
    if (messages(rig.log, 'exec_approval_request').length === 2) await rig.thread.submit({ type: 'exec_approval', id: 'dup', decision: 'denied' });
    await rig.log.untilType('task_complete', { id: turn });

    const created = ['first.txt', 'second.txt'].filter((f) => existsSync(path.join(rig!.cwd, f)));
    expect(created).toHaveLength(1);
    expect(messages(rig.log, 'exec_command_end').map((e) => e.status).sort()).toEqual(['completed', 'declined']);
  });

  it('approved_for_session is remembered: the same command in the same directory does not ask again', async () => {
    rig = await startRig([calls('r1', shell('call_1', touch('s.txt'))), answer('r2'), calls('r3', shell('call_2', touch('s.txt'))), answer('r4')], {
      approvalPolicy: 'untrusted',
      sandboxPolicy: FULL_ACCESS,
    });
    const first = await rig.thread.submit(say('once'));
    await decide(rig, 'call_1', 'approved_for_session');
    await rig.log.untilType('task_complete', { id: first });
    const second = await rig.thread.submit(say('again'));
    await rig.log.untilType('task_complete', { id: second });

    expect(sequence(rig.log, second)).toEqual(['task_started', 'item_started:UserMessage', 'item_completed:UserMessage', 'user_message', 'exec_command_begin', 'exec_command_end', ...FINISHED]);
  });

  it('approved_execpolicy_amendment persists the prefix rule under the home and applies at once', async () => {
    const amendment = { approved_execpolicy_amendment: { proposed_execpolicy_amendment: ['touch'] } };
    rig = await startRig([calls('r1', shell('call_1', touch('one.txt'))), answer('r2'), calls('r3', shell('call_2', touch('two.txt'))), answer('r4')], {
      approvalPolicy: 'untrusted',
      sandboxPolicy: FULL_ACCESS,
    });
    const first = await rig.thread.submit(say('one'));
    await decide(rig, 'call_1', amendment);
    await rig.log.untilType('task_complete', { id: first });
    const second = await rig.thread.submit(say('two'));
    await rig.log.untilType('task_complete', { id: second });

    expect(readFileSync(path.join(rig.home, 'rules', 'default.jsonl'), 'utf8')).toBe('{"prefix":["touch"],"decision":"allow"}\n');
    expect(messages(rig.log, 'exec_approval_request', second)).toEqual([]);
    expect(existsSync(path.join(rig.cwd, 'one.txt')) && existsSync(path.join(rig.cwd, 'two.txt'))).toBe(true);
  });

  it('an amendment that cannot be saved is reported with a warning; the command still runs and the rule still applies', async () => {
    const amendment = { approved_execpolicy_amendment: { proposed_execpolicy_amendment: ['touch'] } };
    rig = await startRig([calls('r1', shell('call_1', touch('one.txt'))), calls('r2', shell('call_2', touch('two.txt'))), answer('r3')], {
      approvalPolicy: 'untrusted',
      sandboxPolicy: FULL_ACCESS,
    });
    // The rules directory cannot be created: its parent is a file.
    await writeFile(path.join(rig.home, 'rules'), 'not a directory');
    const turn = await rig.thread.submit(say('files'));
    await decide(rig, 'call_1', amendment);
    await rig.log.untilType('task_complete', { id: turn });

    expect(messages(rig.log, 'warning').filter((w) => w.message.startsWith('Failed to save the exec policy amendment'))).toHaveLength(1);
    expect(messages(rig.log, 'exec_approval_request').map((r) => r.call_id)).toEqual(['call_1']);
    expect(existsSync(path.join(rig.cwd, 'one.txt')) && existsSync(path.join(rig.cwd, 'two.txt'))).toBe(true);
  });
});

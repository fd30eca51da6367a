/**
 * Without a usable bwrap (forced here: PATH holds only `touch`, so this test file's worker
 * cannot find bwrap whatever the machine has): one `warning` per thread, every command
 * that would have been sandboxed needs approval, and under `never` it is refused with the
 * reason.
 */
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { WORKSPACE_WRITE, addFile, answer, calls, decide, messages, outputFor, patch, say, sequence, shell, startRig, type Rig } from './support.js';

const bin = mkdtempSync(path.join(tmpdir(), 'turnstate-bin-'));
symlinkSync(existsSync('/usr/bin/touch') ? '/usr/bin/touch' : '/bin/touch', path.join(bin, 'touch'));
const savedPath = process.env.PATH;
process.env.PATH = bin;
afterAll(() => {
  process.env.PATH = savedPath;
  rmSync(bin, { recursive: true, force: true });
});

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const warnings = (r: Rig) => messages(r.log, 'warning').filter((w) => w.message.startsWith('Sandboxed execution is unavailable'));

describe('without a usable sandbox', () => {
  it('warns once per thread and asks before running what would have been sandboxed (on-request)', async () => {
    rig = await startRig([calls('r1', shell('call_1', ['touch', 'a.txt'])), calls('r2', shell('call_2', ['touch', 'b.txt'])), answer('r3')], {
      approvalPolicy: 'on-request',
      sandboxPolicy: WORKSPACE_WRITE,
    });
    const turn = await rig.thread.submit(say('files'));
    await decide(rig, 'call_1', 'approved');
    await decide(rig, 'call_2', 'approved');
    await rig.log.untilType('task_complete', { id: turn });

    expect(warnings(rig)).toHaveLength(1);
    expect(sequence(rig.log, turn).slice(4, 12)).toEqual([
      'exec_command_begin',
      'warning',
      'exec_approval_request',
      'exec_command_end',
      'exec_command_begin',
      'exec_approval_request',
      'exec_command_end',
      'item_started:AgentMessage',
    ]);
    expect(messages(rig.log, 'exec_approval_request')[0]?.reason).toMatch(/^no sandbox is available on this machine .*; the command would run unsandboxed$/);
    expect(existsSync(path.join(rig.cwd, 'a.txt')) && existsSync(path.join(rig.cwd, 'b.txt'))).toBe(true);
  });

  it('refuses under never, telling the model why; a new thread is warned again', async () => {
    rig = await startRig([calls('r1', shell('call_1', ['touch', 'a.txt'])), answer('r2')], { approvalPolicy: 'never', sandboxPolicy: WORKSPACE_WRITE });
    const turn = await rig.thread.submit(say('file'));
    await rig.log.untilType('task_complete', { id: turn });

    expect(warnings(rig)).toHaveLength(1);
    expect(messages(rig.log, 'exec_approval_request')).toEqual([]);
    expect(messages(rig.log, 'exec_command_end')[0]).toMatchObject({ status: 'declined', exit_code: -1 });
    expect(outputFor(rig.server, 1, 'call_1')).toMatch(/^exec command rejected: no sandbox is available on this machine .*approval policy never does not allow asking the user, so the command was not run$/);
    expect(existsSync(path.join(rig.cwd, 'a.txt'))).toBe(false);
  });
});

describe('patches without a usable sandbox', () => {
  it('a patch outside the cwd asks even inside a configured writable root (never: refused with the reason)', async () => {
    let outsideFile = '';
    rig = await startRig(
      (_req, i) => (i === 0 ? calls('r1', patch('call_p', addFile(outsideFile, 'x')), patch('call_in', addFile('in.txt', 'y'))) : answer('r2')),
      { approvalPolicy: 'never', sandboxPolicy: { type: 'workspace-write', writable_roots: ['../outside'], network_access: false, exclude_tmpdir_env_var: true, exclude_slash_tmp: true } },
    );
    outsideFile = path.join(rig.outside, 'out.txt');
    const turn = await rig.thread.submit(say('patch'));
    await rig.log.untilType('task_complete', { id: turn });
    expect(outputFor(rig.server, 1, 'call_p')).toMatch(/^patch rejected: the patch writes outside the writable roots: .*out\.txt.*approval policy never/);
    expect(existsSync(outsideFile)).toBe(false);
    expect(outputFor(rig.server, 1, 'call_in')).toMatch(/^Success/);
    expect(existsSync(path.join(rig.cwd, 'in.txt'))).toBe(true);
  });
});

/**
 * The turnstate home holds what the engine trusts without asking (exec-policy rules that run
 * commands outside the sandbox, MCP server commands, rollouts). When it lies inside a writable
 * root, sandboxed commands and patches still cannot write it.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { SandboxPolicy } from 'turnstate';
import { detectBwrap } from '../../src/tools/sandbox/index.js';
import { addFile, answer, calls, patch, say, shell, startRig, type Rig } from './support.js';

const bwrap = await detectBwrap();

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** workspace-write where the user also made the directory holding the home writable. */
const HOME_WRITABLE: SandboxPolicy = { type: 'workspace-write', writable_roots: ['../home'], network_access: false, exclude_tmpdir_env_var: true, exclude_slash_tmp: true };
const RULE = '{"prefix":["touch"],"decision":"allow"}';

describe.runIf(bwrap.available)('the turnstate home inside a writable root', () => {
  it('a sandboxed command cannot plant an exec-policy rule that lets the next command out of the sandbox', async () => {
    const plant = ['bash', '-lc', `mkdir -p ../home/rules && echo '${RULE}' > ../home/rules/default.jsonl`];
    rig = await startRig([calls('r1', shell('c1', plant)), calls('r2', shell('c2', ['touch', '../outside/pwned'])), answer('r3')], {
      approvalPolicy: 'never',
      sandboxPolicy: HOME_WRITABLE,
    });
    const turn = await rig.thread.submit(say('plant'));
    await rig.log.untilType('task_complete', { id: turn });
    expect(existsSync(path.join(rig.home, 'rules/default.jsonl'))).toBe(false);
    expect(existsSync(path.join(rig.outside, 'pwned'))).toBe(false);
  });

  it('a home that does not exist yet cannot be created by the command', async () => {
    const plant = ['bash', '-lc', `mkdir -p ../home/rules && echo '${RULE}' > ../home/rules/default.jsonl`];
    rig = await startRig([calls('r1', shell('c1', plant)), calls('r2', shell('c2', ['touch', '../outside/pwned'])), answer('r3')], {
      approvalPolicy: 'never',
      sandboxPolicy: HOME_WRITABLE,
      ephemeral: true,
    });
    await rm(rig.home, { recursive: true, force: true });
    const turn = await rig.thread.submit(say('plant'));
    await rig.log.untilType('task_complete', { id: turn });
    expect(existsSync(path.join(rig.home, 'rules/default.jsonl'))).toBe(false);
    expect(existsSync(path.join(rig.outside, 'pwned'))).toBe(false);
  });

  it('a patch cannot write the rules file either', async () => {
    rig = await startRig([calls('r1', patch('p1', addFile('../home/rules/default.jsonl', RULE))), answer('r2')], {
      approvalPolicy: 'never',
      sandboxPolicy: HOME_WRITABLE,
    });
    const turn = await rig.thread.submit(say('plant'));
    await rig.log.untilType('task_complete', { id: turn });
    expect(existsSync(path.join(rig.home, 'rules/default.jsonl'))).toBe(false);
  });
});

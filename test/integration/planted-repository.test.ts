/**
 * The engine runs git outside the sandbox (ghost snapshots, undo), and git runs programs a
 * repository's config names. A sandboxed command that creates a repository where none was
 * when the thread started (`git init`, `core.fsmonitor`, a clean filter) must not get them
 * run by the engine's next snapshot.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { RepositoryTrust } from '../../src/git/index.js';
import { detectBwrap } from '../../src/tools/sandbox/index.js';
import { WORKSPACE_WRITE, answer, calls, messages, say, shell, startRig, type Rig } from './support.js';

const bwrap = await detectBwrap();

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('a repository planted by a sandboxed command', () => {
  it.runIf(bwrap.available)('is not snapshotted: its fsmonitor and clean filter never run outside the sandbox', async () => {
    const pwned = path.join(await mkdtemp(path.join(tmpdir(), 'turnstate-pwned-')), 'pwned');
    const plant = [
      'git init -q .',
      `git config core.fsmonitor 'touch ${pwned}.fsmonitor; false'`,
      `git config filter.x.clean 'touch ${pwned}.clean; cat'`,
      "printf '* filter=x\\n' > .gitattributes",
      'echo hi > a.txt',
    ].join(' && ');
    rig = await startRig([calls('r1', shell('c1', ['bash', '-lc', plant])), answer('r2'), answer('r3')], { approvalPolicy: 'on-request', sandboxPolicy: WORKSPACE_WRITE });
    const first = await rig.thread.submit(say('plant'));
    await rig.log.untilType('task_complete', { id: first });
    expect(messages(rig.log, 'exec_command_end')[0]?.exit_code).toBe(0);
    expect(existsSync(path.join(rig.cwd, '.git/config'))).toBe(true);
    const second = await rig.thread.submit(say('next turn'));
    await rig.log.untilType('task_complete', { id: second });
    expect(existsSync(`${pwned}.fsmonitor`)).toBe(false);
    expect(existsSync(`${pwned}.clean`)).toBe(false);
    expect(messages(rig.log, 'warning', second).map((w) => w.message)).toEqual([expect.stringMatching(/^No undo snapshot: the git repository at .*\.git appeared/)]);
    expect(messages(rig.log, 'raw_response_item').filter((m) => m.item.type === 'ghost_snapshot')).toEqual([]);
    await rm(path.dirname(pwned), { recursive: true, force: true });
  });
});

describe("git's global configuration written by a sandboxed command", () => {
  it.runIf(bwrap.available)('a workspace holding the home directory: a planted ~/.gitconfig fsmonitor never runs outside the sandbox', async () => {
    const savedHome = process.env.HOME;
    const pwned = path.join(await mkdtemp(path.join(tmpdir(), 'turnstate-pwned-')), 'pwned');
    try {
      const plant = ['bash', '-lc', `printf '[core]\\n\\tfsmonitor = "touch ${pwned}; false"\\n' > .gitconfig`];
      rig = await startRig([calls('r1', shell('c1', plant)), answer('r2'), answer('r3')], {
        approvalPolicy: 'on-request',
        sandboxPolicy: WORKSPACE_WRITE,
        // A user who runs in a home directory that is a repository (dotfiles).
        prepare: (cwd) => {
          execFileSync('git', ['init', '-q', cwd]);
          process.env.HOME = cwd;
        },
      });
      const first = await rig.thread.submit(say('plant'));
      await rig.log.untilType('task_complete', { id: first });
      expect(existsSync(path.join(rig.cwd, '.gitconfig'))).toBe(true);
      const second = await rig.thread.submit(say('next turn'));
      await rig.log.untilType('task_complete', { id: second });
      expect(existsSync(pwned)).toBe(false);
      expect(messages(rig.log, 'warning', second).map((w) => w.message)).toEqual([expect.stringMatching(/^No undo snapshot: git's global configuration/)]);
    } finally {
      process.env.HOME = savedHome;
      await rm(path.dirname(pwned), { recursive: true, force: true });
    }
  });
});

describe('RepositoryTrust', () => {
  it('trusts the repository seen at the start and no .git that appears or is replaced later', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'turnstate-trust-'));
    const ws = path.join(root, 'ws');
    await mkdir(ws);
    execFileSync('git', ['init', '-q', root]);
    const trust = new RepositoryTrust(ws);
    expect(trust.check(ws)).toEqual({ trusted: true });
    // A .git below the outer repository's top, where git run in ws now looks first.
    await mkdir(path.join(ws, '.git'));
    expect(trust.check(ws)).toMatchObject({ trusted: false, reason: expect.stringContaining(path.join(ws, '.git')) });
    await rm(path.join(ws, '.git'), { recursive: true });
    expect(trust.check(ws)).toEqual({ trusted: true });
    // The outer .git replaced by another entry of the same name.
    await rm(path.join(root, '.git'), { recursive: true });
    await writeFile(path.join(root, '.git'), 'gitdir: elsewhere\n');
    expect(trust.check(ws).trusted).toBe(false);
    // A directory first seen later is recorded then.
    const other = path.join(root, 'other');
    await mkdir(other);
    expect(trust.check(other)).toEqual({ trusted: true });
    await rm(root, { recursive: true, force: true });
  });
});

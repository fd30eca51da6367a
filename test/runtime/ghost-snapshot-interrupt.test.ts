/**
 * An interrupt that lands while a turn's ghost snapshot is still running git stops git (the
 * snapshot step's stop signal is aborted when the turn leaves `running.snapshotting`) and the
 * turn records no snapshot. `git` here is a stand-in on `PATH` that records its pid and sleeps.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createThread, type Thread } from 'turnstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { EventLog } from './harness.js';

let thread: Thread | undefined;
let root: string | undefined;
let fakeGits: number[] = [];
const savedPath = process.env.PATH;
afterEach(async () => {
  process.env.PATH = savedPath;
  // A stand-in git the engine failed to stop does not outlive the test.
  for (const pid of fakeGits) if (alive(pid)) process.kill(pid, 'SIGKILL');
  fakeGits = [];
  await thread?.shutdown();
  thread = undefined;
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Polls `check` every 10 ms until it holds or `ms` pass; returns whether it held. */
async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

describe('ghost snapshot interrupted', () => {
  it('an interrupt during a running snapshot kills git, aborts the turn and records no ghost_snapshot', async () => {
    root = mkdtempSync(path.join(tmpdir(), 'turnstate-ghost-int-'));
    const cwd = path.join(root, 'ws');
    const bin = path.join(root, 'bin');
    const pids = path.join(root, 'git.pids');
    mkdirSync(cwd);
    mkdirSync(bin);
    execFileSync('git', ['init', '-q'], { cwd });
    writeFileSync(path.join(bin, 'git'), `#!/bin/sh\necho $$ >> '${pids}'\nexec sleep 60\n`);
    chmodSync(path.join(bin, 'git'), 0o755);
    process.env.PATH = `${bin}${path.delimiter}${savedPath ?? ''}`;

    thread = await createThread({ model: scriptedModel([scriptedTurn.reply('done')]), cwd });
    const log = new EventLog(thread);
    const id = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'hi' }] });
    await log.untilType('task_started', { id });
    expect(await eventually(() => existsSync(pids))).toBe(true);
    const pid = Number(readFileSync(pids, 'utf8').trim().split('\n')[0]);
    fakeGits.push(pid);
    expect(alive(pid)).toBe(true);

    await thread.submit({ type: 'interrupt' });
    await log.untilType('turn_aborted', { id });
    expect(await eventually(() => !alive(pid))).toBe(true);
    // Only the one git process ran: the snapshot did not go on to a further command.
    expect(readFileSync(pids, 'utf8').trim().split('\n')).toHaveLength(1);
    const { history } = thread.actor.getSnapshot().context;
    expect(history.items.filter((item) => item.type === 'ghost_snapshot')).toEqual([]);
    expect(log.types({ id })).not.toContain('task_complete');
  });
});

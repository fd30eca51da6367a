/**
 * Ghost snapshots and undo through real threads in real temporary git repositories
 * (SPEC §4.5–4.6): a turn's patch is taken back byte for byte, turn by turn, also after a
 * resume; `HEAD` and the index are never touched; outside a repository nothing happens.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createThread, type EventMsg } from 'turnstate';
import { openaiModel } from 'turnstate/openai';
import { git, repoState, writeFiles } from '../git/support.js';
import { EventLog, FULL_ACCESS, answer, calls, inputOf, messages, patch, say, startRig, type Rig } from './support.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const TURN1_PATCH = [
  '*** Begin Patch',
  '*** Update File: mod.txt',
  '@@',
  ' one',
  '-two',
  '+TWO',
  '*** Add File: sub/dir/new.txt',
  '+brand new',
  '*** Delete File: del.txt',
  '*** End Patch',
].join('\n');
const TURN2_PATCH = ['*** Begin Patch', '*** Update File: keep.txt', '@@', '-keep', '+kept and changed', '*** End Patch'].join('\n');

/** Two patch turns (each: one patch call, then an answer). */
const twoTurns = () => [calls('r1', patch('p1', TURN1_PATCH)), answer('r2'), calls('r3', patch('p2', TURN2_PATCH)), answer('r4')];

/** Makes the rig's workspace a repository with a commit, an untracked and an ignored file. */
function initRepo(cwd: string): void {
  git(cwd, 'init', '-q', '--initial-branch=main');
  git(cwd, 'config', 'core.autocrlf', 'false');
  writeFiles(cwd, { 'mod.txt': 'one\ntwo\n', 'del.txt': 'delete me\n', 'keep.txt': 'keep\n', '.gitignore': '*.log\n' });
  git(cwd, 'add', '-A');
  git(cwd, 'commit', '-q', '-m', 'initial');
  writeFiles(cwd, { 'notes.txt': 'untracked before the turns\n', 'build.log': 'ignored\n' });
}

async function runTurn(r: Rig, text: string): Promise<string> {
  const id = await r.thread.submit(say(text));
  await r.log.untilType('task_complete', { id });
  return id;
}

async function undo(r: Rig, log: EventLog = r.log): Promise<{ events: EventMsg[]; completed: Extract<EventMsg, { type: 'undo_completed' }> }> {
  const id = await r.thread.submit({ type: 'undo' });
  await log.untilType('task_complete', { id });
  const events = log.events.filter((e) => e.id === id).map((e) => e.msg);
  const completed = events.find((m) => m.type === 'undo_completed') as Extract<EventMsg, { type: 'undo_completed' }>;
  return { events, completed };
}

/** The ghost commit ids recorded in the rollout, oldest first. */
function rolloutSnapshots(rolloutPath: string): string[] {
  return readFileSync(rolloutPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; payload: { type?: string; ghost_commit?: { id: string } } })
    .filter((l) => l.type === 'response_item' && l.payload.type === 'ghost_snapshot')
    .map((l) => l.payload.ghost_commit?.id ?? '');
}

describe('ghost snapshots and undo', () => {
  it('undo restores the tree before the turn byte for byte, then goes one turn further back', async () => {
    rig = await startRig(twoTurns(), { prepare: initRepo, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    const before = await repoState(rig.cwd);

    await runTurn(rig, 'change files');
    expect(readFileSync(path.join(rig.cwd, 'mod.txt'), 'utf8')).toBe('one\nTWO\n');
    const afterTurn1 = await repoState(rig.cwd);
    expect(afterTurn1.status).not.toBe(before.status);
    await runTurn(rig, 'change more');
    expect(readFileSync(path.join(rig.cwd, 'keep.txt'), 'utf8')).toBe('kept and changed\n');

    // Snapshots are history items that never reach the model.
    const snapshots = rolloutSnapshots(rig.thread.rolloutPath!);
    expect(snapshots).toHaveLength(2);
    for (let i = 0; i < rig.server.requests.length; i++) expect(inputOf(rig.server, i).map((item) => item.type)).not.toContain('ghost_snapshot');
    expect(messages(rig.log, 'warning')).toEqual([]);

    const first = await undo(rig);
    expect(first.events.map((m) => m.type)).toEqual(['undo_started', 'undo_completed', 'task_complete']);
    expect(first.completed).toEqual({ type: 'undo_completed', success: true, message: `Undo restored snapshot ${snapshots[1]!.slice(0, 7)}.` });
    expect(await repoState(rig.cwd)).toEqual(afterTurn1);

    const second = await undo(rig);
    expect(second.completed).toEqual({ type: 'undo_completed', success: true, message: `Undo restored snapshot ${snapshots[0]!.slice(0, 7)}.` });
    expect(await repoState(rig.cwd)).toEqual(before);
    expect(readFileSync(path.join(rig.cwd, 'mod.txt'), 'utf8')).toBe('one\ntwo\n');
    expect(readFileSync(path.join(rig.cwd, 'del.txt'), 'utf8')).toBe('delete me\n');
    expect(readFileSync(path.join(rig.cwd, 'build.log'), 'utf8')).toBe('ignored\n');

    const third = await undo(rig);
    expect(third.completed).toEqual({ type: 'undo_completed', success: false, message: 'No ghost snapshot available to undo.' });
  });

  it('snapshots survive a resume, and an undone snapshot stays undone', async () => {
    rig = await startRig(twoTurns(), { prepare: initRepo, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    const before = await repoState(rig.cwd);
    await runTurn(rig, 'change files');
    await runTurn(rig, 'change more');
    expect((await undo(rig)).completed.success).toBe(true);
    const threadId = rig.thread.id;
    await rig.thread.shutdown();

    const model = openaiModel({ model: 'test-model', baseURL: rig.server.url, apiKey: 'k', requestMaxRetries: 0 });
    const resumed = await createThread({ model, cwd: rig.cwd, home: rig.home, resume: { threadId } });
    try {
      const log = new EventLog(resumed);
      const { completed } = await undo({ ...rig, thread: resumed, log }, log);
      const [firstSnapshot] = rolloutSnapshots(resumed.rolloutPath!);
      expect(completed).toEqual({ type: 'undo_completed', success: true, message: `Undo restored snapshot ${firstSnapshot!.slice(0, 7)}.` });
      expect(await repoState(rig.cwd)).toEqual(before);
    } finally {
      await resumed.shutdown();
    }
  });

  it('snapshots survive a compaction, so undo still reaches the turn before it', async () => {
    rig = await startRig([calls('r1', patch('p1', TURN1_PATCH)), answer('r2'), answer('r3', 'SUMMARY')], { prepare: initRepo, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS });
    const before = await repoState(rig.cwd);
    await runTurn(rig, 'change files');
    const compact = await rig.thread.submit({ type: 'compact' });
    await rig.log.untilType('task_complete', { id: compact });
    expect((await undo(rig)).completed.success).toBe(true);
    expect(await repoState(rig.cwd)).toEqual(before);
  });

  it('outside a repository: no snapshot, no warning, and undo has nothing to restore', async () => {
    rig = await startRig([calls('r1', patch('p1', '*** Begin Patch\n*** Add File: a.txt\n+a\n*** End Patch')), answer('r2')], {
      approvalPolicy: 'never',
      sandboxPolicy: FULL_ACCESS,
    });
    await runTurn(rig, 'add a file');
    expect(readFileSync(path.join(rig.cwd, 'a.txt'), 'utf8')).toBe('a\n');
    expect(rolloutSnapshots(rig.thread.rolloutPath!)).toEqual([]);
    expect(messages(rig.log, 'warning')).toEqual([]);
    expect(messages(rig.log, 'error')).toEqual([]);
    expect((await undo(rig)).completed).toEqual({ type: 'undo_completed', success: false, message: 'No ghost snapshot available to undo.' });
  });

  it('ghostSnapshots: false takes no snapshot inside a repository', async () => {
    rig = await startRig([calls('r1', patch('p1', TURN1_PATCH)), answer('r2')], { prepare: initRepo, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS, ghostSnapshots: false });
    await runTurn(rig, 'change files');
    expect(rolloutSnapshots(rig.thread.rolloutPath!)).toEqual([]);
  });

  it('a snapshot over its time limit warns and lets the tools go on (and records nothing)', async () => {
    rig = await startRig([calls('r1', patch('p1', TURN1_PATCH)), answer('r2')], { prepare: initRepo, approvalPolicy: 'never', sandboxPolicy: FULL_ACCESS, ghostSnapshots: { timeoutMs: 0 } });
    const turn = await runTurn(rig, 'change files');
    expect(readFileSync(path.join(rig.cwd, 'mod.txt'), 'utf8')).toBe('one\nTWO\n');
    expect(messages(rig.log, 'warning', turn).map((w) => w.message)).toEqual([expect.stringMatching(/^The undo snapshot of the working tree took longer than 0 s; tools go on without it/)]);
    expect(rolloutSnapshots(rig.thread.rolloutPath!)).toEqual([]);
  });

  it('a failing snapshot warns and the turn goes on; large untracked files are left out with a warning', async () => {
    rig = await startRig([calls('r1', patch('p1', TURN1_PATCH)), answer('r2'), answer('r3')], {
      prepare: initRepo,
      approvalPolicy: 'never',
      sandboxPolicy: FULL_ACCESS,
      ghostSnapshots: { ignoreLargeUntrackedFiles: 100 },
    });
    writeFiles(rig.cwd, { 'big.bin': 'x'.repeat(500) });
    const first = await runTurn(rig, 'change files');
    expect(messages(rig.log, 'warning', first).map((w) => w.message)).toEqual([
      'The undo snapshot left out untracked files larger than 100 B: big.bin (500 B). Undo keeps them but cannot restore their contents; raise `ghostSnapshots.ignoreLargeUntrackedFiles` to include them.',
    ]);
    writeFileSync(path.join(rig.cwd, '.git', 'index'), 'not an index');
    const second = await runTurn(rig, 'hello');
    expect(messages(rig.log, 'warning', second).map((w) => w.message)).toEqual([
      expect.stringMatching(/^The undo snapshot of the working tree failed, so undo cannot return to the start of this turn: git .* failed/),
    ]);
    expect(messages(rig.log, 'task_complete', second)).toHaveLength(1);
  });
});

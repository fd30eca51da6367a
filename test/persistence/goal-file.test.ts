import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { JsonlThreadStore, goalPathFor, type RolloutLine } from '../../src/persistence/index.js';
import type { ThreadGoal } from '../../src/protocol/index.js';
import { sessionMeta, tempHome } from './support/fixtures.js';

const ID = '0193e0b2-7a4c-7000-8000-0000000000a7';
const AT = new Date(2026, 3, 25, 10, 0, 0);
const meta: RolloutLine = { timestamp: AT.toISOString(), type: 'session_meta', payload: sessionMeta(ID, AT) };
const goal: ThreadGoal = {
  threadId: ID,
  goalId: 'g-1',
  objective: 'Ship it',
  status: 'active',
  tokenBudget: 1000,
  tokensUsed: 10,
  timeUsedSeconds: 2,
  createdAt: 1,
  updatedAt: 2,
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});
async function store() {
  const { home, cleanup } = await tempHome('turnstate-goals-');
  cleanups.push(cleanup);
  return { home, store: new JsonlThreadStore({ home }) };
}

describe('JsonlThreadStore goal files', () => {
  it('keeps the goal beside the rollout as <rollout>.goal.json, with no temporary file left', async () => {
    const { store: s } = await store();
    const path = await s.create([meta]);
    await s.writeGoal(ID, goal);
    expect(goalPathFor(path)).toBe(path.replace(/\.jsonl$/, '.goal.json'));
    expect(JSON.parse(await readFile(goalPathFor(path), 'utf8'))).toEqual(goal);
    expect((await readdir(dirname(path))).sort()).toEqual([basename(goalPathFor(path)), basename(path)].sort());
    // The goal file is not a rollout: listings do not show it.
    expect((await s.list()).threads.map((t) => t.threadId)).toEqual([ID]);
  });

  it('archive moves the goal with the rollout; delete removes both', async () => {
    const { home, store: s } = await store();
    await s.create([meta]);
    await s.writeGoal(ID, goal);
    await s.archive(ID);
    expect((await readdir(join(home, 'archived_sessions'))).sort()).toEqual([
      `rollout-2026-04-25T10-00-00-${ID}.goal.json`,
      `rollout-2026-04-25T10-00-00-${ID}.jsonl`,
    ]);
    await s.delete(ID);
    expect(await readdir(join(home, 'archived_sessions'))).toEqual([]);
  });

  it('finds the goal an interrupted archive moved ahead of its rollout, and a removal sticks', async () => {
    const { home, store: s } = await store();
    const path = await s.create([meta]);
    await s.writeGoal(ID, goal);
    await mkdir(join(home, 'archived_sessions'), { recursive: true });
    await rename(goalPathFor(path), join(home, 'archived_sessions', basename(goalPathFor(path))));
    expect(await s.readGoal(ID)).toEqual(goal);
    await s.writeGoal(ID, null);
    expect(await s.readGoal(ID)).toBeNull();
  });

  it('reports a goal file that is not a goal with goal_file_invalid', async () => {
    const { store: s } = await store();
    const path = await s.create([meta]);
    await writeFile(goalPathFor(path), '{"objective": 3}');
    await expect(s.readGoal(ID)).rejects.toMatchObject({ code: 'goal_file_invalid' });
    await writeFile(goalPathFor(path), 'not json');
    await expect(s.readGoal(ID)).rejects.toMatchObject({ code: 'goal_file_invalid' });
  });
});

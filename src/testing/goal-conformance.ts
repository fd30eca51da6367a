/**
 * The goal-storage part of the `ThreadStore` conformance suite (SPEC §7.1): a thread's goal row
 * round-trips whole, is replaced and removed, stays with an archived thread, disappears with
 * a deleted one, and needs a stored thread.
 */
import type { ThreadGoal } from '../protocol/goal.js';
import type { RolloutLine } from '../persistence/rollout-schema.js';
import type { ThreadStore } from '../persistence/store.js';

/**
 * What the goal cases need from the main suite.
 * @example
 * registerGoalConformance({ it, expect, fresh, threadId, metaLine });
 */
export interface GoalConformanceContext {
  it(name: string, body: () => Promise<void> | void): unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  expect: (actual: unknown) => any;
  fresh(): Promise<ThreadStore>;
  threadId(n: number): string;
  metaLine(n: number): RolloutLine;
}

const goalOf = (threadId: string, patch: Partial<ThreadGoal> = {}): ThreadGoal => ({
  threadId,
  goalId: `goal-${threadId.slice(-4)}`,
  objective: 'Make the test suite pass — «all of it»\nthen stop',
  status: 'active',
  tokenBudget: 50_000,
  tokensUsed: 1234,
  timeUsedSeconds: 61,
  createdAt: 1_777_100_000_000,
  updatedAt: 1_777_100_061_000,
  ...patch,
});

/**
 * Registers the goal-storage cases (called by `runThreadStoreConformance`).
 * @example
 * registerGoalConformance({ it, expect, fresh, threadId, metaLine });
 */
export function registerGoalConformance(c: GoalConformanceContext): void {
  const { it, expect, fresh, threadId, metaLine } = c;

  it('goals: a stored thread has no goal until one is written; the row round-trips whole', async () => {
    const store = await fresh();
    await store.create([metaLine(1)]);
    expect(await store.readGoal(threadId(1))).toBeNull();
    const goal = goalOf(threadId(1));
    await store.writeGoal(threadId(1), goal);
    expect(await store.readGoal(threadId(1))).toEqual(goal);
    const noBudget = goalOf(threadId(1), { tokenBudget: null, status: 'paused' });
    await store.writeGoal(threadId(1), noBudget);
    expect(await store.readGoal(threadId(1))).toEqual(noBudget);
  });

  it('goals: a write replaces the goal, null removes it, and threads do not share goals', async () => {
    const store = await fresh();
    await store.create([metaLine(1)]);
    await store.create([metaLine(2)]);
    await store.writeGoal(threadId(1), goalOf(threadId(1)));
    const replaced = goalOf(threadId(1), { goalId: 'goal-2', status: 'budgetLimited', tokensUsed: 50_000, updatedAt: 1_777_100_099_000 });
    await store.writeGoal(threadId(1), replaced);
    await store.writeGoal(threadId(2), goalOf(threadId(2), { status: 'complete' }));
    expect(await store.readGoal(threadId(1))).toEqual(replaced);
    expect((await store.readGoal(threadId(2)))?.status).toBe('complete');
    await store.writeGoal(threadId(1), null);
    expect(await store.readGoal(threadId(1))).toBeNull();
    await store.writeGoal(threadId(1), null);
    expect(await store.readGoal(threadId(1))).toBeNull();
    expect((await store.readGoal(threadId(2)))?.goalId).toBe(goalOf(threadId(2)).goalId);
  });

  it('goals: concurrent writes and reads never see a torn goal', async () => {
    const store = await fresh();
    await store.create([metaLine(1)]);
    const written = Array.from({ length: 12 }, (_, i) => goalOf(threadId(1), { tokensUsed: i * 100 }));
    const reads = Promise.all(Array.from({ length: 6 }, () => store.readGoal(threadId(1))));
    await Promise.all(written.map((goal) => store.writeGoal(threadId(1), goal)));
    for (const read of await reads) if (read !== null) expect(written).toContainEqual(read);
    expect(written).toContainEqual(await store.readGoal(threadId(1)));
  });

  it('goals: an archived thread keeps its goal and a deleted one loses it', async () => {
    const store = await fresh();
    await store.create([metaLine(1)]);
    await store.create([metaLine(2)]);
    await store.writeGoal(threadId(1), goalOf(threadId(1)));
    await store.writeGoal(threadId(2), goalOf(threadId(2)));
    await store.archive(threadId(1));
    expect(await store.readGoal(threadId(1))).toEqual(goalOf(threadId(1)));
    const paused = goalOf(threadId(1), { status: 'paused' });
    await store.writeGoal(threadId(1), paused);
    expect(await store.readGoal(threadId(1))).toEqual(paused);
    await store.delete(threadId(1));
    await store.delete(threadId(2));
    expect(await store.readGoal(threadId(1))).toBeNull();
    // A thread created again under a deleted id starts without the old goal.
    await store.create([metaLine(2)]);
    expect(await store.readGoal(threadId(2))).toBeNull();
  });

  it('goals: writing the goal of a thread that is not stored fails with thread_not_found', async () => {
    const store = await fresh();
    expect(await store.readGoal(threadId(9))).toBeNull();
    await expect(store.writeGoal(threadId(9), goalOf(threadId(9)))).rejects.toMatchObject({ code: 'thread_not_found' });
    expect(await store.readGoal(threadId(9))).toBeNull();
  });
}

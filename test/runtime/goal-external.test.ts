/**
 * External goal mutations (seed 003: `prepare_external_goal_mutation` then
 * `apply_external_goal_set` / `apply_external_goal_clear`): usage is settled — and stored —
 * before the change, during an active turn and while idle.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createThread, defineTool, InMemoryThreadStore, type ThreadGoal, type Thread } from 'turnstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { deferred, EventLog } from './harness.js';

let thread: Thread | null = null;
afterEach(async () => {
  await thread?.shutdown();
  thread = null;
});

const usage = (input: number, output: number) => ({ input_tokens: input, cached_input_tokens: 0, output_tokens: output, reasoning_output_tokens: 0, total_tokens: input + output });

/** An in-memory store that remembers every goal written, in order. */
class RecordingStore extends InMemoryThreadStore {
  readonly goalWrites: Array<Pick<ThreadGoal, 'status' | 'tokensUsed' | 'timeUsedSeconds'> | null> = [];
  override async writeGoal(threadId: string, goal: ThreadGoal | null): Promise<void> {
    this.goalWrites.push(goal && { status: goal.status, tokensUsed: goal.tokensUsed, timeUsedSeconds: goal.timeUsedSeconds });
    await super.writeGoal(threadId, goal);
  }
}

/** A clock the test moves by hand. */
const manualClock = (start = Date.UTC(2026, 4, 1, 9, 0, 0)) => {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

const goalEvents = (log: EventLog) =>
  log.events.flatMap((e) => (e.msg.type === 'thread_goal_updated' ? [`${e.msg.turnId ?? 'idle'}:${e.msg.goal.status}:${e.msg.goal.tokensUsed}`] : []));

/** A thread whose goal continuation turn calls `wait` (usage 400 + 100) and blocks in it. */
async function threadBlockedInTool() {
  const gate = deferred<string>();
  const started = deferred();
  const wait = defineTool({
    name: 'wait',
    description: 'Waits for the test',
    parameters: z.object({}),
    execute: async () => {
      started.resolve();
      return gate.promise;
    },
  });
  const model = scriptedModel([scriptedTurn.functionCall('call_1', 'wait', '{}', { usage: usage(400, 100) }), scriptedTurn.reply('done', { usage: usage(700, 50) })]);
  const store = new RecordingStore();
  thread = await createThread({ model, store, tools: [wait], builtinTools: false, cwd: '/tmp' });
  const log = new EventLog(thread);
  const goal = await thread.setGoal({ objective: 'Tidy the repo', token_budget: 100_000 });
  const turn = await log.untilType('task_started');
  await started.promise;
  await log.untilType('token_count');
  return { thread, log, store, gate, goal, turnId: turn.id };
}

describe('external goal mutations during an active turn', () => {
  it('set: the turn usage is settled (announced, stored) before the status changes; a paused goal stops accounting', async () => {
    const { thread: t, log, store, gate, goal, turnId } = await threadBlockedInTool();
    const paused = await t.setGoal({ objective: 'Tidy the repo', token_budget: 100_000, status: 'paused' });
    expect(paused).toMatchObject({ goalId: goal.goalId, status: 'paused', tokensUsed: 500 });
    expect(goalEvents(log)).toEqual([`idle:active:0`, `${turnId}:active:500`, `${turnId}:paused:500`]);
    expect(store.goalWrites.map((g) => g && `${g.status}:${g.tokensUsed}`)).toEqual(['active:0', 'active:500', 'paused:500']);
    expect(await store.readGoal(t.id)).toMatchObject({ goalId: goal.goalId, status: 'paused', tokensUsed: 500 });
    gate.resolve('ok');
    await log.untilType('task_complete', { id: turnId });
    await t.whenProcessed();
    // The second response (750 tokens) came after the pause: not counted, and no continuation.
    expect(t.getGoal()).toMatchObject({ status: 'paused', tokensUsed: 500 });
    expect(log.ofType('task_started')).toHaveLength(1);
  });

  it('clear: the turn usage is settled and stored, then the goal is removed (no event for the removal)', async () => {
    const { thread: t, log, store, gate, turnId } = await threadBlockedInTool();
    await t.clearGoal();
    expect(goalEvents(log)).toEqual([`idle:active:0`, `${turnId}:active:500`]);
    expect(store.goalWrites.map((g) => g && `${g.status}:${g.tokensUsed}`)).toEqual(['active:0', 'active:500', null]);
    expect(await store.readGoal(t.id)).toBeNull();
    expect(t.getGoal()).toBeNull();
    gate.resolve('ok');
    await log.untilType('task_complete', { id: turnId });
    await t.whenProcessed();
    expect(goalEvents(log)).toHaveLength(2);
  });
});

describe('external goal mutations while idle', () => {
  async function idleThreadWithGoal() {
    const clock = manualClock();
    const model = scriptedModel([scriptedTurn.reply('working on it', { usage: usage(300, 20) }), scriptedTurn.reply('again', { usage: usage(100, 10) })]);
    const store = new RecordingStore();
    thread = await createThread({ model, store, clock, builtinTools: false, cwd: '/tmp' });
    const log = new EventLog(thread);
    await thread.setGoal({ objective: 'Keep the docs in sync' });
    // The continuation turn made no tool call, so the chain stops after it: the thread is idle.
    await log.untilType('task_complete');
    await thread.whenProcessed();
    return { thread, log, store, clock };
  }

  it('set paused: the idle time is settled and stored first, without an event, then the change is announced', async () => {
    const { thread: t, log, store, clock } = await idleThreadWithGoal();
    expect(t.getGoal()).toMatchObject({ status: 'active', tokensUsed: 320, timeUsedSeconds: 0 });
    const writesBefore = store.goalWrites.length;
    const eventsBefore = goalEvents(log).length;
    clock.advance(5_000);
    const paused = await t.setGoal({ objective: 'Keep the docs in sync', status: 'paused' });
    expect(paused).toMatchObject({ status: 'paused', tokensUsed: 320, timeUsedSeconds: 5 });
    expect(store.goalWrites.slice(writesBefore)).toEqual([
      { status: 'active', tokensUsed: 320, timeUsedSeconds: 5 },
      { status: 'paused', tokensUsed: 320, timeUsedSeconds: 5 },
    ]);
    expect(goalEvents(log).slice(eventsBefore)).toEqual(['idle:paused:320']);
    // Paused: no accounting while it stays paused.
    clock.advance(60_000);
    await t.clearGoal();
    expect(store.goalWrites.at(-1)).toBeNull();
    expect(store.goalWrites.slice(writesBefore)).toHaveLength(3);
  });

  it('clear: the idle time of the active goal is settled and stored first, then the removal; no event', async () => {
    const { thread: t, log, store, clock } = await idleThreadWithGoal();
    const writesBefore = store.goalWrites.length;
    const eventsBefore = goalEvents(log).length;
    clock.advance(4_000);
    await t.clearGoal();
    expect(store.goalWrites.slice(writesBefore)).toEqual([{ status: 'active', tokensUsed: 320, timeUsedSeconds: 4 }, null]);
    expect(goalEvents(log).slice(eventsBefore)).toEqual([]);
    expect(await store.readGoal(t.id)).toBeNull();
    expect(t.getGoal()).toBeNull();
  });

  it('set active again: accounting restarts from now and the goal continues (a new turn starts)', async () => {
    const { thread: t, log, clock } = await idleThreadWithGoal();
    await t.setGoal({ objective: 'Keep the docs in sync', status: 'paused' });
    clock.advance(30_000);
    const from = log.events.length;
    const active = await t.setGoal({ objective: 'Keep the docs in sync' });
    // The paused half minute is not counted.
    expect(active).toMatchObject({ status: 'active', timeUsedSeconds: 0, tokensUsed: 320 });
    const next = await log.until((e) => e.msg.type === 'task_complete', { from });
    await t.whenProcessed();
    const after = log.events.slice(from).map((e) => (e.msg.type === 'thread_goal_updated' ? `goal:${e.msg.goal.status}` : e.msg.type));
    expect(after.filter((x) => x === 'goal:active' || x === 'task_started' || x === 'task_complete')).toEqual(['goal:active', 'task_started', 'goal:active', 'task_complete']);
    expect(next.msg.type).toBe('task_complete');
    expect(t.getGoal()).toMatchObject({ status: 'active', tokensUsed: 430 });
  });

  it('set budgetLimited while idle clears the runtime accounting: idle time is not counted afterwards', async () => {
    const { thread: t, store, clock } = await idleThreadWithGoal();
    const limited = await t.setGoal({ objective: 'Keep the docs in sync', status: 'budgetLimited' });
    expect(limited.status).toBe('budgetLimited');
    const writes = store.goalWrites.length;
    clock.advance(42_000);
    await t.setGoal({ objective: 'Keep the docs in sync', status: 'complete' });
    // Nothing was settled before the change: the only write is the completed goal, time unchanged.
    expect(store.goalWrites.slice(writes)).toEqual([{ status: 'complete', tokensUsed: 320, timeUsedSeconds: 0 }]);
  });
});

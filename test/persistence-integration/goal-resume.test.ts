/**
 * Durable goals across resume (SPEC §7.1, seed 003 `apply_goal_resume_runtime_effects` /
 * `continue_active_goal_if_idle`): the resumed goal machine starts in the stored status, a paused
 * goal stays paused (seed 003's version; the REF behaviour is an option), and an active goal
 * continues only when the host asks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { JsonlThreadStore } from '../../src/persistence/index.js';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { controllableTask } from '../runtime/harness.js';
import { cleanUp, freshHome, open, type Opened } from './support.js';

afterEach(cleanUp);

const usage = (input: number, output: number) => ({ input_tokens: input, cached_input_tokens: 0, output_tokens: output, reasoning_output_tokens: 0, total_tokens: input + output });
const goalUpdates = (s: Opened) => s.log.ofType('thread_goal_updated').map((u) => `${u.turnId ?? 'idle'}:${u.goal.status}`);

/** Sets a goal during a host task, interrupts the task (the goal pauses), shuts down. */
async function interruptedGoalThread(home: string) {
  const first = await open({ home });
  const task = controllableTask('work');
  await first.thread.spawnTask(task.task, null);
  await task.started;
  await first.thread.setGoal({ objective: 'Port the parser', token_budget: 9_000 });
  await first.thread.submit({ type: 'interrupt' });
  await first.thread.whenProcessed();
  const paused = first.thread.getGoal();
  expect(paused).toMatchObject({ status: 'paused', objective: 'Port the parser', tokenBudget: 9_000 });
  await first.thread.shutdown();
  return { threadId: first.thread.id, paused };
}

describe('goals after resume', () => {
  it('an interrupted turn leaves a paused goal, and it is still paused after resume (seed 003): no event, no turn', async () => {
    const home = await freshHome();
    const { threadId, paused } = await interruptedGoalThread(home);
    expect(await new JsonlThreadStore({ home }).readGoal(threadId)).toEqual(paused);

    const resumed = await open({ home, resume: { threadId } });
    await resumed.thread.whenProcessed();
    expect(resumed.thread.getGoal()).toEqual(paused);
    expect(resumed.thread.actor.getSnapshot().children.goal?.getSnapshot().value).toBe('paused');
    expect(goalUpdates(resumed)).toEqual([]);
    expect(await resumed.thread.continueActiveGoalIfIdle()).toBeNull();
    expect(resumed.log.ofType('task_started')).toEqual([]);
  });

  it('with reactivatePausedGoalOnResume (REF §7.2) the paused goal becomes active, announced once and stored', async () => {
    const home = await freshHome();
    const { threadId, paused } = await interruptedGoalThread(home);
    const resumed = await open({ home, resume: { threadId }, reactivatePausedGoalOnResume: true });
    await resumed.thread.whenProcessed();
    expect(resumed.log.types().slice(0, 2)).toEqual(['session_configured', 'thread_goal_updated']);
    expect(goalUpdates(resumed)).toEqual(['idle:active']);
    expect(resumed.thread.getGoal()).toMatchObject({ goalId: paused?.goalId, status: 'active', tokensUsed: paused?.tokensUsed });
    expect(await new JsonlThreadStore({ home }).readGoal(threadId)).toMatchObject({ status: 'active' });
    // Still no turn at start-up: continuing is the host's call.
    expect(resumed.log.ofType('task_started')).toEqual([]);
  });

  it('an active goal never continues at start-up; continueActiveGoalIfIdle starts the continuation turn', async () => {
    const home = await freshHome();
    const model = scriptedModel([scriptedTurn.reply('step one', { usage: usage(200, 30) })]);
    const first = await open({ home, model });
    await first.thread.setGoal({ objective: 'Write the changelog' });
    await first.log.untilType('task_complete');
    await first.thread.whenProcessed();
    const stored = first.thread.getGoal();
    expect(stored).toMatchObject({ status: 'active', tokensUsed: 230 });
    await first.thread.shutdown();

    const next = scriptedModel([scriptedTurn.reply('step two', { usage: usage(100, 20) })]);
    const resumed = await open({ home, model: next, resume: { threadId: first.thread.id } });
    await resumed.thread.whenProcessed();
    await new Promise((r) => setTimeout(r, 20));
    expect(resumed.log.ofType('task_started')).toEqual([]);
    expect(resumed.thread.getGoal()).toEqual(stored);

    const turnId = await resumed.thread.continueActiveGoalIfIdle();
    expect(turnId).not.toBeNull();
    await resumed.log.untilType('task_complete', { id: turnId ?? '' });
    await resumed.thread.whenProcessed();
    const prompt = next.requests[0]?.input.at(-1) as { role: string; content: Array<{ text: string }> };
    expect(prompt.role).toBe('developer');
    expect(prompt.content[0]?.text).toContain('Tokens used so far: 230');
    // Usage continues from the stored value: 230 + 120, not 120 and not 230 + 350.
    expect(resumed.thread.getGoal()).toMatchObject({ goalId: stored?.goalId, tokensUsed: 350 });
  });

  it('a fork starts without the source goal', async () => {
    const home = await freshHome();
    const { threadId } = await interruptedGoalThread(home);
    const forked = await open({ home, fork: { threadId, interrupted: true } });
    await forked.thread.whenProcessed();
    expect(forked.thread.getGoal()).toBeNull();
    expect(await new JsonlThreadStore({ home }).readGoal(forked.thread.id)).toBeNull();
    expect((await new JsonlThreadStore({ home }).readGoal(threadId))?.status).toBe('paused');
  });
});

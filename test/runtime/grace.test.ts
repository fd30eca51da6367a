import { afterEach, describe, expect, it } from 'vitest';
import { GRACEFUL_INTERRUPTION_TIMEOUT_MS, TURN_ABORTED_MARKER_TEXT, type Thread } from 'turnstate';
import { controllableTask, flushAsync, historyTexts, threadWithSimulatedClock } from './harness.js';
import { turnActorId } from '../../machines/actor-ids.js';

let thread: Thread | null = null;
afterEach(async () => {
  await thread?.shutdown();
  thread = null;
});

describe('grace period on a simulated clock (§4.1, §14.6)', () => {
  it('force-stops a task that ignores its signal exactly 100 ms after the interrupt; its late result never surfaces', async () => {
    const setup = await threadWithSimulatedClock();
    thread = setup.thread;
    const { sim, log } = setup;
    const t = controllableTask('stubborn', 'nonCooperative');
    const turnId = await thread.spawnTask(t.task, null);
    await t.started;
    const interruptedAt = sim.now();
    await thread.submit({ type: 'interrupt' });
    let abortedAt: number | null = null;
    for (let elapsed = 0; elapsed <= 200 && abortedAt === null; elapsed++) {
      await flushAsync(3);
      if (thread.view.getSnapshot().context.status === 'interrupted') abortedAt = sim.now();
      else sim.increment(1);
    }
    expect(t.state.aborted).toBe(true);
    expect(GRACEFUL_INTERRUPTION_TIMEOUT_MS).toBe(100);
    expect(abortedAt! - interruptedAt).toBeGreaterThanOrEqual(80);
    expect(abortedAt! - interruptedAt).toBeLessThanOrEqual(120);
    t.finish('late result');
    await flushAsync(5);
    await log.untilType('turn_aborted', { id: turnId });
    expect(log.types({ id: turnId })).toEqual(['task_started', 'turn_aborted']);
    expect(log.ofType('turn_aborted')[0]?.duration_ms).toBe(abortedAt! - interruptedAt);
    expect(historyTexts(thread)).toEqual([TURN_ABORTED_MARKER_TEXT]);
    expect(JSON.stringify(log.events)).not.toContain('late');
  });

  it('a cooperative task ends the abort without waiting for the grace timer', async () => {
    const setup = await threadWithSimulatedClock();
    thread = setup.thread;
    const t = controllableTask('polite', 'cooperative');
    const turnId = await thread.spawnTask(t.task, null);
    await t.started;
    const before = setup.sim.now();
    await thread.submit({ type: 'interrupt' });
    await thread.whenProcessed();
    expect(setup.sim.now()).toBe(before);
    await setup.log.untilType('turn_aborted', { id: turnId });
    const task = (thread.actor.getSnapshot().children as Record<string, unknown>)[turnActorId(turnId)];
    expect(task).toBeUndefined();
  });
});

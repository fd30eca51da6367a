/**
 * The task machine alone, with a logging fake runner and a SimulatedClock: finish, failure,
 * cancel within the 100 ms grace, force-stop after it, and a runner that throws.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, SimulatedClock } from 'xstate';
import type { RunnerEvent, TurnSpec } from '../../machines/contracts.js';
import { GRACEFUL_INTERRUPTION_TIMEOUT_MS, taskMachine } from '../../machines/task.machine.js';
import { coded } from './fakes.js';

const spec: TurnSpec = { turnId: 't1', kind: 'regular', steerable: true, announcesStart: true };

function fakeTask(behaviour: { onCancel?: 'finish' | 'ignore' | 'throw'; throwOnStart?: boolean } = {}) {
  const log: string[] = [];
  const runner: { send: (e: RunnerEvent) => void } = { send: () => {} };
  const machine = taskMachine.provide({
    actors: {
      runTask: fromCallback<{ type: 'CANCEL' }, TurnSpec, RunnerEvent>(({ sendBack, receive, input }) => {
        log.push(`run ${input.turnId}`);
        if (behaviour.throwOnStart) throw coded('runner_broken', 'runner failed to start');
        runner.send = sendBack;
        receive(() => {
          log.push('cancel');
          if (behaviour.onCancel === 'finish') sendBack({ type: 'runner.finished', lastAgentMessage: 'stopped' });
          if (behaviour.onCancel === 'throw') throw coded('cancel_broken', 'cancel handler threw');
        });
        return () => log.push('runner stopped');
      }),
    },
  });
  const clock = new SimulatedClock();
  const actor = createActor(machine, { input: spec, clock });
  actor.subscribe({ complete: () => log.push(`done ${actor.getSnapshot().output?.status}`) });
  actor.start();
  return { actor, log, clock, runner };
}

describe('task machine', () => {
  it('finishes with the runner’s last message', () => {
    const t = fakeTask();
    t.runner.send({ type: 'runner.finished', lastAgentMessage: 'bye' });
    expect(t.actor.getSnapshot().output).toEqual({ status: 'finished', lastAgentMessage: 'bye', error: null });
    expect(t.log).toEqual(['run t1', 'runner stopped', 'done finished']);
  });

  it('fails with the runner’s error', () => {
    const t = fakeTask();
    t.runner.send({ type: 'runner.failed', error: { code: 'model_failed', message: 'bad gateway' } });
    expect(t.actor.getSnapshot().value).toBe('failed');
    expect(t.actor.getSnapshot().output?.error).toEqual({ code: 'model_failed', message: 'bad gateway' });
  });

  it('a cancelled runner that stops within the grace period is cancelled', () => {
    const t = fakeTask({ onCancel: 'finish' });
    t.actor.send({ type: 'CANCEL' });
    expect(t.actor.getSnapshot().output).toEqual({ status: 'cancelled', lastAgentMessage: 'stopped', error: null });
    expect(t.log).toEqual(['run t1', 'cancel', 'runner stopped', 'done cancelled']);
  });

  it('a runner that ignores the cancel is force-stopped exactly when the grace period ends', () => {
    const t = fakeTask({ onCancel: 'ignore' });
    t.actor.send({ type: 'CANCEL' });
    t.clock.increment(GRACEFUL_INTERRUPTION_TIMEOUT_MS - 1);
    expect(t.actor.getSnapshot().value).toBe('cancelling');
    t.clock.increment(1);
    expect(t.actor.getSnapshot().value).toBe('forceStopped');
    // A late report after the force-stop changes nothing.
    t.runner.send({ type: 'runner.finished', lastAgentMessage: 'late' });
    expect(t.actor.getSnapshot().output).toEqual({ status: 'forceStopped', lastAgentMessage: null, error: null });
    expect(t.log).toEqual(['run t1', 'cancel', 'runner stopped', 'done forceStopped']);
  });

  it('a runner that throws settles the task as failed with { code, message }', () => {
    const t = fakeTask({ throwOnStart: true });
    expect(t.actor.getSnapshot().value).toBe('failed');
    expect(t.actor.getSnapshot().output).toEqual({ status: 'failed', lastAgentMessage: null, error: { code: 'runner_broken', message: 'runner failed to start' } });
    expect(t.log).toEqual(['run t1', 'done failed']);
  });

  it('a runner that throws while cancelling settles the task as cancelled with the error', () => {
    const t = fakeTask({ onCancel: 'throw' });
    t.actor.send({ type: 'CANCEL' });
    expect(t.actor.getSnapshot().output).toEqual({ status: 'cancelled', lastAgentMessage: null, error: { code: 'cancel_broken', message: 'cancel handler threw' } });
    expect(t.log).toEqual(['run t1', 'cancel', 'done cancelled']);
  });
});

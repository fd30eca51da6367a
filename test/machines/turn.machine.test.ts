/**
 * The turn machine alone, with logging fakes and a SimulatedClock: the literal order of its
 * completion and abort steps, the grace period, and every failure state (an effect that
 * rejects is recorded in `failures` and the same next step runs).
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, setup, SimulatedClock } from 'xstate';
import type { RunnerEvent, TurnSpec } from '../../machines/contracts.js';
import { taskMachine } from '../../machines/task.machine.js';
import { turnMachine } from '../../machines/turn.machine.js';
import { fakeTurn, settle } from './fakes.js';

describe('turn machine', () => {
  it('completes: flush → pending input → goal settlement → task_complete', async () => {
    const t = fakeTurn();
    await settle();
    // Input steered after the task's last request is left pending: the turn records it at its end.
    t.actor.send({ type: 'STEER', items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'late' }] }] });
    t.finish('bye');
    await settle();
    expect(t.log).toEqual(['snapshot', 'task_started', 'flush', 'pendingInput', 'goalSettlement', 'task_complete bye']);
    expect(t.actor.getSnapshot().output).toEqual({ turnId: 't1', outcome: 'completed', reason: null, lastAgentMessage: 'bye' });
    expect(t.actor.getSnapshot().context.failures).toEqual([]);
  });

  it('with no pending input left, completion skips that step (and its state)', async () => {
    const t = fakeTurn();
    const states: string[] = [];
    t.actor.subscribe((s) => states.push(JSON.stringify(s.value)));
    await settle();
    t.finish('bye');
    await settle();
    expect(t.log).toEqual(['snapshot', 'task_started', 'flush', 'goalSettlement', 'task_complete bye']);
    expect(states).not.toContain(JSON.stringify({ completing: 'recordingPendingInput' }));
    expect(t.actor.getSnapshot().output).toMatchObject({ outcome: 'completed', lastAgentMessage: 'bye' });
  });

  it('interrupt order: cancel → grace → abort hook → goal settlement → marker → flush → turn_aborted → clear approvals', async () => {
    const t = fakeTurn({ onCancel: 'ignore' });
    await settle();
    t.actor.send({ type: 'APPROVAL.REQUEST', approvalId: 'a1', kind: 'exec' });
    t.actor.send({ type: 'ABORT', reason: 'interrupted' });
    await settle();
    expect(t.log).toEqual(['snapshot', 'task_started', 'cancel']);
    // The task ignores the cancel: nothing moves until the 100 ms grace ends.
    t.clock.increment(99);
    await settle();
    expect(t.actor.getSnapshot().value).toEqual({ aborting: 'awaitingGrace' });
    t.clock.increment(1);
    await settle();
    expect(t.log).toEqual([
      'snapshot',
      'task_started',
      'cancel',
      'abortHook',
      'goalSettlement interrupted',
      'marker',
      'flush',
      'turn_aborted interrupted',
      'approval a1 cleared',
    ]);
    expect(t.actor.getSnapshot().output).toMatchObject({ outcome: 'aborted', reason: 'interrupted' });
  });

  it('a task without an abort hook skips that step; the rest of the order stands', async () => {
    const t = fakeTurn({ spec: { abortHook: false } });
    const states: string[] = [];
    t.actor.subscribe((s) => states.push(JSON.stringify(s.value)));
    await settle();
    t.actor.send({ type: 'APPROVAL.REQUEST', approvalId: 'a1', kind: 'exec' });
    t.actor.send({ type: 'ABORT', reason: 'interrupted' });
    await settle();
    expect(t.log).toEqual(['snapshot', 'task_started', 'cancel', 'goalSettlement interrupted', 'marker', 'flush', 'turn_aborted interrupted', 'approval a1 cleared']);
    expect(states).not.toContain(JSON.stringify({ aborting: 'runningAbortHook' }));
    expect(t.actor.getSnapshot().output).toMatchObject({ outcome: 'aborted', reason: 'interrupted' });
  });

  it('a replaced turn records no marker and flushes nothing', async () => {
    const t = fakeTurn();
    await settle();
    t.actor.send({ type: 'ABORT', reason: 'replaced' });
    await settle();
    expect(t.log).toEqual(['snapshot', 'task_started', 'cancel', 'abortHook', 'goalSettlement replaced', 'turn_aborted replaced']);
  });

  it('every failing completion step is recorded and passes through its failure state', async () => {
    const states: string[] = [];
    const t = fakeTurn({ fail: ['flushRecorder', 'recordPendingInput', 'settleGoalOnFinish'] });
    t.actor.subscribe((s) => states.push(JSON.stringify(s.value)));
    await settle();
    t.actor.send({ type: 'STEER', items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'late' }] }] });
    t.finish('bye');
    await settle();
    expect(t.log).toEqual(['snapshot', 'task_started', 'flush', 'pendingInput', 'goalSettlement', 'task_complete bye']);
    expect(t.actor.getSnapshot().context.failures).toEqual([
      { step: 'completing.flushing', code: 'flushRecorder_broken', message: 'flushRecorder failed' },
      { step: 'completing.recordingPendingInput', code: 'recordPendingInput_broken', message: 'recordPendingInput failed' },
      { step: 'completing.settlingGoal', code: 'settleGoalOnFinish_broken', message: 'settleGoalOnFinish failed' },
    ]);
    expect(t.actor.getSnapshot().output).toMatchObject({ outcome: 'completed', lastAgentMessage: 'bye' });
  });

  it('every failing abort step is recorded; the abort still ends with turn_aborted', async () => {
    const t = fakeTurn({ fail: ['taskAbortHook', 'settleGoalOnAbort', 'recordInterruptMarker', 'flushRecorder'] });
    await settle();
    t.actor.send({ type: 'ABORT', reason: 'interrupted' });
    await settle();
    expect(t.log).toEqual(['snapshot', 'task_started', 'cancel', 'abortHook', 'goalSettlement interrupted', 'marker', 'flush', 'turn_aborted interrupted']);
    expect(t.actor.getSnapshot().context.failures.map((f) => `${f.step} ${f.code}`)).toEqual([
      'aborting.runningAbortHook taskAbortHook_broken',
      'aborting.settlingGoal settleGoalOnAbort_broken',
      'aborting.recordingMarker recordInterruptMarker_broken',
      'aborting.flushing flushRecorder_broken',
    ]);
    // Failures are plain JSON (no Error objects).
    expect(JSON.parse(JSON.stringify(t.actor.getSnapshot().context.failures))).toEqual(t.actor.getSnapshot().context.failures);
  });

  it('a failed goal settlement on a replaced abort skips the marker as on success', async () => {
    const t = fakeTurn({ fail: ['settleGoalOnAbort'] });
    await settle();
    t.actor.send({ type: 'ABORT', reason: 'replaced' });
    await settle();
    expect(t.log).toEqual(['snapshot', 'task_started', 'cancel', 'abortHook', 'goalSettlement replaced', 'turn_aborted replaced']);
  });

  it('a failed task reports its error before task_complete', async () => {
    const t = fakeTurn();
    await settle();
    t.failTask('model_failed');
    await settle();
    expect(t.log).toEqual(['snapshot', 'task_started', 'error model_failed', 'flush', 'goalSettlement', 'task_complete -']);
  });

  it('steered input queues while running; approvals resolve in order; unknown ids warn', async () => {
    const t = fakeTurn();
    await settle();
    t.actor.send({ type: 'STEER', items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'more' }] }] });
    expect(t.actor.getSnapshot().context.pendingInput).toHaveLength(1);
    t.actor.send({ type: 'APPROVAL.REQUEST', approvalId: 'a1', kind: 'exec' });
    t.actor.send({ type: 'APPROVAL.REQUEST', approvalId: 'a1', kind: 'exec' });
    t.actor.send({ type: 'APPROVAL.DECIDE', approvalId: 'a1', decision: 'approved' });
    t.actor.send({ type: 'APPROVAL.DECIDE', approvalId: 'zz', decision: 'approved' });
    t.startTool('1');
    await settle();
    t.finish(null);
    await settle();
    expect(t.log).toEqual([
      'snapshot',
      'task_started',
      'warn duplicate approval a1',
      'approval a1 approved',
      'warn unknown approval zz',
      'runTool c1',
      'flush',
      'pendingInput',
      'goalSettlement',
      'task_complete -',
    ]);
  });

  it('a task actor that errors settles as a failed task: error event, then the usual completion', async () => {
    const log: string[] = [];
    const step = <I extends { turnId: string }>(name: string) => fromPromise<void, I>(async () => void log.push(name));
    // A task machine that crashes 10 ms in (an action throws).
    const crashing = setup({}).createMachine({
      after: {
        10: {
          actions: () => {
            throw Object.assign(new Error('task machine crashed'), { code: 'task_crashed' });
          },
        },
      },
    });
    const machine = turnMachine.provide({
      actors: {
        task: crashing as never,
        ghostSnapshot: step('snapshot'),
        flushRecorder: step('flush'),
        recordPendingInput: step('pendingInput'),
        settleGoalOnFinish: step('goalSettlement'),
      },
      actions: {
        emitTaskError: (_, p) => log.push(`error ${p.error.code} ${p.error.message}`),
        emitTurnComplete: (_, p) => log.push(`task_complete ${p.lastAgentMessage ?? '-'}`),
      },
    });
    const clock = new SimulatedClock();
    const actor = createActor(machine, { clock, input: { turnId: 't1', kind: 'regular', steerable: true, announcesStart: false } }).start();
    await settle();
    clock.increment(10);
    await settle();
    expect(log).toEqual(['snapshot', 'error task_crashed task machine crashed', 'flush', 'goalSettlement', 'task_complete -']);
    expect(actor.getSnapshot().context.task).toEqual({ status: 'failed', lastAgentMessage: null, error: { code: 'task_crashed', message: 'task machine crashed' } });
  });

  it('keeps its own data: start time from its input, first token and tool-call count from its events', async () => {
    const log: string[] = [];
    const runner: { send: (e: RunnerEvent) => void } = { send: () => {} };
    const done = fromPromise<void, { turnId: string }>(async () => {});
    const machine = turnMachine.provide({
      actors: {
        task: taskMachine.provide({
          actors: { runTask: fromCallback<{ type: 'CANCEL' }, TurnSpec, RunnerEvent>(({ sendBack }) => void (runner.send = sendBack)) },
        }),
        ghostSnapshot: fromPromise<void, { turnId: string; takes: boolean }>(async ({ input }) => void log.push(`snapshot takes=${input.takes}`)),
        flushRecorder: done,
        recordPendingInput: done,
        settleGoalOnFinish: fromPromise<void, { turnId: string; toolCalls: number }>(async ({ input }) => void log.push(`goalSettlement toolCalls=${input.toolCalls}`)),
      },
      actions: {
        emitTurnComplete: (_, p) => log.push(`task_complete startedAt=${p.startedAt} firstTokenAt=${p.firstTokenAt}`),
      },
    });
    const input: TurnSpec = { turnId: 't1', kind: 'regular', steerable: true, announcesStart: false, startedAt: 1_000, continuation: true };
    const actor = createActor(machine, { clock: new SimulatedClock(), input }).start();
    actor.send({ type: 'TURN.FIRST_TOKEN', at: 1_250 });
    actor.send({ type: 'TURN.FIRST_TOKEN', at: 1_300 }); // only the first one counts
    actor.send({ type: 'TOOL_CALL.COUNT' });
    actor.send({ type: 'TOOL_CALL.COUNT' });
    expect(actor.getSnapshot().context).toMatchObject({ firstTokenAt: 1_250, toolCallCount: 2, spec: { startedAt: 1_000, continuation: true } });
    await settle();
    runner.send({ type: 'runner.finished', lastAgentMessage: null });
    await settle();
    expect(log).toEqual(['snapshot takes=false', 'goalSettlement toolCalls=2', 'task_complete startedAt=1000 firstTokenAt=1250']);
  });
});

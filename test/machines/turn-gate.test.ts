/**
 * The turn's readiness gate, on the pure machine with logging fakes and a SimulatedClock:
 * tool calls wait in `awaitingGate` while the ghost snapshot is taken, the turn completes only
 * after it, and the gate opens on snapshot done, failure, time limit or abort.
 */
import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, SimulatedClock, type AnyActorRef } from 'xstate';
import type { RunnerEvent, TurnSpec } from '../../machines/contracts.js';
import { taskMachine } from '../../machines/task.machine.js';
import { toolCallMachine } from '../../machines/tool-call.machine.js';
import { turnMachine } from '../../machines/turn.machine.js';
import { noopCall } from './fakes.js';
import { toolCallActorId } from '../../machines/actor-ids.js';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

function setup(spec: Partial<TurnSpec> = {}) {
  const log: string[] = [];
  const snapshot = deferred();
  let finishTask: (message: string) => void = () => {};
  const done = async (name: string) => {
    log.push(name);
  };
  const machine = turnMachine.provide({
    actors: {
      task: taskMachine.provide({
        actors: {
          runTask: fromCallback<{ type: 'CANCEL' }, TurnSpec, RunnerEvent>(({ sendBack, receive }) => {
            finishTask = (message) => sendBack({ type: 'runner.finished', lastAgentMessage: message });
            receive(() => sendBack({ type: 'runner.finished', lastAgentMessage: null }));
          }),
        },
      }),
      toolCall: toolCallMachine.provide({
        actors: {
          runTool: fromPromise(async ({ input }) => {
            log.push(`runTool:${input.callId}`);
            return { type: 'function_call_output', call_id: input.callId, output: 'ok' } as const;
          }),
        },
      }),
      ghostSnapshot: fromPromise(async ({ signal }) => {
        log.push('snapshot:start');
        signal.addEventListener('abort', () => log.push('snapshot:stopped'));
        await snapshot.promise;
        log.push('snapshot:done');
      }),
      flushRecorder: fromPromise(() => done('flush')),
      recordPendingInput: fromPromise(() => done('recordPendingInput')),
      settleGoalOnFinish: fromPromise(() => done('settleGoal')),
      taskAbortHook: fromPromise(() => done('abortHook')),
      settleGoalOnAbort: fromPromise(() => done('settleGoalOnAbort')),
      recordInterruptMarker: fromPromise(() => done('marker')),
    },
    actions: {
      emitTurnStarted: () => log.push('task_started'),
      emitTurnComplete: () => log.push('task_complete'),
      emitTurnAborted: () => log.push('turn_aborted'),
      emitTaskError: () => log.push('error'),
      warnSnapshotSlow: (_, p) => log.push(`warn:slow:${p.limitMs}`),
      warnSnapshotFailed: (_, p) => log.push(`warn:failed:${p.error.message}`),
    },
  });
  const clock = new SimulatedClock();
  const actor = createActor(machine, {
    clock,
    input: { turnId: 't1', kind: 'regular', steerable: true, announcesStart: true, ghostSnapshotLimitMs: 240_000, ...spec },
  });
  actor.start();
  const toolState = (key: string) => (actor.getSnapshot().children[toolCallActorId(key)] as AnyActorRef | undefined)?.getSnapshot().value;
  const startTool = (key: string) => actor.send({ type: 'TOOL.START', call: { key, callId: `c${key}`, name: 'noop', turnId: 't1', item: noopCall(`c${key}`) } });
  return { actor, log, snapshot, clock, toolState, startTool, finishTask: (m: string) => finishTask(m) };
}

describe('turn readiness gate', () => {
  it('holds tool calls until the snapshot is taken, and completes after it', async () => {
    const t = setup();
    expect(t.actor.getSnapshot().value).toEqual({ running: 'snapshotting' });
    t.startTool('1');
    await flush();
    expect(t.toolState('1')).toBe('awaitingGate');
    expect(t.log).toEqual(['snapshot:start', 'task_started']);
    t.snapshot.resolve();
    await flush();
    expect(t.actor.getSnapshot().value).toEqual({ running: 'toolsReady' });
    t.startTool('2'); // after the gate opened: runs at once
    await flush();
    t.finishTask('bye');
    await flush();
    expect(t.log).toEqual(['snapshot:start', 'task_started', 'snapshot:done', 'runTool:c1', 'runTool:c2', 'flush', 'settleGoal', 'task_complete']);
    expect(t.actor.getSnapshot().status).toBe('done');
  });

  it('a task that finishes first still waits for the snapshot before completing', async () => {
    const t = setup();
    t.finishTask('quick');
    await flush();
    expect(t.actor.getSnapshot().value).toEqual({ running: 'snapshotting' });
    t.snapshot.resolve();
    await flush();
    expect(t.log).toEqual(['snapshot:start', 'task_started', 'snapshot:done', 'flush', 'settleGoal', 'task_complete']);
  });

  it('over the time limit: warns, stops the snapshot, and lets the tools go on', async () => {
    const t = setup({ ghostSnapshotLimitMs: 5_000 });
    t.startTool('1');
    await flush();
    t.clock.increment(4_999);
    await flush();
    expect(t.toolState('1')).toBe('awaitingGate');
    t.clock.increment(1);
    await flush();
    expect(t.log).toEqual(['snapshot:start', 'task_started', 'warn:slow:5000', 'runTool:c1', 'snapshot:stopped']);
  });

  it('a failed snapshot warns and opens the gate', async () => {
    const t = setup();
    t.startTool('1');
    t.snapshot.reject(new Error('git add failed'));
    await flush();
    expect(t.log).toEqual(['snapshot:start', 'task_started', 'warn:failed:git add failed', 'runTool:c1']);
  });

  it('an abort while snapshotting stops the snapshot and releases waiting calls', async () => {
    const t = setup();
    t.startTool('1');
    await flush();
    t.actor.send({ type: 'ABORT', reason: 'interrupted' });
    await flush();
    expect(t.log.slice(0, 4)).toEqual(['snapshot:start', 'task_started', 'runTool:c1', 'snapshot:stopped']);
    expect(t.log).toContain('turn_aborted');
  });

  it('a turn without a snapshot limit never waits on the clock', async () => {
    const t = setup({ ghostSnapshotLimitMs: null });
    t.startTool('1');
    t.snapshot.resolve(); // the effect returns at once for such turns
    await flush();
    expect(t.log).toEqual(['snapshot:start', 'task_started', 'snapshot:done', 'runTool:c1']);
  });
});

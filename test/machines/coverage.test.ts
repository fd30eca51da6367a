/**
 * Every state of every machine is reached by some scenario. The state lists come from
 * `xstate/graph` (`toDirectedGraph`); the visited states come from the inspection API
 * (snapshots and microsteps), so transient states count too. Machine delays run on a
 * SimulatedClock (no scenario waits on a real timeout); failure states are reached with
 * failing fakes provided to the pure machines.
 */
import { describe, expect, it } from 'vitest';
import { toDirectedGraph, type DirectedGraphNode } from 'xstate/graph';
import { createActor, fromCallback, fromPromise, SimulatedClock, waitFor, type AnyActorRef, type AnyStateMachine, type InspectionEvent, type StateValue } from 'xstate';
import { z } from 'zod';
import { createThread, defineTool, type SessionTask, type Thread } from 'turnstate';
import { scriptedModel, scriptedTurn } from 'turnstate/testing';
import { approvalMachine } from '../../machines/approval.machine.js';
import { goalMachine } from '../../machines/goal.machine.js';
import { recorderMachine } from '../../machines/recorder.machine.js';
import { toolCallMachine } from '../../machines/tool-call.machine.js';
import { taskMachine } from '../../machines/task.machine.js';
import { threadMachine } from '../../machines/thread.machine.js';
import { turnMachine } from '../../machines/turn.machine.js';
import { controllableTask, EventLog, flushAsync } from '../runtime/harness.js';
import type { RunnerEvent, TurnSpec } from '../../machines/contracts.js';
import { coded, fakeTurn, settle } from './fakes.js';
import { turnActorId } from '../../machines/actor-ids.js';

const machines: AnyStateMachine[] = [threadMachine, turnMachine, taskMachine, approvalMachine, goalMachine, recorderMachine, toolCallMachine];

function allStates(machine: AnyStateMachine): string[] {
  const out: string[] = [];
  const walk = (node: DirectedGraphNode) => {
    if (node.stateNode.path.length > 0) out.push(node.stateNode.path.join('.'));
    node.children.forEach(walk);
  };
  walk(toDirectedGraph(machine));
  return out.sort();
}

function paths(value: StateValue, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...(v ? paths(v as StateValue, `${prefix}${k}.`) : [])]);
}

const visited = new Map<string, Set<string>>();
function inspect(ev: InspectionEvent): void {
  if (ev.type !== '@xstate.snapshot' && ev.type !== '@xstate.microstep') return;
  const snap = ev.snapshot as { machine?: { id: string }; value?: StateValue };
  if (!snap.machine || snap.value === undefined) return;
  const set = visited.get(snap.machine.id) ?? new Set<string>();
  for (const p of paths(snap.value)) set.add(p);
  visited.set(snap.machine.id, set);
}

/** A task that asks for one approval per id and then finishes. */
const asker = (id: string): SessionTask<null> => ({
  kind: 'asker',
  async run(ctx) {
    await ctx.requestApproval({ approvalId: id, kind: 'exec' });
    return 'decided';
  },
});

/** Resolves once the turn holds the approval (no timer: waits on the turn's snapshots). */
async function approvalPending(thread: Thread, turnId: string, approvalId: string): Promise<void> {
  await flushAsync();
  const turn = thread.actor.getSnapshot().children[turnActorId(turnId)] as AnyActorRef | undefined;
  if (!turn) throw new Error(`turn ${turnId} is not running`);
  await waitFor(turn, (s: { context: { approvals: Record<string, unknown> } }) => approvalId in s.context.approvals);
}

async function decide(thread: Thread, log: EventLog, id: string, decision: 'approved' | 'approved_for_session' | 'denied' | 'timed_out') {
  const turnId = await thread.spawnTask(asker(id), null);
  await approvalPending(thread, turnId, id);
  await thread.submit({ type: 'exec_approval', id, decision });
  await log.untilType('task_complete', { id: turnId });
}

describe('state coverage', () => {
  it('reaches every state of every machine', async () => {
    const sim = new SimulatedClock();
    const thread = await createThread({ cwd: '/tmp', inspect, actorClock: sim });
    const log = new EventLog(thread);
    for (const d of ['approved', 'approved_for_session', 'denied', 'timed_out'] as const) await decide(thread, log, `a-${d}`, d);
    // Abort decision, then an interrupt with an approval pending (cleared).
    await approvalPending(thread, await thread.spawnTask(asker('a-abort'), null), 'a-abort');
    await thread.submit({ type: 'exec_approval', id: 'a-abort', decision: 'abort' });
    await thread.whenProcessed();
    await approvalPending(thread, await thread.spawnTask(asker('a-clear'), null), 'a-clear');
    await thread.submit({ type: 'interrupt' });
    await thread.whenProcessed();
    // A failing task, a replaced one, a force-stopped one.
    await thread.spawnTask({ kind: 'broken', run: () => Promise.reject(new Error('boom')) }, null);
    await log.untilType('error');
    await thread.whenProcessed();
    const first = controllableTask('first');
    await thread.spawnTask(first.task, null);
    const stubborn = controllableTask('stubborn', 'nonCooperative');
    await thread.spawnTask(stubborn.task, null);
    await stubborn.started;
    await thread.submit({ type: 'interrupt' });
    await flushAsync();
    sim.increment(100); // the grace period ends: the stubborn task is force-stopped
    await thread.whenProcessed();
    stubborn.finish();
    // Goals through every status.
    await thread.setGoal({ objective: 'g', status: 'paused' });
    await thread.setGoal({ objective: 'g', status: 'budgetLimited', token_budget: 1 });
    await thread.setGoal({ objective: 'g', status: 'complete' });
    await thread.setGoal({ objective: 'g2' });
    await thread.whenProcessed();
    // A model turn with a tool call (the toolCall actor).
    const noop = defineTool({ name: 'noop', description: 'does nothing', parameters: z.object({}), execute: () => 'ok' });
    const model = scriptedModel([scriptedTurn.functionCall('c1', 'noop', '{}'), scriptedTurn.reply('done')]);
    const modelThread = await createThread({ cwd: '/tmp', inspect, ephemeral: true, model, tools: [noop], builtinTools: false });
    const modelLog = new EventLog(modelThread);
    await modelThread.submit({ type: 'user_input', items: [{ type: 'text', text: 'go' }] });
    await modelLog.untilType('task_complete');
    await modelThread.shutdown();
    // Shutdown while a turn runs.
    const last = controllableTask('last');
    await thread.spawnTask(last.task, null);
    await last.started;
    await thread.shutdown();

    await failureScenarios();

    if (process.env.SHOW_COVERAGE) for (const m of machines) console.log(m.id, allStates(m).join(" "));
    for (const machine of machines) {
      const seen = [...(visited.get(machine.id) ?? [])].sort();
      expect({ machine: machine.id, missing: allStates(machine).filter((s) => !seen.includes(s)) }).toEqual({ machine: machine.id, missing: [] });
    }
  });
});

/** The failure states, reached on the pure machines with failing fakes. */
async function failureScenarios(): Promise<void> {
  // Every completion step fails, then every abort step fails; a tool runner rejects.
  const completing = fakeTurn({ inspect, fail: ['flushRecorder', 'recordPendingInput', 'settleGoalOnFinish', 'runTool'] });
  completing.startTool('1');
  await settle();
  // Input left pending at the end: the turn records it (and that step fails too).
  completing.actor.send({ type: 'STEER', items: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'late' }] }] });
  completing.finish('done');
  const aborting = fakeTurn({ inspect, fail: ['taskAbortHook', 'settleGoalOnAbort', 'recordInterruptMarker', 'flushRecorder'] });
  await settle();
  aborting.actor.send({ type: 'ABORT', reason: 'interrupted' });
  await settle();
  expect(completing.actor.getSnapshot().status).toBe('done');
  expect(aborting.actor.getSnapshot().status).toBe('done');
  // A task runner that throws.
  const thrower = taskMachine.provide({
    actors: {
      runTask: fromCallback<{ type: 'CANCEL' }, TurnSpec, RunnerEvent>(() => {
        throw coded('runner_broken', 'runner failed');
      }),
    },
  });
  const task = createActor(thrower, { inspect, input: { turnId: 't', kind: 'regular', steerable: true, announcesStart: true } }).start();
  expect(task.getSnapshot().value).toBe('failed');
  // The recorder: a write that fails, then a close that fails.
  const recorder = createActor(
    recorderMachine.provide({
      actors: {
        recorderOp: fromPromise(async () => Promise.reject(coded('disk_full', 'no space'))),
        closeRecorder: fromPromise(async () => Promise.reject(coded('disk_full', 'no space'))),
      },
    }),
    { inspect, input: { materialized: false } },
  ).start();
  recorder.send({ type: 'REQUEST', request: { requestId: 1, kind: 'flush' } });
  recorder.send({ type: 'SHUTDOWN' });
  await settle();
  expect(recorder.getSnapshot().status).toBe('done');
}

/**
 * Logging fakes for the pure machines: every effect and named action appends one line to a
 * log, so a test asserts the literal order in which a machine ran them. Effects named in
 * `fail` reject with a coded error; time moves only through the returned `SimulatedClock`.
 */
import { createActor, fromCallback, fromPromise, SimulatedClock, type InspectionEvent } from 'xstate';
import type { RunnerEvent, TurnSpec } from '../../machines/contracts.js';
import type { ResponseItem, TurnAbortReason } from '../../src/protocol/index.js';
import { taskMachine } from '../../machines/task.machine.js';
import { toolCallMachine } from '../../machines/tool-call.machine.js';
import { turnMachine } from '../../machines/turn.machine.js';
import { ACTOR_ID_PREFIX } from '../../machines/actor-ids.js';

/** Lets promise effects settle (the machines' invokes resolve in microtasks). */
export const settle = async (rounds = 3): Promise<void> => {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
};

/** An error with a stable `code`, as a `TurnstateError` carries one. */
export const coded = (code: string, message: string) => Object.assign(new Error(message), { code });

/** A `function_call` item for a tool call actor's input. */
export const noopCall = (callId: string): ResponseItem => ({ type: 'function_call', call_id: callId, name: 'noop', arguments: '{}' });

export type TurnEffect =
  | 'flushRecorder'
  | 'recordPendingInput'
  | 'settleGoalOnFinish'
  | 'taskAbortHook'
  | 'settleGoalOnAbort'
  | 'recordInterruptMarker'
  | 'ghostSnapshot'
  | 'runTool';

export interface TurnFakeOptions {
  spec?: Partial<TurnSpec>;
  /** Effects that reject (with `<effect>_broken` as code). */
  fail?: TurnEffect[];
  /** How the task runner answers CANCEL: stop at once, or ignore it (force-stop path). */
  onCancel?: 'finish' | 'ignore';
  inspect?: (ev: InspectionEvent) => void;
}

/** A turn actor whose task, tool calls and effects are logging fakes. */
export function fakeTurn(options: TurnFakeOptions = {}) {
  const log: string[] = [];
  const fail = new Set(options.fail ?? []);
  const runner: { send: (e: RunnerEvent) => void } = { send: () => {} };
  const effect = <I extends { turnId: string; reason?: string }>(name: TurnEffect, label: string = name) =>
    fromPromise<void, I>(async ({ input }) => {
      log.push(input.reason ? `${label} ${input.reason}` : label);
      if (fail.has(name)) throw coded(`${name}_broken`, `${name} failed`);
    });
  const machine = turnMachine.provide({
    actors: {
      task: taskMachine.provide({
        actors: {
          runTask: fromCallback<{ type: 'CANCEL' }, TurnSpec, RunnerEvent>(({ sendBack, receive }) => {
            runner.send = sendBack;
            receive(() => {
              log.push('cancel');
              if (options.onCancel !== 'ignore') sendBack({ type: 'runner.finished', lastAgentMessage: null });
            });
          }),
        },
      }),
      toolCall: toolCallMachine.provide({
        actors: {
          runTool: fromPromise(async ({ input }) => {
            log.push(`runTool ${input.callId}`);
            if (fail.has('runTool')) throw coded('runTool_broken', 'runTool failed');
            return { type: 'function_call_output', call_id: input.callId, output: 'ok' } as const;
          }),
        },
      }),
      ghostSnapshot: effect('ghostSnapshot', 'snapshot'),
      flushRecorder: effect('flushRecorder', 'flush'),
      recordPendingInput: effect('recordPendingInput', 'pendingInput'),
      settleGoalOnFinish: effect('settleGoalOnFinish', 'goalSettlement'),
      taskAbortHook: effect('taskAbortHook', 'abortHook'),
      settleGoalOnAbort: effect<{ turnId: string; reason: TurnAbortReason }>('settleGoalOnAbort', 'goalSettlement'),
      recordInterruptMarker: effect('recordInterruptMarker', 'marker'),
    },
    actions: {
      emitTurnStarted: () => log.push('task_started'),
      emitTurnComplete: (_, p) => log.push(`task_complete ${p.lastAgentMessage ?? '-'}`),
      emitTurnAborted: (_, p) => log.push(`turn_aborted ${p.reason}`),
      emitTaskError: (_, p) => log.push(`error ${p.error.code}`),
      warnSnapshotSlow: (_, p) => log.push(`warn slow ${p.limitMs}`),
      warnSnapshotFailed: (_, p) => log.push(`warn snapshot ${p.error.code}`),
      warnUnknownApproval: (_, p) => log.push(`warn unknown approval ${p.approvalId}`),
      warnDuplicateApproval: (_, p) => log.push(`warn duplicate approval ${p.approvalId}`),
    },
  });
  const clock = new SimulatedClock();
  const actor = createActor(machine, {
    clock,
    ...(options.inspect ? { inspect: options.inspect } : {}),
    input: { turnId: 't1', kind: 'regular', steerable: true, announcesStart: true, ghostSnapshotLimitMs: null, ...options.spec },
  });
  // Approval resolutions (the children's outputs) are logged in order.
  actor.system.inspect({
    next: (ev) => {
      if (ev.type !== '@xstate.event' || !ev.event.type.startsWith(`xstate.done.actor.${ACTOR_ID_PREFIX.approval}`)) return;
      const out = (ev.event as { output?: { approvalId: string; resolution: string } }).output;
      if (out) log.push(`approval ${out.approvalId} ${out.resolution}`);
    },
  });
  actor.start();
  return {
    actor,
    log,
    clock,
    finish: (message: string | null) => runner.send({ type: 'runner.finished', lastAgentMessage: message }),
    failTask: (code: string) => runner.send({ type: 'runner.failed', error: { code, message: `${code} happened` } }),
    startTool: (key: string) => actor.send({ type: 'TOOL.START', call: { key, callId: `c${key}`, name: 'noop', turnId: 't1', item: noopCall(`c${key}`) } }),
  };
}

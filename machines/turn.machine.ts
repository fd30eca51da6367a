/**
 * One active turn: its task, its pending input and its pending approvals.
 *
 * Invariants encoded by the transitions:
 * - a turn ends exactly once, with `task_complete` (completed) or `turn_aborted` (aborted);
 * - abort order: cancel → grace → task abort hook → goal settlement (and pause on
 *   interrupt) → `<turn_aborted>` marker → flush → `turn_aborted` → clear approvals (a task
 *   whose spec says it has no abort hook skips that step);
 * - a `replaced` abort records no marker;
 * - the turn's own data (when it started, its first token, how many tool calls the model
 *   made, its continuation flag and output schema) lives in its input and context, changed
 *   by `TURN.FIRST_TOKEN` / `TOOL_CALL.COUNT`; only the task object and its live context stay
 *   with the runtime (`ThreadRuntime.turns`);
 * - pending approvals are cleared only after `turn_aborted` was emitted;
 * - readiness gate: every turn starts in `running.snapshotting` (the effect returns at once
 *   when the turn takes no ghost snapshot); tool calls wait until that state is left,
 *   whichever way (snapshot taken, failed, over its time limit, or the turn aborted), and
 *   the turn completes only after it;
 * - failures are states: an effect that rejects records `{ step, code, message }` in
 *   `failures` and passes through a named `…Failed` state, then the same next step runs as on
 *   success (a failed flush still announces `turn_aborted`); a task actor that errors settles
 *   the task as `failed`.
 */
import { assign, enqueueActions, sendTo, setup, spawnChild, stopChild } from 'xstate';
import type { TurnAbortReason } from '../src/protocol/index.js';
import { actorIdSuffix, approvalActorId, approvalSystemId, delegateActorId, toolCallActorId } from './actor-ids.js';
import { contracts, failureOf, type ToolCallSpec, type TurnSpec } from './contracts.js';
import { toolCallMachine } from './tool-call.machine.js';
import { approvalMachine, type ApprovalKind } from './approval.machine.js';
import { taskMachine } from './task.machine.js';
import { delegateMachine, type DelegateInput } from './delegate.machine.js';
import type { TurnContext, TurnEvent, TurnOutput } from './turn.types.js';

export type { TurnContext, TurnEvent, TurnFailure, TurnOutput } from './turn.types.js';

/**
 * The `onError` of a lifecycle effect: records the failure, then enters the named failure
 * state (which moves on exactly as `onDone` would).
 */
const failTo = (target: string, step: string, code: string) => ({
  target,
  actions: { type: 'recordFailure' as const, params: { step, code } },
});

export const turnMachine = setup({
  types: {
    input: {} as TurnSpec,
    context: {} as TurnContext,
    events: {} as TurnEvent,
    output: {} as TurnOutput,
  },
  actors: {
    task: taskMachine,
    approval: approvalMachine,
    toolCall: toolCallMachine,
    delegate: delegateMachine,
    flushRecorder: contracts.flushRecorder,
    recordPendingInput: contracts.recordPendingInput,
    settleGoalOnFinish: contracts.settleGoalOnFinish,
    taskAbortHook: contracts.taskAbortHook,
    settleGoalOnAbort: contracts.settleGoalOnAbort,
    recordInterruptMarker: contracts.recordInterruptMarker,
    ghostSnapshot: contracts.ghostSnapshot,
  },
  delays: {
    /** How long tool calls wait for the ghost snapshot. */
    ghostSnapshotLimit: ({ context }) => context.spec.ghostSnapshotLimitMs ?? 0,
  },
  actions: {
    /** Warns that the snapshot is over its time limit (tools go on without it). */
    warnSnapshotSlow: (_, _params: { turnId: string; limitMs: number }) => {},
    /** Warns that the snapshot failed (undo cannot return to this turn's start). */
    warnSnapshotFailed: (_, _params: { turnId: string; error: { code: string; message: string } }) => {},
    /** Opens the tool-call gate: waiting calls start. */
    openToolGate: enqueueActions(({ context, enqueue }) => {
      for (const key of Object.keys(context.toolCalls)) enqueue.sendTo(toolCallActorId(key), { type: 'GATE.OPEN' });
      enqueue.assign({ toolsGated: false });
    }),
    /** Emits `task_started` (only for tasks that announce their start). */
    emitTurnStarted: (_, _params: { turnId: string }) => {},
    /** Emits `task_complete`; timings are host-clock unix ms (`startedAt` null when unknown). */
    emitTurnComplete: (_, _params: { turnId: string; lastAgentMessage: string | null; startedAt: number | null; firstTokenAt: number | null }) => {},
    emitTurnAborted: (_, _params: { turnId: string; reason: TurnAbortReason; startedAt: number | null }) => {},
    /** Reports a task that threw (an `error` event before `task_complete`). */
    emitTaskError: (_, _params: { turnId: string; error: { code: string; message: string } }) => {},
    /** Logs an approval decision whose id matches no pending approval. */
    warnUnknownApproval: (_, _params: { turnId: string; approvalId: string }) => {},
    /** Logs an approval request whose id is already pending. */
    warnDuplicateApproval: (_, _params: { turnId: string; approvalId: string }) => {},
    clearApprovals: enqueueActions(({ context, enqueue }) => {
      for (const id of Object.keys(context.approvals)) enqueue.sendTo(approvalActorId(id), { type: 'CLEAR' });
    }),
    clearPendingInput: assign({ pendingInput: () => [] }),
    /** Records a rejected effect (`code` when the error carries none) in `failures`. */
    recordFailure: assign(({ context, event }, params: { step: string; code: string }) => ({
      failures: [...context.failures, { step: params.step, ...failureOf((event as { error?: unknown }).error, params.code) }],
    })),
  },
  guards: {
    noFirstTokenYet: ({ context }) => context.firstTokenAt === null,
    taskSettled: ({ context }) => context.task !== null,
    taskSettledWithoutAbortHook: ({ context }) => context.task !== null && context.spec.abortHook === false,
    takesSnapshot: ({ context }) => context.spec.ghostSnapshotLimitMs != null,
    taskFailed: ({ context }) => context.task?.status === 'failed',
    isInterrupt: ({ context }) => context.abortReason === 'interrupted',
    announcesStart: ({ context }) => context.spec.announcesStart,
    steerable: ({ context }) => context.spec.steerable,
    isToolCallDone: ({ event }) => actorIdSuffix((event as { actorId?: string }).actorId, 'toolCall') !== null,
    isApprovalDone: ({ event }) => actorIdSuffix((event as { actorId?: string }).actorId, 'approval') !== null,
    isRunningToolCall: ({ context, event }) => event.type === 'TOOL.STOP' && event.key in context.toolCalls,
    noPendingApprovals: ({ context }) => Object.keys(context.approvals).length === 0,
    approvalPending: ({ context, event }) =>
      (event.type === 'APPROVAL.DECIDE' || event.type === 'APPROVAL.REQUEST') && event.approvalId in context.approvals,
  },
}).createMachine({
  id: 'turn',
  context: ({ input }) => ({
    spec: input,
    pendingInput: [],
    approvals: {},
    approvalsAsked: 0,
    toolCalls: {},
    abortReason: null,
    task: null,
    toolsGated: true,
    failures: [],
    firstTokenAt: null,
    toolCallCount: 0,
  }),
  entry: [
    enqueueActions(({ context, enqueue, check }) => {
      if (check('announcesStart')) enqueue({ type: 'emitTurnStarted', params: { turnId: context.spec.turnId } });
    }),
  ],
  // The task lives as long as the turn needs it: through `running` and the grace period.
  invoke: {
    id: 'task',
    src: 'task',
    input: ({ context }) => context.spec,
    onDone: { actions: assign({ task: ({ event }) => event.output }) },
    // A task actor that errors (its machine threw) settles as a failed task: the turn
    // reports the error and completes (or, when aborting, goes on with the abort).
    onError: {
      actions: assign({
        task: ({ event }) => ({ status: 'failed' as const, lastAgentMessage: null, error: failureOf(event.error, 'task_failed') }),
      }),
    },
  },
  on: {
    // Only the first token counts (later ones, or a late duplicate, change nothing).
    'TURN.FIRST_TOKEN': { guard: 'noFirstTokenYet', actions: assign({ firstTokenAt: ({ event }) => event.at }) },
    'TOOL_CALL.COUNT': { actions: assign({ toolCallCount: ({ context }) => context.toolCallCount + 1 }) },
    'PENDING_INPUT.TAKE': {
      actions: assign({ pendingInput: ({ context, event }) => context.pendingInput.slice(event.count) }),
    },
    'PENDING_INPUT.PREPEND': {
      actions: assign({ pendingInput: ({ context, event }) => [...event.items, ...context.pendingInput] }),
    },
    'APPROVAL.REQUEST': [
      {
        guard: 'approvalPending',
        actions: {
          type: 'warnDuplicateApproval',
          params: ({ context, event }) => ({ turnId: context.spec.turnId, approvalId: event.approvalId }),
        },
      },
      {
        actions: [
          enqueueActions(({ context, event, enqueue }) => {
            const e = event as { approvalId: string; kind: ApprovalKind };
            const ordinal = context.approvalsAsked + 1;
            enqueue(
              spawnChild('approval', {
                id: approvalActorId(e.approvalId),
                systemId: approvalSystemId(context.spec.turnId, e.approvalId, ordinal),
                input: { approvalId: e.approvalId, kind: e.kind, turnId: context.spec.turnId },
              }),
            );
            enqueue.assign({ approvals: { ...context.approvals, [e.approvalId]: e.kind }, approvalsAsked: ordinal });
          }),
        ],
      },
    ],
    'APPROVAL.DECIDE': [
      {
        guard: 'approvalPending',
        actions: sendTo(
          ({ event }) => approvalActorId(event.approvalId),
          ({ event }) => ({ type: 'DECIDE' as const, decision: event.decision }),
        ),
      },
      {
        actions: {
          type: 'warnUnknownApproval',
          params: ({ context, event }) => ({ turnId: context.spec.turnId, approvalId: event.approvalId }),
        },
      },
    ],
    'TOOL.START': {
      actions: [
        spawnChild('toolCall', {
          id: ({ event }) => toolCallActorId((event as { call: ToolCallSpec }).call.key),
          input: ({ event }) => (event as { call: ToolCallSpec }).call,
        }),
        enqueueActions(({ context, event, enqueue }) => {
          if (!context.toolsGated) enqueue.sendTo(toolCallActorId((event as { call: ToolCallSpec }).call.key), { type: 'GATE.OPEN' });
        }),
        assign({ toolCalls: ({ context, event }) => ({ ...context.toolCalls, [event.call.key]: event.call.name }) }),
      ],
    },
    'DELEGATE.SPAWN': {
      // enqueueActions: a spawned child's systemId is a plain string, made here from the event.
      actions: enqueueActions(({ event, enqueue }) => {
        const delegate = (event as { delegate: DelegateInput }).delegate;
        const id = delegateActorId(delegate.childThreadId);
        enqueue.spawnChild('delegate', { id, systemId: id, input: delegate });
      }),
    },
    'TOOL.STOP': {
      guard: 'isRunningToolCall',
      actions: enqueueActions(({ context, event, enqueue }) => {
        const key = (event as { key: string }).key;
        enqueue(stopChild(toolCallActorId(key)));
        const { [key]: _stopped, ...rest } = context.toolCalls;
        enqueue.assign({ toolCalls: rest });
      }),
    },
    'xstate.done.actor.*': [
      {
        guard: 'isToolCallDone',
        actions: assign({
          toolCalls: ({ context, event }) => {
            const key = actorIdSuffix((event as { actorId: string }).actorId, 'toolCall') ?? '';
            const { [key]: _done, ...rest } = context.toolCalls;
            return rest;
          },
        }),
      },
      {
        guard: 'isApprovalDone',
        actions: assign({
          approvals: ({ context, event }) => {
            const id = actorIdSuffix((event as { actorId: string }).actorId, 'approval') ?? '';
            const { [id]: _resolved, ...rest } = context.approvals;
            return rest;
          },
        }),
      },
    ],
  },
  initial: 'running',
  states: {
    running: {
      tags: ['steerable'],
      initial: 'snapshotting',
      states: {
        snapshotting: {
          invoke: {
            src: 'ghostSnapshot',
            input: ({ context }) => ({ turnId: context.spec.turnId, takes: context.spec.ghostSnapshotLimitMs != null }),
            onDone: 'toolsReady',
            onError: {
              target: 'toolsReady',
              actions: {
                type: 'warnSnapshotFailed',
                params: ({ context, event }) => ({ turnId: context.spec.turnId, error: failureOf(event.error, 'ghost_snapshot_failed') }),
              },
            },
          },
          after: {
            ghostSnapshotLimit: {
              guard: 'takesSnapshot',
              target: 'toolsReady',
              actions: {
                type: 'warnSnapshotSlow',
                params: ({ context }) => ({ turnId: context.spec.turnId, limitMs: context.spec.ghostSnapshotLimitMs ?? 0 }),
              },
            },
          },
          exit: 'openToolGate',
        },
        toolsReady: {
          always: { guard: 'taskSettled', target: '#turn.completing' },
        },
      },
      on: {
        STEER: { guard: 'steerable', actions: assign({ pendingInput: ({ context, event }) => [...context.pendingInput, ...event.items] }) },
        ABORT: { target: 'aborting', actions: assign({ abortReason: ({ event }) => event.reason }) },
      },
    },
    completing: {
      entry: enqueueActions(({ context, enqueue, check }) => {
        if (check('taskFailed') && context.task?.error) {
          enqueue({ type: 'emitTaskError', params: { turnId: context.spec.turnId, error: context.task.error } });
        }
      }),
      initial: 'flushing',
      states: {
        flushing: {
          tags: ['steerable'],
          invoke: {
            src: 'flushRecorder',
            input: ({ context }) => ({ turnId: context.spec.turnId }),
            onDone: 'recordingPendingInput',
            onError: failTo('flushFailed', 'completing.flushing', 'rollout_flush_failed'),
          },
          on: {
            STEER: {
              guard: 'steerable',
              actions: assign({ pendingInput: ({ context, event }) => [...context.pendingInput, ...event.items] }),
            },
            ABORT: { target: '#turn.aborting', actions: assign({ abortReason: ({ event }) => event.reason }) },
          },
        },
        flushFailed: { always: 'recordingPendingInput' },
        recordingPendingInput: {
          invoke: {
            src: 'recordPendingInput',
            input: ({ context }) => ({ turnId: context.spec.turnId }),
            onDone: 'settlingGoal',
            onError: failTo('pendingInputFailed', 'completing.recordingPendingInput', 'pending_input_failed'),
          },
        },
        pendingInputFailed: { always: 'settlingGoal' },
        settlingGoal: {
          invoke: {
            src: 'settleGoalOnFinish',
            input: ({ context }) => ({ turnId: context.spec.turnId, toolCalls: context.toolCallCount }),
            onDone: 'clearingApprovals',
            onError: failTo('goalSettlementFailed', 'completing.settlingGoal', 'goal_settlement_failed'),
          },
        },
        goalSettlementFailed: { always: 'clearingApprovals' },
        clearingApprovals: {
          entry: 'clearApprovals',
          always: { guard: 'noPendingApprovals', target: '#turn.completed' },
        },
      },
    },
    completed: {
      type: 'final',
      entry: {
        type: 'emitTurnComplete',
        params: ({ context }) => ({
          turnId: context.spec.turnId,
          lastAgentMessage: context.task?.lastAgentMessage ?? null,
          startedAt: context.spec.startedAt ?? null,
          firstTokenAt: context.firstTokenAt,
        }),
      },
    },
    aborting: {
      initial: 'awaitingGrace',
      states: {
        awaitingGrace: {
          entry: enqueueActions(({ enqueue, check }) => {
            if (!check('taskSettled')) enqueue.sendTo('task', { type: 'CANCEL' });
          }),
          always: [
            // A task without an abort hook goes straight to goal settlement.
            { guard: 'taskSettledWithoutAbortHook', target: 'settlingGoal' },
            { guard: 'taskSettled', target: 'runningAbortHook' },
          ],
        },
        runningAbortHook: {
          invoke: {
            src: 'taskAbortHook',
            input: ({ context }) => ({ turnId: context.spec.turnId }),
            onDone: 'settlingGoal',
            onError: failTo('abortHookFailed', 'aborting.runningAbortHook', 'abort_hook_failed'),
          },
        },
        abortHookFailed: { always: 'settlingGoal' },
        settlingGoal: {
          invoke: {
            src: 'settleGoalOnAbort',
            input: ({ context }) => ({ turnId: context.spec.turnId, reason: context.abortReason ?? 'interrupted' }),
            // Only an interrupt leaves a marker; a `replaced` abort writes none.
            onDone: [{ guard: 'isInterrupt', target: 'recordingMarker' }, { target: 'announcing' }],
            onError: failTo('goalSettlementFailed', 'aborting.settlingGoal', 'goal_settlement_failed'),
          },
        },
        goalSettlementFailed: { always: [{ guard: 'isInterrupt', target: 'recordingMarker' }, { target: 'announcing' }] },
        recordingMarker: {
          invoke: {
            src: 'recordInterruptMarker',
            input: ({ context }) => ({ turnId: context.spec.turnId }),
            onDone: 'flushing',
            onError: failTo('markerFailed', 'aborting.recordingMarker', 'interrupt_marker_failed'),
          },
        },
        markerFailed: { always: 'flushing' },
        flushing: {
          invoke: {
            src: 'flushRecorder',
            input: ({ context }) => ({ turnId: context.spec.turnId }),
            onDone: 'announcing',
            onError: failTo('flushFailed', 'aborting.flushing', 'rollout_flush_failed'),
          },
        },
        flushFailed: { always: 'announcing' },
        announcing: {
          entry: [
            {
              type: 'emitTurnAborted',
              params: ({ context }) => ({ turnId: context.spec.turnId, reason: context.abortReason ?? 'interrupted', startedAt: context.spec.startedAt ?? null }),
            },
            'clearApprovals',
            'clearPendingInput',
          ],
          always: { guard: 'noPendingApprovals', target: '#turn.aborted' },
        },
      },
    },
    aborted: { type: 'final' },
  },
  output: ({ context }) => ({
    turnId: context.spec.turnId,
    outcome: context.abortReason ? 'aborted' : 'completed',
    reason: context.abortReason,
    lastAgentMessage: context.task?.lastAgentMessage ?? null,
  }),
});

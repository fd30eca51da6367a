/**
 * How a turn ends: the `completing` region (then `completed`) and the `aborting` region, which
 * `turn.machine.ts` composes. Each step is a named effect whose failure is recorded and passes
 * through a `…Failed` state to the same next step.
 *
 * Invariants: the abort order is cancel → grace → task abort hook → goal settlement →
 * `<turn_aborted>` marker (interrupts only) → flush → `turn_aborted` → clear approvals;
 * pending approvals are cleared only after `turn_aborted` was emitted.
 */
import { assign, enqueueActions } from 'xstate';
import { turnSetup } from './turn.setup.js';

/**
 * The `onError` of a lifecycle effect: records the failure, then enters the named failure
 * state (which moves on exactly as `onDone` would).
 */
const failTo = (target: string, step: string, code: string) => ({
  target,
  actions: { type: 'recordFailure' as const, params: { step, code } },
});

/**
 * Completing: flush → pending input (skipped when none is left) → goal settlement → approvals
 * cleared, then `#turn.completed`. A steer during the flush still joins the turn; an abort goes to
 * `#turn.aborting`.
 */
export const completingState = turnSetup.createStateConfig({
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
        // Nothing steered into the turn since its last request: no pending input to record.
        onDone: [{ guard: 'noPendingInput', target: 'settlingGoal' }, { target: 'recordingPendingInput' }],
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
    flushFailed: { always: [{ guard: 'noPendingInput', target: 'settlingGoal' }, { target: 'recordingPendingInput' }] },
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
});

/** The final state of a completed turn: it announces `task_complete` with its timings. */
export const completedState = turnSetup.createStateConfig({
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
});

/** The abort order (see above); ends in `#turn.aborted` once no approval is pending. */
export const abortingState = turnSetup.createStateConfig({
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
});

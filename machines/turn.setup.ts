/**
 * The turn machine's implementations by name: its child machines and effect contracts
 * (`actors`), the ghost-snapshot time limit (`delays`), its announcements and bookkeeping
 * (`actions`) and its `guards`. `turn.machine.ts` and the regions it composes
 * (`turn.ending.ts`) refer to them by these names, so `.provide()` can replace any of them.
 */
import { assign, enqueueActions, setup } from 'xstate';
import type { TurnAbortReason } from '../src/protocol/index.js';
import { actorIdSuffix, approvalActorId, toolCallActorId } from './actor-ids.js';
import { contracts, failureOf, type TurnSpec } from './contracts.js';
import { toolCallMachine } from './tool-call.machine.js';
import { approvalMachine } from './approval.machine.js';
import { taskMachine } from './task.machine.js';
import { delegateMachine } from './delegate.machine.js';
import type { TurnContext, TurnEvent, TurnOutput } from './turn.types.js';

/** The turn machine's setup: `turnSetup.createMachine` builds it, `turnSetup.createStateConfig` its regions. */
export const turnSetup = setup({
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
    noPendingInput: ({ context }) => context.pendingInput.length === 0,
    approvalPending: ({ context, event }) =>
      (event.type === 'APPROVAL.DECIDE' || event.type === 'APPROVAL.REQUEST') && event.approvalId in context.approvals,
  },
});

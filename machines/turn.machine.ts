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
import { assign, enqueueActions, sendTo, spawnChild, stopChild } from 'xstate';
import { actorIdSuffix, approvalActorId, approvalSystemId, delegateActorId, toolCallActorId } from './actor-ids.js';
import { failureOf, type ToolCallSpec } from './contracts.js';
import type { ApprovalKind } from './approval.machine.js';
import type { DelegateInput } from './delegate.machine.js';
import { turnSetup } from './turn.setup.js';
import { abortingState, completedState, completingState } from './turn.ending.js';

export type { TurnContext, TurnEvent, TurnFailure, TurnOutput } from './turn.types.js';

/**
 * The turn machine: `running` (its ghost-snapshot gate, steering, tool calls and approvals),
 * then `completing` → `completed` or `aborting` → `aborted` (`turn.ending.ts`). Its
 * implementations are named in `turn.setup.ts`.
 * @example
 * const turn = createActor(turnMachine.provide({ actors: { flushRecorder: fromPromise(async () => {}) } }), { input: spec });
 */
export const turnMachine = turnSetup.createMachine({
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
    completing: completingState,
    completed: completedState,
    aborting: abortingState,
    aborted: { type: 'final' },
  },
  output: ({ context }) => ({
    turnId: context.spec.turnId,
    outcome: context.abortReason ? 'aborted' : 'completed',
    reason: context.abortReason,
    lastAgentMessage: context.task?.lastAgentMessage ?? null,
  }),
});

/**
 * One task run inside a turn. Invariant: a cancelled task gets `graceTimeout` (100 ms) to
 * stop by itself; after that it is force-stopped and anything it reports later is dropped
 * (the runner is stopped with the machine, so its late result never reaches the turn).
 * A runner that throws settles the task as `failed` (or `cancelled` once cancelling), with
 * the error's `{ code, message }` in its outcome.
 */
import { assign, sendTo, setup, stateIn } from 'xstate';
import { contracts, failureOf, type RunnerEvent, type TaskOutcome, type TurnSpec } from './contracts.js';

/** How long a cancelled task may take to stop before it is force-stopped (Codex: 100 ms). */
export const GRACEFUL_INTERRUPTION_TIMEOUT_MS = 100;

export interface TaskContext {
  spec: TurnSpec;
  outcome: TaskOutcome;
}

export type TaskEvent = { type: 'CANCEL' } | RunnerEvent;

const settle = (status: TaskOutcome['status']) => ({ type: 'settle' as const, params: { status } });

export const taskMachine = setup({
  types: {
    input: {} as TurnSpec,
    context: {} as TaskContext,
    events: {} as TaskEvent,
    output: {} as TaskOutcome,
  },
  actors: { runTask: contracts.runTask },
  actions: {
    settle: assign(({ context, event }, params: { status: TaskOutcome['status'] }) => ({
      outcome: {
        status: params.status,
        lastAgentMessage: event.type === 'runner.finished' ? event.lastAgentMessage : context.outcome.lastAgentMessage,
        error: event.type === 'runner.failed' ? event.error : null,
      },
    })),
    /** Settles with the runner's own rejection as the error. */
    settleThrown: assign(({ context, event }, params: { status: TaskOutcome['status'] }) => ({
      outcome: { status: params.status, lastAgentMessage: context.outcome.lastAgentMessage, error: failureOf((event as { error?: unknown }).error, 'task_failed') },
    })),
  },
  guards: { cancelling: stateIn('cancelling'), running: stateIn('running') },
  delays: { graceTimeout: GRACEFUL_INTERRUPTION_TIMEOUT_MS },
}).createMachine({
  id: 'task',
  context: ({ input }) => ({ spec: input, outcome: { status: 'finished', lastAgentMessage: null, error: null } }),
  // The runner lives as long as the task machine, across `running` and `cancelling`.
  invoke: {
    id: 'runner',
    src: 'runTask',
    input: ({ context }) => context.spec,
    onError: [
      { guard: 'cancelling', target: '.cancelled', actions: { type: 'settleThrown', params: { status: 'cancelled' } } },
      { guard: 'running', target: '.failed', actions: { type: 'settleThrown', params: { status: 'failed' } } },
    ],
  },
  initial: 'running',
  states: {
    running: {
      on: {
        'runner.finished': { target: 'finished', actions: settle('finished') },
        'runner.failed': { target: 'failed', actions: settle('failed') },
        CANCEL: { target: 'cancelling' },
      },
    },
    cancelling: {
      entry: sendTo('runner', { type: 'CANCEL' }),
      on: {
        'runner.finished': { target: 'cancelled', actions: settle('cancelled') },
        'runner.failed': { target: 'cancelled', actions: settle('cancelled') },
      },
      after: { graceTimeout: { target: 'forceStopped', actions: settle('forceStopped') } },
    },
    finished: { type: 'final' },
    failed: { type: 'final' },
    cancelled: { type: 'final' },
    forceStopped: { type: 'final' },
  },
  output: ({ context }) => context.outcome,
});

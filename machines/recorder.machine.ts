/**
 * The rollout writer's lifecycle. Persist and flush requests are served one at a time, in
 * the order they arrive (a flush is a durability barrier for everything recorded before
 * it); a shutdown request lets queued requests finish, then drains and closes for good.
 * Recording items is a synchronous append outside the machine (it happens for every event).
 * A failed write is recorded (`lastError`, `failures`) and passes through `writeFailed` before
 * the next request; a failed close passes through `closeFailed` before `closed`.
 * Each served request is announced (emitted) as `served` with its id and error, in order: a
 * requester listens on this actor (`recorder.on('served', …)`) for its own request.
 */
import { assign, emit, setup } from 'xstate';
import { contracts, failureOf, type RecorderRequest } from './contracts.js';

export interface RecorderContext {
  queue: RecorderRequest[];
  /** Whether the rollout exists in the store (materialised on the first persist). */
  materialized: boolean;
  shutdownRequested: boolean;
  completed: number;
  failures: number;
  lastError: { code: string; message: string } | null;
}

export type RecorderEvent = { type: 'REQUEST'; request: RecorderRequest } | { type: 'SHUTDOWN' };

/**
 * Announced when a request was served (`error`: the failure's message, or null).
 * @example recorder.on('served', ({ requestId, error }) => served.set(requestId, error ?? 'ok'));
 */
export interface RecorderServed {
  type: 'served';
  requestId: number;
  error: string | null;
}

const headId = (context: RecorderContext) => context.queue[0]?.requestId ?? -1;

const errorOf = (error: unknown) => failureOf(error, 'rollout_write_failed');

export const recorderMachine = setup({
  types: {
    input: {} as { materialized: boolean },
    context: {} as RecorderContext,
    events: {} as RecorderEvent,
    emitted: {} as RecorderServed,
  },
  actors: { recorderOp: contracts.recorderOp, closeRecorder: contracts.closeRecorder },
  actions: {
    /** Tells the requester its request finished (with an error message on failure). */
    notify: emit((_, params: { requestId: number; error: string | null }) => ({ type: 'served' as const, ...params })),
    finishHead: assign(({ context, event }) => {
      const failed = event.type.startsWith('xstate.error.actor');
      const output = (event as { output?: { materialized: boolean } }).output;
      return {
        queue: context.queue.slice(1),
        materialized: output?.materialized ?? context.materialized,
        completed: context.completed + (failed ? 0 : 1),
        failures: context.failures + (failed ? 1 : 0),
        lastError: failed ? errorOf((event as { error?: unknown }).error) : context.lastError,
      };
    }),
  },
  guards: {
    hasQueued: ({ context }) => context.queue.length > 0,
    shutdownRequested: ({ context }) => context.shutdownRequested,
  },
}).createMachine({
  id: 'recorder',
  context: ({ input }) => ({
    queue: [],
    materialized: input.materialized,
    shutdownRequested: false,
    completed: 0,
    failures: 0,
    lastError: null,
  }),
  on: {
    REQUEST: { actions: assign({ queue: ({ context, event }) => [...context.queue, event.request] }) },
    SHUTDOWN: { actions: assign({ shutdownRequested: true }) },
  },
  initial: 'idle',
  states: {
    idle: {
      always: [
        { guard: 'hasQueued', target: 'working' },
        { guard: 'shutdownRequested', target: 'closing' },
      ],
    },
    working: {
      invoke: {
        src: 'recorderOp',
        input: ({ context }) => context.queue[0] as RecorderRequest,
        onDone: { target: 'idle', actions: [{ type: 'notify', params: ({ context }) => ({ requestId: headId(context), error: null }) }, 'finishHead'] },
        onError: {
          target: 'writeFailed',
          actions: [{ type: 'notify', params: ({ context, event }) => ({ requestId: headId(context), error: errorOf(event.error).message }) }, 'finishHead'],
        },
      },
    },
    writeFailed: { always: 'idle' },
    closing: {
      invoke: {
        src: 'closeRecorder',
        onDone: 'closed',
        onError: {
          target: 'closeFailed',
          actions: assign({ lastError: ({ event }) => errorOf(event.error), failures: ({ context }) => context.failures + 1 }),
        },
      },
    },
    closeFailed: { always: 'closed' },
    closed: { type: 'final' },
  },
});

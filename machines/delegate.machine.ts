/**
 * One delegate: a child thread (review sub-agent, spawned agent) seen from its parent's actor
 * tree (seed 004 `codex_delegate.rs`, SPEC §11.1). The child is a full thread with its own
 * actor system; this machine shows its lifecycle under the parent's turn, with systemId
 * `delegate:<childThreadId>`, so the inspector draws the delegate below its parent.
 *
 * Invariants encoded by the transitions:
 * - the child's events are forwarded only in `live` (the `forwardEvents` effect lives there);
 * - a child approval waits for the parent in `live.awaitingParentDecision`; cancelling there
 *   first resolves the parent's pending approval with `abort` (`abortParentDecision`);
 * - every way out of `live` but the child closing by itself shuts the child down
 *   (`shutdownChild`: interrupt, shutdown, drain) and leaves after at most `drainLimit`
 *   (500 ms on the actor system's clock) even when the child never answers;
 * - the delegate ends exactly once, in `done` or `failed`.
 *
 * Pure: the effects are placeholders that `src/delegates` provides; each instance reaches its
 * child through the opaque `port` of its input (never through a module-level lookup).
 */
import { assign, fromCallback, fromPromise, setup } from 'xstate';
import type { ReviewDecision } from '../src/protocol/index.js';
import { failureOf, type Failure } from './contracts.js';

/** How long a cancelled delegate waits for its child to wind down (seed 004: 500 ms). */
export const DELEGATE_DRAIN_TIMEOUT_MS = 500;

/** What the parent's tree knows of a delegate when it is spawned. */
export interface DelegateInput {
  /** The child thread's id (its rollout's session id); the actor's systemId is `delegate:<id>`. */
  childThreadId: string;
  /** The parent turn the child's approvals and events are re-emitted under. */
  parentTurnId: string;
  /** The sub-agent kind recorded as the child's `session_meta.source` (`review`, ...). */
  kind: string;
  /** One-shot: the child runs one turn, then is shut down (seed `run_codex_thread_one_shot`). */
  oneShot: boolean;
  /** Opaque handle the provided effects use to reach the child; the machine never reads it. */
  port: object;
}

/** A child approval waiting for the parent's decision. */
export interface PendingChildApproval {
  approvalId: string;
  kind: 'exec' | 'patch';
}

export interface DelegateContext extends Omit<DelegateInput, 'port'> {
  port: object;
  pendingApproval: PendingChildApproval | null;
  /** The last decision the parent gave (submitted to the child). */
  lastDecision: ReviewDecision | null;
  /** Whether the child reached its one-shot end (`task_complete` / `turn_aborted`). */
  childFinished: boolean;
  cancelled: boolean;
  /** Whether the drain ran out of time before the child wound down. */
  drainTimedOut: boolean;
  failure: Failure | null;
  /** Why shutting the child down failed (the delegate still ends: its child is gone or stuck). */
  shutdownFailure: Failure | null;
}

export type DelegateEvent =
  | { type: 'CANCEL' }
  | { type: 'CHILD.APPROVAL_REQUESTED'; approvalId: string; kind: 'exec' | 'patch' }
  | { type: 'CHILD.APPROVAL_DECIDED'; approvalId: string; decision: ReviewDecision }
  | { type: 'CHILD.FINISHED' }
  | { type: 'CHILD.CLOSED' };

/** How the delegate ended, as its parent reads it. */
export interface DelegateOutput {
  childThreadId: string;
  outcome: 'finished' | 'cancelled' | 'closed' | 'failed';
  drainTimedOut: boolean;
  failure: Failure | null;
  /** Why shutting the child down failed, if it did (`outcome` still says how the work ended). */
  shutdownFailure: Failure | null;
}

/** Names an effect that was not provided. */
function notProvided(name: string): never {
  throw new Error(`turnstate delegate effect "${name}" was not provided; src/delegates supplies it`);
}

/** The delegate's effect contract (placeholders until `src/delegates` provides them). */
export const delegateContracts = {
  /** Creates the child thread (and, one-shot, submits its input). */
  openChild: fromPromise<void, { port: object }>(async () => notProvided('openChild')),
  /** Reads the child's events, forwards them and reports approvals, the one-shot end and close. */
  forwardEvents: fromCallback<DelegateEvent, { port: object }>(() => notProvided('forwardEvents')),
  /** Submits `interrupt` (when asked) then `shutdown` to the child and drains its events. */
  shutdownChild: fromPromise<void, { port: object; interrupt: boolean }>(async () => notProvided('shutdownChild')),
};

const leaveAfterDrain = { target: '#delegate.done', actions: 'markDrainTimedOut' as const };

const delegateSetup = setup({
  types: {
    input: {} as DelegateInput,
    context: {} as DelegateContext,
    events: {} as DelegateEvent,
    output: {} as DelegateOutput,
  },
  actors: delegateContracts,
  actions: {
    /** Resolves the parent's pending approval with `abort` (the child then gets `abort`). */
    abortParentDecision: (_, _params: { approvalId: string; parentTurnId: string }) => {},
    markDrainTimedOut: assign({ drainTimedOut: () => true }),
    /** Records why shutting the child down failed; the delegate still ends. */
    recordShutdownFailure: assign({ shutdownFailure: ({ event }) => failureOf((event as { error?: unknown }).error, 'delegate_shutdown_failed') }),
  },
  delays: { drainLimit: DELEGATE_DRAIN_TIMEOUT_MS },
});

/**
 * Shutting the child down: `interrupt` then `shutdown`, its events drained for at most 500 ms;
 * a failed shutdown is recorded and the delegate still ends. `closing` and `cancelling` are
 * this same step, named for why the delegate got there.
 */
const shuttingDownChild = delegateSetup.createStateConfig({
  invoke: {
    src: 'shutdownChild',
    input: ({ context }) => ({ port: context.port, interrupt: true }),
    onDone: 'done',
    onError: { target: 'done', actions: 'recordShutdownFailure' },
  },
  after: { drainLimit: leaveAfterDrain },
});

export const delegateMachine = delegateSetup.createMachine({
  id: 'delegate',
  context: ({ input }) => ({
    ...input,
    pendingApproval: null,
    lastDecision: null,
    childFinished: false,
    cancelled: false,
    drainTimedOut: false,
    failure: null,
    shutdownFailure: null,
  }),
  initial: 'starting',
  states: {
    starting: {
      invoke: {
        src: 'openChild',
        input: ({ context }) => ({ port: context.port }),
        onDone: 'live',
        onError: { target: 'failed', actions: assign({ failure: ({ event }) => failureOf(event.error, 'delegate_start_failed') }) },
      },
      on: { CANCEL: { target: 'cancelling', actions: assign({ cancelled: () => true }) } },
    },
    live: {
      invoke: { src: 'forwardEvents', input: ({ context }) => ({ port: context.port }) },
      initial: 'running',
      states: {
        running: {
          on: {
            'CHILD.APPROVAL_REQUESTED': {
              target: 'awaitingParentDecision',
              actions: assign({ pendingApproval: ({ event }) => ({ approvalId: event.approvalId, kind: event.kind }) }),
            },
          },
        },
        awaitingParentDecision: {
          on: {
            'CHILD.APPROVAL_DECIDED': {
              target: 'running',
              actions: assign({ pendingApproval: () => null, lastDecision: ({ event }) => event.decision }),
            },
            CANCEL: {
              target: '#delegate.cancelling',
              actions: [
                {
                  type: 'abortParentDecision',
                  params: ({ context }) => ({ approvalId: context.pendingApproval?.approvalId ?? '', parentTurnId: context.parentTurnId }),
                },
                assign({ cancelled: () => true }),
              ],
            },
          },
        },
      },
      on: {
        'CHILD.FINISHED': { target: 'closing', actions: assign({ childFinished: () => true }) },
        'CHILD.CLOSED': 'done',
        CANCEL: { target: 'cancelling', actions: assign({ cancelled: () => true }) },
      },
    },
    /** One-shot end reached: the child is shut down (seed: `Shutdown` then cancel). */
    closing: shuttingDownChild,
    /** Cancelled: `interrupt` then `shutdown` to the child, its events drained for ≤ 500 ms. */
    cancelling: shuttingDownChild,
    done: { type: 'final' },
    failed: { type: 'final' },
  },
  output: ({ context }) => ({
    childThreadId: context.childThreadId,
    outcome: context.failure ? 'failed' : context.cancelled ? 'cancelled' : context.childFinished ? 'finished' : 'closed',
    drainTimedOut: context.drainTimedOut,
    failure: context.failure,
    shutdownFailure: context.shutdownFailure,
  }),
});

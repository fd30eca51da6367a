/**
 * One pending exec or patch approval. Invariant: an approval resolves exactly once, and a
 * cleared approval (its turn ended) resolves only when the turn clears it — after
 * `turn_aborted` has been emitted — as `abort` for exec and `denied` for patch requests.
 */
import { assign, setup } from 'xstate';
import type { ReviewDecision } from '../src/protocol/index.js';
import type { ApprovalOutcome } from './contracts.js';

export type ApprovalKind = 'exec' | 'patch';

export interface ApprovalInput {
  approvalId: string;
  kind: ApprovalKind;
  turnId: string;
}

export interface ApprovalContext extends ApprovalInput {
  decision: ReviewDecision | null;
  resolution: string | null;
}

export type ApprovalEvent = { type: 'DECIDE'; decision: ReviewDecision } | { type: 'CLEAR' };

const decisionIs =
  (...kinds: string[]) =>
  ({ event }: { event: ApprovalEvent }) => {
    if (event.type !== 'DECIDE') return false;
    const d = event.decision;
    const kind = typeof d === 'string' ? d : Object.keys(d)[0];
    return kinds.includes(kind ?? '');
  };

const resolveWith = (resolution: string) => ({ type: 'resolve' as const, params: { resolution } });

export const approvalMachine = setup({
  types: {
    input: {} as ApprovalInput,
    context: {} as ApprovalContext,
    events: {} as ApprovalEvent,
    output: {} as ApprovalOutcome,
  },
  actions: {
    resolve: assign(({ event }, params: { resolution: string }) => ({
      resolution: params.resolution,
      decision: event.type === 'DECIDE' ? event.decision : null,
    })),
  },
  guards: {
    isApproved: decisionIs('approved', 'approved_execpolicy_amendment', 'network_policy_amendment'),
    isApprovedForSession: decisionIs('approved_for_session'),
    isDenied: decisionIs('denied'),
    isTimedOut: decisionIs('timed_out'),
    isAbort: decisionIs('abort'),
  },
}).createMachine({
  id: 'approval',
  context: ({ input }) => ({ ...input, decision: null, resolution: null }),
  initial: 'pending',
  states: {
    pending: {
      on: {
        DECIDE: [
          { guard: 'isApproved', target: 'approved', actions: resolveWith('approved') },
          { guard: 'isApprovedForSession', target: 'approvedForSession', actions: resolveWith('approvedForSession') },
          { guard: 'isDenied', target: 'denied', actions: resolveWith('denied') },
          { guard: 'isTimedOut', target: 'timedOut', actions: resolveWith('timedOut') },
          // `abort` interrupts the whole turn; the waiter learns of it only when the turn
          // clears its approvals, after `turn_aborted`.
          { guard: 'isAbort', target: 'abortRequested' },
        ],
        CLEAR: { target: 'cleared' },
      },
    },
    abortRequested: {
      on: {
        CLEAR: {
          target: 'aborted',
          actions: assign({ decision: () => 'abort' as const, resolution: () => 'aborted' }),
        },
      },
    },
    approved: { type: 'final' },
    approvedForSession: { type: 'final' },
    denied: { type: 'final' },
    timedOut: { type: 'final' },
    aborted: { type: 'final' },
    cleared: {
      type: 'final',
      entry: assign(({ context }) => ({
        resolution: 'cleared',
        decision: context.kind === 'exec' ? ('abort' as const) : ('denied' as const),
      })),
    },
  },
  output: ({ context }) => ({
    approvalId: context.approvalId,
    decision: context.decision ?? 'denied',
    resolution: context.resolution ?? 'cleared',
  }),
});

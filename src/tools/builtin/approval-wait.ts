/**
 * Waiting for the user's decision on one tool call. Invariant: one decision releases at
 * most one call. Approvals are keyed by call id, so a second call that reuses the id of a
 * call still waiting (a model bug, or an attempt to ride on another call's approval) is
 * not asked about at all: it gets no decision and is declined.
 */
import type { ReviewDecision } from '../../protocol/index.js';
import type { EngineContext } from '../turn-context.js';

const WAITING_KEY = 'builtin.approvals.waiting';

/**
 * The output for a call declined because another call with its id is waiting.
 * @example
 * DUPLICATE_CALL_ID_MESSAGE; // 'rejected: another call with this call_id is already waiting for approval'
 */
export const DUPLICATE_CALL_ID_MESSAGE = 'rejected: another call with this call_id is already waiting for approval';

/**
 * Requests approval for `callId`; resolves `null` (without asking) when a call with the
 * same id is already waiting in this turn. Rejects with an AbortError on interrupt.
 * @example
 * const decision = await requestCallApproval(turn, 'call_1', 'exec');
 * if (decision === null) return DUPLICATE_CALL_ID_MESSAGE;
 */
export async function requestCallApproval(turn: EngineContext, callId: string, kind: 'exec' | 'patch'): Promise<ReviewDecision | null> {
  let waiting = turn.scratch.get(WAITING_KEY) as Set<string> | undefined;
  if (!waiting) turn.scratch.set(WAITING_KEY, (waiting = new Set()));
  if (waiting.has(callId)) return null;
  waiting.add(callId);
  try {
    return await turn.requestApproval({ approvalId: callId, kind });
  } finally {
    waiting.delete(callId);
  }
}

/**
 * Whether a call with this id is waiting for approval in the turn (so a new request with
 * the same id must not be announced).
 * @example
 * if (isWaiting(turn, callId)) return DUPLICATE_CALL_ID_MESSAGE;
 */
export function isWaiting(turn: EngineContext, callId: string): boolean {
  return (turn.scratch.get(WAITING_KEY) as Set<string> | undefined)?.has(callId) ?? false;
}

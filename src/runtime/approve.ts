/**
 * `thread.approve(request, decision)`: answers an approval request event with the op and id
 * the engine expects — `exec_approval` with the request's `approval_id` (or its `call_id`)
 * and `turn_id`, or `patch_approval` with the patch's `call_id` (Codex `Op::ExecApproval` /
 * `Op::PatchApproval`).
 */
import type { z } from 'zod';
import { InvalidRequestError } from '../errors.js';
import type { ApplyPatchApprovalRequestEvent, ExecApprovalRequestEvent, OpInput, ReviewDecision } from '../protocol/index.js';

/** An approval request: the `msg` of an `exec_approval_request` or `apply_patch_approval_request` event. */
export type ApprovalRequestEvent = ExecApprovalRequestEvent | ApplyPatchApprovalRequestEvent;

/** A decision as a host writes it (`approved`, `approved_for_session`, `denied`, `abort`, an amendment, ...). */
export type ReviewDecisionInit = Exclude<z.input<typeof ReviewDecision>, undefined>;

/**
 * The op that answers `request` with `decision`.
 * Throws `InvalidRequestError` when `request` is not an approval request event.
 * @example
 * approvalOp(msg, 'approved'); // { type: 'exec_approval', id: msg.approval_id ?? msg.call_id, turn_id: msg.turn_id, decision: 'approved' }
 */
export function approvalOp(request: ApprovalRequestEvent, decision: ReviewDecisionInit): OpInput {
  switch ((request as { type?: unknown }).type) {
    case 'exec_approval_request': {
      const exec = request as ExecApprovalRequestEvent;
      return { type: 'exec_approval', id: exec.approval_id ?? exec.call_id, turn_id: exec.turn_id, decision };
    }
    case 'apply_patch_approval_request':
      return { type: 'patch_approval', id: request.call_id, decision };
    default:
      throw new InvalidRequestError('approve() takes the msg of an exec_approval_request or apply_patch_approval_request event');
  }
}

/** `approvalOp` / `thread.approve`: the right op and id for each approval request. */
import { describe, expect, it } from 'vitest';
import { InvalidRequestError, approvalOp, type ExecApprovalRequestEvent, type ApplyPatchApprovalRequestEvent, type EventMsg } from 'turnstate';

const exec: ExecApprovalRequestEvent = { type: 'exec_approval_request', call_id: 'call_1', turn_id: 't1', command: ['ls'], cwd: '/w', parsed_cmd: [] };
const patch: ApplyPatchApprovalRequestEvent = { type: 'apply_patch_approval_request', call_id: 'call_2', turn_id: 't1', changes: {} };

describe('approvalOp', () => {
  it('answers an exec request with exec_approval, its approval_id (else call_id) and turn id', () => {
    expect(approvalOp(exec, 'approved')).toEqual({ type: 'exec_approval', id: 'call_1', turn_id: 't1', decision: 'approved' });
    expect(approvalOp({ ...exec, approval_id: 'sub-7' }, 'denied')).toEqual({ type: 'exec_approval', id: 'sub-7', turn_id: 't1', decision: 'denied' });
  });

  it('answers a patch request with patch_approval and its call id', () => {
    expect(approvalOp(patch, 'approved_for_session')).toEqual({ type: 'patch_approval', id: 'call_2', decision: 'approved_for_session' });
  });

  it('refuses anything else with a typed error', () => {
    const other = { type: 'task_complete', turn_id: 't1' } as EventMsg;
    expect(() => approvalOp(other as never, 'approved')).toThrow(InvalidRequestError);
  });
});

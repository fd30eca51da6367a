/**
 * Small pieces shared by the exec and patch decisions: the approval-policy reading, the
 * session-approval keys, and the decision list offered in `ExecApprovalRequest`.
 */
import path from 'node:path';
import type { z } from 'zod';
import type { AskForApproval, NetworkPolicyAmendment, ReviewDecision, SandboxPolicy } from '../../protocol/config.js';

/** What the model asked for in the shell call's `sandbox_permissions`. */
export type SandboxPermissions = 'use_default' | 'require_escalated';

/** Which commands or patches the user approved "for this session": keys, or all of them. */
export type SessionApprovals = ReadonlySet<string> | boolean;

/** An approval policy reduced to what the decisions need. */
export interface PolicyView {
  kind: 'untrusted' | 'on-failure' | 'on-request' | 'never';
  /** The policy name as the model should read it. */
  name: string;
  /** Asking is not allowed: an ask becomes a refusal. */
  noPrompts: boolean;
}

/**
 * Reads an `AskForApproval`. `granular` behaves as `on-request`, and with
 * `sandbox_approval: false` it may not ask about sandbox escalations (they are refused).
 * @example
 * approvalPolicyView('never'); // { kind: 'never', name: 'never', noPrompts: true }
 */
export function approvalPolicyView(policy: AskForApproval): PolicyView {
  if (typeof policy === 'string') return { kind: policy, name: policy, noPrompts: policy === 'never' };
  return { kind: 'on-request', name: 'granular', noPrompts: policy.granular.sandbox_approval === false };
}

/**
 * Whether a sandbox policy leaves file system and network unrestricted (nothing to sandbox).
 * @example
 * isUnrestricted({ type: 'danger-full-access' }); // true
 */
export function isUnrestricted(policy: SandboxPolicy): boolean {
  return policy.type === 'danger-full-access' || policy.type === 'external-sandbox';
}

/**
 * The session-approval key of a command run in a directory, inside the sandbox
 * (`'sandboxed'`, the default) or outside it (`'none'`). Approving a sandboxed run for the
 * session does not approve running the same command outside the sandbox; approving an
 * unsandboxed run covers both.
 * @example
 * approved.add(execApprovalKey(['npm', 'test'], '/ws', 'sandboxed'));
 */
export function execApprovalKey(argv: readonly string[], cwd: string, sandbox: 'sandboxed' | 'none' = 'sandboxed'): string {
  return JSON.stringify(['exec', path.resolve(cwd), argv, sandbox]);
}

/**
 * The session-approval key of a set of paths (files or directories). A patch is approved
 * for the session when its whole path set was, or when each of its paths lies under a path
 * whose own key (`patchApprovalKey([dirOrFile])`) was approved.
 * @example
 * approved.add(patchApprovalKey(['/ws/a.txt', '/ws/b.txt']));
 */
export function patchApprovalKey(paths: readonly string[]): string {
  return JSON.stringify(['patch', [...new Set(paths.map((p) => path.resolve(p)))].sort()]);
}

/**
 * Whether `approvals` covers a key.
 * @example
 * isApproved(true, 'anything'); // true
 */
export function isApproved(approvals: SessionApprovals, key: string): boolean {
  return approvals === true || (approvals !== false && approvals.has(key));
}

/** Inputs of `defaultAvailableDecisions` (fields of `ExecApprovalRequestEvent`). */
export interface AvailableDecisionsInput {
  networkApprovalContext?: unknown;
  additionalPermissions?: unknown;
  proposedExecpolicyAmendment?: readonly string[];
  proposedNetworkPolicyAmendments?: ReadonlyArray<z.infer<typeof NetworkPolicyAmendment>>;
}

/**
 * The decisions offered with an exec approval request (SPEC §1.4): network context ⇒
 * approve, approve for session, an allow amendment if proposed, abort; additional
 * permissions ⇒ approve, abort; otherwise approve, the exec-policy amendment if proposed,
 * abort.
 * @example
 * defaultAvailableDecisions({ proposedExecpolicyAmendment: ['make'] });
 * // ['approved', { approved_execpolicy_amendment: { proposed_execpolicy_amendment: ['make'] } }, 'abort']
 */
export function defaultAvailableDecisions(input: AvailableDecisionsInput = {}): ReviewDecision[] {
  if (input.networkApprovalContext !== undefined && input.networkApprovalContext !== null) {
    const allow = input.proposedNetworkPolicyAmendments?.find((a) => a.action === 'allow');
    return [
      'approved',
      'approved_for_session',
      ...(allow ? [{ network_policy_amendment: { network_policy_amendment: { ...allow } } }] : []),
      'abort',
    ];
  }
  if (input.additionalPermissions !== undefined && input.additionalPermissions !== null) return ['approved', 'abort'];
  const amendment = input.proposedExecpolicyAmendment;
  return [
    'approved',
    ...(amendment && amendment.length > 0
      ? [{ approved_execpolicy_amendment: { proposed_execpolicy_amendment: [...amendment] } }]
      : []),
    'abort',
  ];
}

/**
 * Policy and settings types of the wire protocol: approval decisions, approval policies,
 * sandbox policies and the small enums turns are configured with.
 */
import { z } from 'zod';

/** A prefix rule proposed for (or added to) the exec policy, as argv tokens. */
export const ExecPolicyAmendment = z.array(z.string());

/** A network allow/deny rule proposed by an approval request. */
export const NetworkPolicyAmendment = z.looseObject({ host: z.string(), action: z.enum(['allow', 'deny']) });

/**
 * The user's answer to an approval request. A bare string or an object with one key, as
 * serde writes externally tagged enums. Anything missing parses as `denied` (the default).
 * @example
 * ReviewDecision.parse('approved_for_session');
 * ReviewDecision.parse(undefined); // 'denied'
 */
export const ReviewDecision = z
  .union([
    z.enum(['approved', 'approved_for_session', 'denied', 'timed_out', 'abort']),
    z.object({
      approved_execpolicy_amendment: z.object({ proposed_execpolicy_amendment: ExecPolicyAmendment }),
    }),
    z.object({ network_policy_amendment: z.object({ network_policy_amendment: NetworkPolicyAmendment }) }),
  ])
  .default('denied');
export type ReviewDecision = z.infer<typeof ReviewDecision>;

/** The decision's kind, ignoring its payload. */
export type ReviewDecisionKind =
  | 'approved'
  | 'approved_for_session'
  | 'approved_execpolicy_amendment'
  | 'network_policy_amendment'
  | 'denied'
  | 'timed_out'
  | 'abort';

/**
 * Names the kind of a decision.
 * @example
 * reviewDecisionKind({ approved_execpolicy_amendment: { proposed_execpolicy_amendment: ['ls'] } });
 */
export function reviewDecisionKind(decision: ReviewDecision): ReviewDecisionKind {
  if (typeof decision === 'string') return decision;
  return 'approved_execpolicy_amendment' in decision ? 'approved_execpolicy_amendment' : 'network_policy_amendment';
}

/**
 * When the engine asks before running a command (kebab-case on the wire; default `on-request`).
 * @example
 * AskForApproval.parse(undefined); // 'on-request'
 */
export const AskForApproval = z
  .union([
    z.enum(['untrusted', 'on-failure', 'on-request', 'never']),
    z.object({
      granular: z.looseObject({
        sandbox_approval: z.boolean().default(true),
        rules: z.boolean().default(true),
        skill_approval: z.boolean().default(true),
        request_permissions: z.boolean().default(true),
        mcp_elicitations: z.boolean().default(true),
      }),
    }),
  ])
  .default('on-request');
export type AskForApproval = z.infer<typeof AskForApproval>;

/**
 * Where commands may write and whether they reach the network.
 * @example
 * SandboxPolicy.parse({ type: 'workspace-write' });
 */
export const SandboxPolicy = z.discriminatedUnion('type', [
  z.object({ type: z.literal('danger-full-access') }),
  z.object({ type: z.literal('read-only'), network_access: z.boolean().default(false) }),
  z.object({ type: z.literal('external-sandbox'), network_access: z.enum(['restricted', 'enabled']).default('restricted') }),
  z.object({
    type: z.literal('workspace-write'),
    writable_roots: z.array(z.string()).default([]),
    network_access: z.boolean().default(false),
    exclude_tmpdir_env_var: z.boolean().default(false),
    exclude_slash_tmp: z.boolean().default(false),
  }),
]);
export type SandboxPolicy = z.infer<typeof SandboxPolicy>;

export const ReasoningEffort = z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);
export type ReasoningEffort = z.infer<typeof ReasoningEffort>;
export const ReasoningSummary = z.enum(['auto', 'concise', 'detailed', 'none']);
export type ReasoningSummary = z.infer<typeof ReasoningSummary>;
export const ModeKind = z.enum(['default', 'plan', 'execute', 'pair_programming']);
export type ModeKind = z.infer<typeof ModeKind>;
export const CollaborationMode = z.looseObject({
  mode: ModeKind,
  settings: z.looseObject({ model: z.string().optional(), reasoning_effort: ReasoningEffort.nullish() }).optional(),
});
export type CollaborationMode = z.infer<typeof CollaborationMode>;
export const ApprovalsReviewer = z.enum(['user', 'guardian_subagent']);
export const TurnAbortReason = z.enum(['interrupted', 'replaced', 'review_ended', 'budget_limited']);
export type TurnAbortReason = z.infer<typeof TurnAbortReason>;

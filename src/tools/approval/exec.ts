/**
 * Whether a shell command runs, asks, or is refused — pure functions of the command and the
 * turn's policies. The rules, in order:
 *
 * 1. `require_escalated` is only meaningful under `on-request` (or granular); under any
 *    other approval policy the call is refused, telling the model to drop it.
 * 2. A command allowed by an exec-policy rule runs without the sandbox; one approved for
 *    the session runs without asking where it was approved to run (approved inside the
 *    sandbox, it asks again before running outside it).
 * 3. Unrestricted sandbox policies (`danger-full-access`, `external-sandbox`) run commands
 *    directly; `untrusted` still asks for anything not known safe, and destructive
 *    commands are asked about (refused under `never`).
 * 4. Restricted policies without a working sandbox: known-safe commands run (they are
 *    read-only by construction); everything else asks, and under `never` is refused.
 * 5. Restricted policies with the sandbox: `untrusted` runs known-safe commands sandboxed
 *    and asks for the rest; destructive commands ask; `on-request` asks when escalation is
 *    requested; otherwise the command runs sandboxed. After a sandbox denial,
 *    `untrusted`/`on-failure` ask to re-run unsandboxed (`decideRetryAfterSandboxDenial`);
 *    `on-request`/`never` report the failure to the model.
 */
import type { AskForApproval, SandboxPolicy } from '../../protocol/config.js';
import { approvalPolicyView, execApprovalKey, isApproved, isUnrestricted, type SandboxPermissions, type SessionApprovals } from './decisions.js';
import { matchesRules, type ExecPolicyRules } from './rules.js';
import { isDangerousCommand, isKnownSafeCommand, proposeAmendment } from './safe-commands.js';

/** Where an approved command runs. */
export type SandboxChoice = 'sandboxed' | 'none';

/** The outcome for a shell command. */
export type ExecDecision =
  | { kind: 'auto'; sandbox: SandboxChoice }
  | { kind: 'ask'; reason: string; proposedAmendment?: string[]; sandboxAfterApproval: SandboxChoice }
  | { kind: 'refuse'; reason: string };

/** Everything `decideExec` looks at. */
export interface ExecDecisionInput {
  argv: readonly string[];
  /** The command's working directory (part of the session-approval key). */
  cwd: string;
  approvalPolicy: AskForApproval;
  sandboxPolicy: SandboxPolicy;
  /** Whether bwrap works here (`sandboxAvailable()`). */
  sandboxAvailable: boolean;
  sandboxPermissions?: SandboxPermissions;
  /** The model's justification, shown as the reason when it asks for escalation. */
  justification?: string;
  approvedForSession: SessionApprovals;
  execPolicyRules: ExecPolicyRules;
}

const NO_SANDBOX =
  'no sandbox is available on this machine (bubblewrap is missing or cannot create namespaces)';

/**
 * Decides how a shell command proceeds (see the module comment for the rules).
 * @example
 * decideExec({ argv: ['ls'], cwd: '/ws', approvalPolicy: 'untrusted', sandboxPolicy: { type: 'read-only', network_access: false },
 *   sandboxAvailable: true, approvedForSession: new Set(), execPolicyRules: EMPTY_RULES });
 * // { kind: 'auto', sandbox: 'sandboxed' }
 */
export function decideExec(input: ExecDecisionInput): ExecDecision {
  const { argv } = input;
  if (argv.length === 0) return { kind: 'refuse', reason: 'empty command' };
  const policy = approvalPolicyView(input.approvalPolicy);
  const escalate = input.sandboxPermissions === 'require_escalated';
  if (escalate && policy.kind !== 'on-request') {
    return {
      kind: 'refuse',
      reason: `approval policy is ${policy.name}; escalated permissions (sandbox_permissions: require_escalated) may only be requested under on-request. Run the command without them.`,
    };
  }
  if (matchesRules(input.execPolicyRules, argv)) return { kind: 'auto', sandbox: 'none' };
  const unrestricted = isUnrestricted(input.sandboxPolicy);
  const sandboxed: SandboxChoice = unrestricted || !input.sandboxAvailable ? 'none' : 'sandboxed';
  // A session approval covers where the user saw the command run: in the sandbox, or outside it.
  const wanted: SandboxChoice = escalate ? 'none' : sandboxed;
  if (isApproved(input.approvedForSession, execApprovalKey(argv, input.cwd, wanted))) return { kind: 'auto', sandbox: wanted };
  if (wanted === 'sandboxed' && isApproved(input.approvedForSession, execApprovalKey(argv, input.cwd, 'none'))) return { kind: 'auto', sandbox: wanted };
  const safe = isKnownSafeCommand(argv);
  const dangerous = !safe && isDangerousCommand(argv);
  const ask = (reason: string, after: SandboxChoice): ExecDecision =>
    policy.noPrompts
      ? { kind: 'refuse', reason: `${reason}; approval policy ${policy.name} does not allow asking the user, so the command was not run` }
      : { kind: 'ask', reason, ...(dangerous ? {} : { proposedAmendment: proposeAmendment(argv) }), sandboxAfterApproval: after };

  if (safe) return { kind: 'auto', sandbox: sandboxed };
  if (!unrestricted && !input.sandboxAvailable) return ask(`${NO_SANDBOX}; the command would run unsandboxed`, 'none');
  if (policy.kind === 'untrusted') {
    return ask('approval policy is untrusted: only known read-only commands run without approval', sandboxed);
  }
  if (dangerous) return ask('the command looks destructive', sandboxed);
  if (escalate && !unrestricted) {
    return ask(input.justification?.trim() || 'the command asks to run outside the sandbox', 'none');
  }
  return { kind: 'auto', sandbox: sandboxed };
}

/** What to do after a sandboxed command failed because of the sandbox. */
export type RetryDecision =
  | { kind: 'auto'; sandbox: 'none' }
  | { kind: 'ask'; reason: string; proposedAmendment?: string[]; sandboxAfterApproval: 'none' }
  | { kind: 'report'; reason: string };

/** Inputs of `decideRetryAfterSandboxDenial`. */
export interface RetryDecisionInput {
  argv: readonly string[];
  cwd: string;
  approvalPolicy: AskForApproval;
  sandboxPolicy: SandboxPolicy;
  approvedForSession: SessionApprovals;
}

/**
 * After a sandbox denial: `untrusted` and `on-failure` ask to re-run without the sandbox
 * (or re-run at once if approved for the session); other policies report the failure.
 * @example
 * decideRetryAfterSandboxDenial({ argv: ['touch', '/etc/x'], cwd: '/ws', approvalPolicy: 'on-failure',
 *   sandboxPolicy: { type: 'read-only', network_access: false }, approvedForSession: false }).kind; // 'ask'
 */
export function decideRetryAfterSandboxDenial(input: RetryDecisionInput): RetryDecision {
  const policy = approvalPolicyView(input.approvalPolicy);
  if (isUnrestricted(input.sandboxPolicy)) return { kind: 'report', reason: 'the command did not run in a sandbox' };
  if (policy.kind !== 'untrusted' && policy.kind !== 'on-failure') {
    return { kind: 'report', reason: `approval policy ${policy.name} does not retry sandbox denials without the sandbox` };
  }
  if (isApproved(input.approvedForSession, execApprovalKey(input.argv, input.cwd, 'none'))) return { kind: 'auto', sandbox: 'none' };
  return {
    kind: 'ask',
    reason: 'the command failed in the sandbox; run it again without the sandbox?',
    ...(isDangerousCommand(input.argv) ? {} : { proposedAmendment: proposeAmendment(input.argv) }),
    sandboxAfterApproval: 'none',
  };
}

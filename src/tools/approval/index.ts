/** Approval decisions for shell commands and patches, exec-policy rules, and session keys. */
export { decideExec, decideRetryAfterSandboxDenial, type ExecDecision, type ExecDecisionInput, type RetryDecision, type RetryDecisionInput, type SandboxChoice } from './exec.js';
export { decidePatch, decidePatchForPaths, type PatchDecision, type PatchDecisionInput, type PatchPathsInput, type PatchSandbox } from './patch.js';
export { isKnownSafeCommand, isDangerousCommand, proposeAmendment, commandsOf, KNOWN_SAFE_PROGRAMS } from './safe-commands.js';
export { argsAllowed, resolveLongOption, type Arity, type OptionSpec } from './option-check.js';
export { splitShellScript, shellScriptOf, programName } from './shell-words.js';
export { loadRules, appendRule, addRule, matchesRules, EMPTY_RULES, ExecPolicyRule, type ExecPolicyRules } from './rules.js';
export {
  defaultAvailableDecisions,
  execApprovalKey,
  patchApprovalKey,
  isApproved,
  approvalPolicyView,
  isUnrestricted,
  type AvailableDecisionsInput,
  type PolicyView,
  type SandboxPermissions,
  type SessionApprovals,
} from './decisions.js';

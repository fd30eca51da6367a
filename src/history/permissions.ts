/**
 * Plain-language descriptions of the sandbox and approval settings, for the model.
 */
import type { AskForApproval, SandboxPolicy } from '../protocol/config.js';

/**
 * The sandbox mode's wire name (`read-only`, `workspace-write`, …).
 * @example
 * sandboxModeName({ type: 'danger-full-access' }); // 'danger-full-access'
 */
export function sandboxModeName(policy: SandboxPolicy): string {
  return policy.type;
}

/**
 * `enabled` or `restricted`: whether commands can reach the network.
 * @example
 * networkAccess({ type: 'read-only', network_access: false }); // 'restricted'
 */
export function networkAccess(policy: SandboxPolicy): 'enabled' | 'restricted' {
  switch (policy.type) {
    case 'danger-full-access':
      return 'enabled';
    case 'external-sandbox':
      return policy.network_access;
    default:
      return policy.network_access ? 'enabled' : 'restricted';
  }
}

function networkSentence(policy: SandboxPolicy): string {
  return networkAccess(policy) === 'enabled'
    ? 'Network access is available to commands.'
    : 'Network access is blocked for commands run in the sandbox.';
}

/**
 * What the sandbox lets commands do, in a few sentences.
 * @example
 * describeSandboxPolicy({ type: 'read-only', network_access: false }, '/repo');
 */
export function describeSandboxPolicy(policy: SandboxPolicy, cwd: string): string {
  switch (policy.type) {
    case 'danger-full-access':
      return 'Sandbox: none. Commands run with the full rights of the user: they can change any file and use the network.';
    case 'read-only':
      return `Sandbox: read-only. Commands may read files anywhere but cannot create, change or delete any file. ${networkSentence(policy)}`;
    case 'external-sandbox':
      return `Sandbox: provided by the environment the agent runs in; its limits are not enforced by the agent itself. ${networkSentence(policy)}`;
    case 'workspace-write': {
      const roots = [cwd, ...policy.writable_roots];
      if (!policy.exclude_slash_tmp) roots.push('/tmp');
      if (!policy.exclude_tmpdir_env_var) roots.push('$TMPDIR');
      return `Sandbox: workspace-write. Commands may read files anywhere and write only under: ${roots.join(', ')}. ${networkSentence(policy)}`;
    }
  }
}

/**
 * When the agent has to ask the user before running something, in a few sentences.
 * @example
 * describeApprovalPolicy('never');
 */
export function describeApprovalPolicy(policy: AskForApproval): string {
  if (typeof policy !== 'string') {
    const g = policy.granular;
    const asks = [
      g.sandbox_approval && 'running a command outside the sandbox',
      g.rules && 'commands matched by approval rules',
      g.skill_approval && 'using skills that need approval',
      g.request_permissions && 'requesting extra permissions',
      g.mcp_elicitations && 'questions from MCP servers',
    ].filter((entry): entry is string => typeof entry === 'string');
    const which = asks.length > 0 ? asks.join('; ') : 'nothing';
    return `Approvals: granular. The user is asked about: ${which}. Anything else that the sandbox blocks is refused without asking.`;
  }
  switch (policy) {
    case 'untrusted':
      return 'Approvals: untrusted. Only commands known to be safe and read-only run on their own; every other command waits for the user to approve it.';
    case 'on-failure':
      return 'Approvals: on-failure. Commands run in the sandbox first; when one fails because of the sandbox, you may ask the user to run it again without the sandbox.';
    case 'on-request':
      return 'Approvals: on-request. Commands run in the sandbox. When a command truly needs more (writing elsewhere, the network), request escalated permissions with a one-sentence reason and the user decides.';
    case 'never':
      return 'Approvals: never. The user will not be asked anything. Stay within the sandbox; when something is blocked, find another way or explain what could not be done.';
  }
}

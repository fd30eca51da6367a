import { describe, expect, it } from 'vitest';
import {
  EMPTY_RULES,
  decideExec,
  decidePatchForPaths,
  decideRetryAfterSandboxDenial,
  defaultAvailableDecisions,
  execApprovalKey,
  patchApprovalKey,
  type ExecDecisionInput,
} from '../../../src/tools/approval/index.js';
import type { SandboxPolicy } from '../../../src/protocol/config.js';

const workspace: SandboxPolicy = { type: 'workspace-write', writable_roots: [], network_access: false, exclude_tmpdir_env_var: false, exclude_slash_tmp: false };
const base: ExecDecisionInput = {
  argv: ['npm', 'test'],
  cwd: '/ws',
  approvalPolicy: 'on-request',
  sandboxPolicy: workspace,
  sandboxAvailable: true,
  approvedForSession: new Set(),
  execPolicyRules: EMPTY_RULES,
};

describe('decideExec — details beyond the matrix', () => {
  it('asks on-request escalations with the justification and an amendment, running unsandboxed after approval', () => {
    expect(decideExec({ ...base, sandboxPermissions: 'require_escalated', justification: 'needs network to install' })).toEqual({
      kind: 'ask',
      reason: 'needs network to install',
      proposedAmendment: ['npm', 'test'],
      sandboxAfterApproval: 'none',
    });
  });

  it('refuses escalation requests under other approval policies', () => {
    for (const approvalPolicy of ['untrusted', 'on-failure', 'never'] as const) {
      const d = decideExec({ ...base, approvalPolicy, sandboxPermissions: 'require_escalated' });
      expect(d).toMatchObject({ kind: 'refuse', reason: expect.stringContaining(`approval policy is ${approvalPolicy}`) });
    }
  });

  it('runs exec-policy matches unsandboxed and session approvals without asking', () => {
    expect(decideExec({ ...base, approvalPolicy: 'untrusted', execPolicyRules: { prefixes: [['npm']] } })).toEqual({ kind: 'auto', sandbox: 'none' });
    const approved = new Set([execApprovalKey(['npm', 'test'], '/ws')]);
    expect(decideExec({ ...base, approvalPolicy: 'untrusted', approvedForSession: approved })).toEqual({ kind: 'auto', sandbox: 'sandboxed' });
    expect(decideExec({ ...base, approvalPolicy: 'untrusted', approvedForSession: approved, cwd: '/other' }).kind).toBe('ask');
    expect(decideExec({ ...base, approvalPolicy: 'untrusted', approvedForSession: true }).kind).toBe('auto');
  });

  it('a session approval keeps its sandbox: approved inside it, running outside it asks again', () => {
    const escalated = { ...base, approvalPolicy: 'on-request' as const, sandboxPermissions: 'require_escalated' as const, justification: 'needs it' };
    const inside = new Set([execApprovalKey(['npm', 'test'], '/ws', 'sandboxed')]);
    const outside = new Set([execApprovalKey(['npm', 'test'], '/ws', 'none')]);
    expect(decideExec({ ...escalated, approvedForSession: inside }).kind).toBe('ask');
    expect(decideExec({ ...escalated, approvedForSession: outside })).toEqual({ kind: 'auto', sandbox: 'none' });
    // Approved outside the sandbox covers a sandboxed run too.
    expect(decideExec({ ...base, approvalPolicy: 'untrusted', approvedForSession: outside })).toEqual({ kind: 'auto', sandbox: 'sandboxed' });
    const retry = { argv: ['npm', 'test'], cwd: '/ws', approvalPolicy: 'untrusted' as const, sandboxPolicy: base.sandboxPolicy };
    expect(decideRetryAfterSandboxDenial({ ...retry, approvedForSession: inside }).kind).toBe('ask');
    expect(decideRetryAfterSandboxDenial({ ...retry, approvedForSession: outside })).toEqual({ kind: 'auto', sandbox: 'none' });
  });

  it('without a sandbox: known-safe commands run, others ask, and never refuses with a reason for the model', () => {
    const noSandbox = { ...base, sandboxAvailable: false };
    expect(decideExec({ ...noSandbox, argv: ['ls'] })).toEqual({ kind: 'auto', sandbox: 'none' });
    expect(decideExec(noSandbox)).toMatchObject({ kind: 'ask', reason: expect.stringContaining('no sandbox is available'), sandboxAfterApproval: 'none' });
    const refused = decideExec({ ...noSandbox, approvalPolicy: 'never' });
    expect(refused).toMatchObject({ kind: 'refuse' });
    expect(refused.kind === 'refuse' && refused.reason).toMatch(/no sandbox is available.*approval policy never does not allow asking/);
    expect(decideExec({ ...noSandbox, sandboxPolicy: { type: 'danger-full-access' }, approvalPolicy: 'never' })).toEqual({ kind: 'auto', sandbox: 'none' });
  });

  it('asks about destructive commands, refusing them under never, and offers no amendment for them', () => {
    expect(decideExec({ ...base, argv: ['rm', '-rf', 'build'] })).toEqual({ kind: 'ask', reason: 'the command looks destructive', sandboxAfterApproval: 'sandboxed' });
    expect(decideExec({ ...base, argv: ['rm', '-rf', 'build'], approvalPolicy: 'never', sandboxPolicy: { type: 'danger-full-access' } }).kind).toBe('refuse');
  });

  it('treats granular like on-request, refusing instead of asking when sandbox approvals are off', () => {
    const granular = (sandbox_approval: boolean) => ({ granular: { sandbox_approval, rules: true, skill_approval: true, request_permissions: true, mcp_elicitations: true } });
    expect(decideExec({ ...base, approvalPolicy: granular(true) })).toEqual({ kind: 'auto', sandbox: 'sandboxed' });
    expect(decideExec({ ...base, approvalPolicy: granular(true), sandboxPermissions: 'require_escalated' }).kind).toBe('ask');
    expect(decideExec({ ...base, approvalPolicy: granular(false), sandboxPermissions: 'require_escalated' }).kind).toBe('refuse');
  });

  it('refuses an empty command', () => {
    expect(decideExec({ ...base, argv: [] })).toEqual({ kind: 'refuse', reason: 'empty command' });
  });
});

describe('decideRetryAfterSandboxDenial', () => {
  const retry = { argv: ['make'], cwd: '/ws', sandboxPolicy: workspace, approvedForSession: false } as const;
  it('asks under untrusted and on-failure, reports under on-request and never', () => {
    expect(decideRetryAfterSandboxDenial({ ...retry, approvalPolicy: 'on-failure' })).toEqual({
      kind: 'ask',
      reason: 'the command failed in the sandbox; run it again without the sandbox?',
      proposedAmendment: ['make'],
      sandboxAfterApproval: 'none',
    });
    expect(decideRetryAfterSandboxDenial({ ...retry, approvalPolicy: 'untrusted' }).kind).toBe('ask');
    expect(decideRetryAfterSandboxDenial({ ...retry, approvalPolicy: 'on-request' }).kind).toBe('report');
    expect(decideRetryAfterSandboxDenial({ ...retry, approvalPolicy: 'never' }).kind).toBe('report');
    expect(decideRetryAfterSandboxDenial({ ...retry, approvalPolicy: 'on-failure', approvedForSession: true })).toEqual({ kind: 'auto', sandbox: 'none' });
  });
});

describe('patch session approvals', () => {
  const input = { paths: ['/ws/a.txt', '/ws/sub/b.txt'], outsidePaths: [], approvalPolicy: 'untrusted', sandboxPolicy: workspace } as const;
  it('covers a patch by its path set, or by approved files or directories above each path', () => {
    expect(decidePatchForPaths({ ...input, approvedForSession: new Set() }).kind).toBe('ask');
    expect(decidePatchForPaths({ ...input, approvedForSession: new Set([patchApprovalKey(['/ws/sub/b.txt', '/ws/a.txt'])]) }).kind).toBe('auto');
    expect(decidePatchForPaths({ ...input, approvedForSession: new Set([patchApprovalKey(['/ws'])]) }).kind).toBe('auto');
    expect(decidePatchForPaths({ ...input, approvedForSession: new Set([patchApprovalKey(['/ws/sub'])]) }).kind).toBe('ask');
  });
});

describe('defaultAvailableDecisions', () => {
  it('follows SPEC §1.4', () => {
    expect(defaultAvailableDecisions({ networkApprovalContext: { host: 'example.com' }, proposedNetworkPolicyAmendments: [{ host: 'example.com', action: 'allow' }] })).toEqual([
      'approved',
      'approved_for_session',
      { network_policy_amendment: { network_policy_amendment: { host: 'example.com', action: 'allow' } } },
      'abort',
    ]);
    expect(defaultAvailableDecisions({ networkApprovalContext: {} })).toEqual(['approved', 'approved_for_session', 'abort']);
    expect(defaultAvailableDecisions({ additionalPermissions: { network: true }, proposedExecpolicyAmendment: ['x'] })).toEqual(['approved', 'abort']);
    expect(defaultAvailableDecisions({ proposedExecpolicyAmendment: ['npm', 'test'] })).toEqual([
      'approved',
      { approved_execpolicy_amendment: { proposed_execpolicy_amendment: ['npm', 'test'] } },
      'abort',
    ]);
    expect(defaultAvailableDecisions()).toEqual(['approved', 'abort']);
  });
});

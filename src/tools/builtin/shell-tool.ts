/**
 * The `shell` tool: decide (auto / ask / refuse), maybe ask, run in the sandbox the decision
 * names, and offer an unsandboxed re-run after a sandbox denial where the policy allows it.
 *
 * Invariants: `exec_command_begin` is emitted before any approval request; a command runs
 * only after an approval whose id is this call's id resolved as approved; a declined or
 * refused command never starts a process; an interrupted command's process group is
 * terminated before the call returns.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { reviewDecisionKind, type SandboxPolicy } from '../../protocol/index.js';
import { abortError, type EngineContext } from '../turn-context.js';
import { defineTool, type ToolCallContext, type ToolDefinition } from '../router.js';
import { addRule, decideExec, decideRetryAfterSandboxDenial, defaultAvailableDecisions, EMPTY_RULES, execApprovalKey, matchesRules, type SandboxChoice } from '../approval/index.js';
import { hostSpec, isLikelySandboxDenial, sandboxSpecFor, type SandboxSpec } from '../sandbox/index.js';
import { abortedOutput, formatExecOutputForModel, runCommand, type ExecResult } from '../shell/index.js';
import { DEFAULT_SHELL_TIMEOUT_MS, SHELL_TOOL } from '../specs.js';
import { DUPLICATE_CALL_ID_MESSAGE, isWaiting, requestCallApproval } from './approval-wait.js';
import { emitExecBegin, execEndEvent, outputDeltas, type ExecCall } from './exec-events.js';
import { acceptAmendment, execPolicyRules, execSessionApprovals, sandboxAvailableFor } from './exec-policy.js';

/**
 * Grace between SIGTERM and SIGKILL for tool commands: short enough that an interrupted
 * command is gone (and its "aborted by user" output recorded) within the turn's 100 ms grace.
 * @example
 * await runCommand({ argv, cwd, killGraceMs: COMMAND_KILL_GRACE_MS });
 */
export const COMMAND_KILL_GRACE_MS = 50;

/**
 * The output the model receives for a command the user declined.
 * @example
 * EXEC_REJECTED_MESSAGE; // 'exec command rejected by user'
 */
export const EXEC_REJECTED_MESSAGE = 'exec command rejected by user';

const ShellParameters = z.object({
  command: z.array(z.string()).min(1).describe('The program and its arguments; use ["bash", "-lc", "<script>"] for shell syntax.'),
  workdir: z.string().nullish().describe('Directory to run in (default: the session working directory).'),
  timeout_ms: z.number().int().positive().nullish().describe(`Kill the command after this many milliseconds (default ${DEFAULT_SHELL_TIMEOUT_MS}).`),
  sandbox_permissions: z
    .enum(['use_default', 'require_escalated'])
    .nullish()
    .describe('require_escalated asks the user to run this command outside the sandbox (e.g. it needs the network or to write outside the workspace).'),
  justification: z.string().nullish().describe('With require_escalated: one sentence telling the user why.'),
});
type ShellParameters = z.infer<typeof ShellParameters>;

/** How an approval request ended for the command. */
type Answer = { kind: 'run'; sandbox: SandboxChoice } | { kind: 'rejected'; message: string };

function realDir(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** The policy's sandbox (writable roots from the session cwd, the home read-only), entered at the command's workdir. */
function sandboxFor(policy: SandboxPolicy, sessionCwd: string, workdir: string, home: string): SandboxSpec {
  const spec = sandboxSpecFor(policy, sessionCwd, { readOnly: [home] });
  return spec.kind === 'bwrap' ? { ...spec, cwd: realDir(workdir) } : spec;
}

/** Asks the user about `call`; resolves with what to do. Rejects with an AbortError on interrupt. */
async function ask(turn: EngineContext, call: ExecCall, reason: string, amendment: string[] | undefined, after: SandboxChoice): Promise<Answer> {
  if (isWaiting(turn, call.callId)) return { kind: 'rejected', message: DUPLICATE_CALL_ID_MESSAGE };
  turn.emit({
    type: 'exec_approval_request',
    call_id: call.callId,
    turn_id: call.turnId,
    command: call.command,
    cwd: call.cwd,
    reason,
    proposed_execpolicy_amendment: amendment ?? null,
    available_decisions: defaultAvailableDecisions({ proposedExecpolicyAmendment: amendment }),
    parsed_cmd: [],
  });
  const decision = await requestCallApproval(turn, call.callId, 'exec');
  if (decision === null) return { kind: 'rejected', message: DUPLICATE_CALL_ID_MESSAGE };
  if (typeof decision === 'object' && 'approved_execpolicy_amendment' in decision) {
    const prefix = decision.approved_execpolicy_amendment.proposed_execpolicy_amendment;
    await acceptAmendment(turn, prefix);
    // What the user allowed runs as the rules run it: outside the sandbox.
    return { kind: 'run', sandbox: matchesRules(addRule(EMPTY_RULES, prefix), call.command) ? 'none' : after };
  }
  switch (reviewDecisionKind(decision)) {
    case 'denied':
      return { kind: 'rejected', message: EXEC_REJECTED_MESSAGE };
    case 'approved_for_session':
      turn.approveForSession(execApprovalKey(call.command, call.cwd, after));
      return { kind: 'run', sandbox: after };
    case 'timed_out':
      return { kind: 'rejected', message: 'exec command rejected: the approval request timed out' };
    case 'abort':
      // Only reached after the turn was aborted and cleared its approvals.
      throw abortError();
    default:
      return { kind: 'run', sandbox: after };
  }
}

/** The `shell` call itself. */
async function runShellCall(args: ShellParameters, { callId, signal, turn }: ToolCallContext): Promise<string> {
  const settings = turn.settings;
  const cwd = path.resolve(settings.cwd, args.workdir ?? '.');
  const call: ExecCall = { callId, turnId: turn.turnId, command: args.command, cwd, source: 'agent' };
  emitExecBegin(turn, call);
  const policies = { approvalPolicy: settings.approval_policy, sandboxPolicy: settings.sandbox_policy };
  const bwrapWorks = await sandboxAvailableFor(turn);
  // Commands without file-system limits still get their own PID namespace where bwrap works.
  const unconfined = hostSpec(bwrapWorks);
  const decision = decideExec({
    argv: call.command,
    cwd,
    ...policies,
    sandboxAvailable: bwrapWorks,
    sandboxPermissions: args.sandbox_permissions ?? 'use_default',
    ...(args.justification ? { justification: args.justification } : {}),
    approvedForSession: execSessionApprovals(turn, call.command, cwd),
    execPolicyRules: await execPolicyRules(turn, call.command),
  });
  const decline = (message: string) => {
    turn.emit(execEndEvent(call, { kind: 'declined', message }));
    return message;
  };
  if (decision.kind === 'refuse') return decline(`exec command rejected: ${decision.reason}`);
  let sandbox = decision.kind === 'auto' ? decision.sandbox : decision.sandboxAfterApproval;
  if (decision.kind === 'ask') {
    const answer = await ask(turn, call, decision.reason, decision.proposedAmendment, sandbox);
    if (answer.kind === 'rejected') return decline(answer.message);
    sandbox = answer.sandbox;
  }

  const spec = sandbox === 'sandboxed' ? sandboxFor(settings.sandbox_policy, settings.cwd, cwd, turn.services.home) : unconfined;
  const run = (sandboxSpec: SandboxSpec): Promise<ExecResult> =>
    runCommand({
      argv: call.command,
      cwd,
      timeoutMs: args.timeout_ms ?? DEFAULT_SHELL_TIMEOUT_MS,
      signal,
      sandbox: sandboxSpec,
      onOutput: outputDeltas(turn, callId),
      killGraceMs: COMMAND_KILL_GRACE_MS,
    });
  let result = await run(spec);
  if (!result.aborted && isLikelySandboxDenial(result, spec)) {
    const retry = decideRetryAfterSandboxDenial({ argv: call.command, cwd, ...policies, approvedForSession: execSessionApprovals(turn, call.command, cwd) });
    if (retry.kind !== 'report') {
      const answer = retry.kind === 'ask' ? await ask(turn, call, retry.reason, retry.proposedAmendment, 'none') : { kind: 'run' as const, sandbox: 'none' as const };
      if (answer.kind === 'rejected') return decline(answer.message);
      result = await run(unconfined);
    }
  }
  if (result.aborted) {
    turn.emit(execEndEvent(call, { kind: 'aborted', durationMs: result.durationMs }));
    return abortedOutput(result.durationMs / 1000);
  }
  turn.emit(execEndEvent(call, { kind: 'ran', result }));
  return formatExecOutputForModel(result);
}

/**
 * The `shell` function tool (Codex arguments: `command`, `workdir`, `timeout_ms`,
 * `sandbox_permissions`, `justification`).
 * @example
 * const tools = [shellTool()];
 */
export function shellTool(): ToolDefinition<ShellParameters> {
  return defineTool({
    name: SHELL_TOOL.name,
    description: SHELL_TOOL.description,
    parameters: ShellParameters,
    shellLike: true,
    execute: (args, ctx) => runShellCall(args, ctx),
  });
}

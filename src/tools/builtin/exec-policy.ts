/**
 * What the `shell` tool consults before deciding: whether the sandbox works (warning once
 * per thread when it does not), the exec-policy rules (the rules file under the turnstate
 * home plus amendments accepted in this session), and the session's approvals.
 *
 * Invariant: an accepted exec-policy amendment applies at once for the rest of the session,
 * even when writing it to the rules file fails (the failure is reported with a `warning`).
 */
import path from 'node:path';
import type { EngineContext } from '../turn-context.js';
import { addRule, appendRule, commandsOf, EMPTY_RULES, execApprovalKey, isUnrestricted, loadRules, type ExecPolicyRules } from '../approval/index.js';
import { detectBwrap } from '../sandbox/index.js';

/**
 * The exec-policy rules file under a turnstate home (JSON lines, one allowed prefix each).
 * @example
 * rulesFile('/home/me/.turnstate'); // '/home/me/.turnstate/rules/default.jsonl'
 */
export function rulesFile(home: string): string {
  return path.join(home, 'rules', 'default.jsonl');
}

/** Threads already told that the sandbox is unavailable (ids only, a few bytes each). */
const warnedThreads = new Set<string>();

/**
 * Whether bwrap works here. The first time a thread with a restricted sandbox policy finds
 * it does not, a `warning` event says so (once per thread).
 * @example
 * const sandboxAvailable = await sandboxAvailableFor(turn);
 */
export async function sandboxAvailableFor(turn: EngineContext): Promise<boolean> {
  const status = await detectBwrap();
  if (status.available || isUnrestricted(turn.settings.sandbox_policy) || warnedThreads.has(turn.threadId)) return status.available;
  warnedThreads.add(turn.threadId);
  turn.emit({
    type: 'warning',
    message:
      `Sandboxed execution is unavailable (${status.reason ?? 'bwrap does not work here'}). ` +
      'Commands that would have run in the sandbox need approval, or are refused under approval policy never.',
  });
  return false;
}

/** The session-approval key of an accepted exec-policy amendment. */
const amendmentKey = (prefix: readonly string[]) => JSON.stringify(['execpolicy', prefix]);

/** Every argv prefix an amendment could have named for this command. */
function candidatePrefixes(argv: readonly string[]): string[][] {
  const seen = new Map<string, string[]>();
  for (const command of [[...argv], ...(commandsOf(argv) ?? [])]) {
    for (let i = 1; i <= command.length; i++) seen.set(JSON.stringify(command.slice(0, i)), command.slice(0, i));
  }
  return [...seen.values()];
}

/**
 * The rules that apply to `argv`: the rules file (a broken file is reported with a
 * `warning` and ignored) plus the amendments accepted earlier in this session.
 * @example
 * const rules = await execPolicyRules(turn, ['npm', 'test']);
 */
export async function execPolicyRules(turn: EngineContext, argv: readonly string[]): Promise<ExecPolicyRules> {
  let rules = EMPTY_RULES;
  try {
    rules = await loadRules(rulesFile(turn.services.home));
  } catch (e) {
    turn.emit({ type: 'warning', message: `Ignoring the exec policy rules: ${(e as Error).message}` });
  }
  for (const prefix of candidatePrefixes(argv)) {
    if (turn.isApprovedForSession(amendmentKey(prefix))) rules = addRule(rules, prefix);
  }
  return rules;
}

/**
 * Accepts an exec-policy amendment: it applies to this session at once and is appended to
 * the rules file; a write failure becomes a `warning` (the amendment still applies here).
 * @example
 * await acceptAmendment(turn, ['npm', 'test']);
 */
export async function acceptAmendment(turn: EngineContext, prefix: readonly string[]): Promise<void> {
  if (prefix.length === 0) return;
  turn.approveForSession(amendmentKey(prefix));
  try {
    await appendRule(rulesFile(turn.services.home), prefix);
  } catch (e) {
    turn.emit({ type: 'warning', message: `Failed to save the exec policy amendment: ${(e as Error).message}` });
  }
}

/**
 * The session approvals `decideExec` needs to see for one command (its keys, sandboxed and
 * unsandboxed, that the user approved for the session).
 * @example
 * decideExec({ ...input, approvedForSession: execSessionApprovals(turn, argv, cwd) });
 */
export function execSessionApprovals(turn: EngineContext, argv: readonly string[], cwd: string): ReadonlySet<string> {
  const keys = [execApprovalKey(argv, cwd, 'sandboxed'), execApprovalKey(argv, cwd, 'none')];
  return new Set(keys.filter((key) => turn.isApprovedForSession(key)));
}

/**
 * Whether a patch is applied, asked about, or refused. Patches are applied in-process by
 * `applyPatch`, which only writes the paths classified here, so the path check plays the
 * sandbox's part (bwrap availability does not matter for patches). The rules:
 *
 * - an empty patch is refused; a patch approved for the session is applied;
 * - `untrusted` asks for every patch;
 * - unrestricted sandbox policies apply patches directly;
 * - `read-only` asks for any write (refused under `never`);
 * - `workspace-write` applies patches that stay inside the writable roots and asks for the
 *   rest (refused under `never`). `on-failure` asks here too: an in-process write cannot
 *   fail in a sandbox first, so asking up front is the same question asked earlier.
 */
import path from 'node:path';
import type { AskForApproval, SandboxPolicy } from '../../protocol/config.js';
import type { FileChange } from '../../protocol/events.js';
import { changedPaths, pathsOutsideRoots } from '../apply-patch/paths.js';
import { writableRootsFor } from '../sandbox/spec.js';
import { approvalPolicyView, isApproved, isUnrestricted, patchApprovalKey, type SessionApprovals } from './decisions.js';

/** The outcome for a patch. */
export type PatchDecision =
  | { kind: 'auto' }
  | { kind: 'ask'; reason: string; outsidePaths: string[] }
  | { kind: 'refuse'; reason: string };

/** Everything `decidePatch` looks at. */
export interface PatchDecisionInput {
  changes: Readonly<Record<string, FileChange>>;
  cwd: string;
  /** Defaults to the roots the sandbox policy makes writable (`writableRootsFor`). */
  writableRoots?: readonly string[];
  approvalPolicy: AskForApproval;
  sandboxPolicy: SandboxPolicy;
  approvedForSession: SessionApprovals;
}

/** `decidePatchForPaths` input: the paths already classified. */
export interface PatchPathsInput {
  paths: readonly string[];
  outsidePaths: readonly string[];
  approvalPolicy: AskForApproval;
  sandboxPolicy: SandboxPolicy;
  approvedForSession: SessionApprovals;
}

function sessionApproved(paths: readonly string[], approvals: SessionApprovals): boolean {
  if (approvals === true || isApproved(approvals, patchApprovalKey(paths))) return true;
  if (approvals === false || paths.length === 0) return false;
  // Each path is covered when it, or a directory above it, was approved on its own.
  return paths.every((p) => {
    for (let dir = path.resolve(p); ; dir = path.dirname(dir)) {
      if (approvals.has(patchApprovalKey([dir]))) return true;
      if (path.dirname(dir) === dir) return false;
    }
  });
}

/**
 * The patch decision once paths are classified (pure).
 * @example
 * decidePatchForPaths({ paths: ['/ws/a'], outsidePaths: [], approvalPolicy: 'on-request',
 *   sandboxPolicy: { type: 'read-only', network_access: false }, approvedForSession: false }).kind; // 'ask'
 */
export function decidePatchForPaths(input: PatchPathsInput): PatchDecision {
  if (input.paths.length === 0) return { kind: 'refuse', reason: 'empty patch' };
  if (sessionApproved(input.paths, input.approvedForSession)) return { kind: 'auto' };
  const policy = approvalPolicyView(input.approvalPolicy);
  const ask = (reason: string, outsidePaths: readonly string[]): PatchDecision =>
    policy.noPrompts
      ? { kind: 'refuse', reason: `${reason}; rejected because approval policy ${policy.name} does not allow asking the user` }
      : { kind: 'ask', reason, outsidePaths: [...outsidePaths] };
  if (policy.kind === 'untrusted') return ask('approval policy is untrusted: every patch needs approval', input.outsidePaths);
  if (isUnrestricted(input.sandboxPolicy)) return { kind: 'auto' };
  if (input.sandboxPolicy.type === 'read-only') return ask('the sandbox is read-only: writing files needs approval', input.paths);
  if (input.outsidePaths.length === 0) return { kind: 'auto' };
  return ask(`the patch writes outside the writable roots: ${input.outsidePaths.join(', ')}`, input.outsidePaths);
}

/**
 * Classifies the patch's paths against the writable roots (following symlinks) and decides.
 * @example
 * await decidePatch({ changes: plan.changes, cwd: '/ws', approvalPolicy: 'never',
 *   sandboxPolicy: { type: 'workspace-write', writable_roots: [], network_access: false,
 *     exclude_tmpdir_env_var: false, exclude_slash_tmp: false }, approvedForSession: false });
 */
export async function decidePatch(input: PatchDecisionInput): Promise<PatchDecision> {
  const paths = changedPaths(input.changes);
  const roots = input.writableRoots ?? writableRootsFor(input.sandboxPolicy, input.cwd);
  const outsidePaths = roots === 'all' ? [] : await pathsOutsideRoots(paths, roots);
  return decidePatchForPaths({ ...input, paths, outsidePaths });
}

/**
 * Whether a patch is applied, asked about, or refused, and where an applied patch is
 * written. The rules:
 *
 * - an empty patch is refused; a patch approved for the session is applied;
 * - `untrusted` asks for every patch;
 * - unrestricted sandbox policies apply patches directly;
 * - `read-only` asks for any write (refused under `never`);
 * - `workspace-write` applies patches that stay inside the writable roots and touch no git
 *   metadata (`.git` at any depth, or a git directory a `.git` file names) nor a read-only
 *   root such as the turnstate home, and asks for the
 *   rest (refused under `never`, with the reason). `on-failure` asks here too: asking up front
 *   is the same question asked earlier. Without a working sandbox the writable roots shrink
 *   to the working directory.
 *
 * Where: a `workspace-write` patch inside the roots and clear of `.git` is written from a
 * child process in the bwrap sandbox when bwrap works (`sandbox: 'sandboxed'`), so the kernel
 * enforces the roots whatever happens on disk between this check and the write; everything
 * else is written in-process (`'none'`) — under restricted policies without following
 * symlinks below the working directory. The path check here is the first line, not the only
 * guard.
 */
import path from 'node:path';
import type { AskForApproval, SandboxPolicy } from '../../protocol/config.js';
import type { FileChange } from '../../protocol/events.js';
import { changedPaths, gitMetadataPaths, pathsOutsideRoots, realLocation } from '../apply-patch/paths.js';

/** The paths (among `paths`) that lie inside one of `roots`, symlinks resolved. */
async function pathsInsideRoots(paths: readonly string[], roots: readonly string[]): Promise<string[]> {
  const outside = new Set(await pathsOutsideRoots(paths, roots));
  return paths.filter((p) => !outside.has(p));
}
import { writableRootsFor } from '../sandbox/spec.js';
import { approvalPolicyView, isApproved, isUnrestricted, patchApprovalKey, type SessionApprovals } from './decisions.js';

/**
 * Where a patch is written: from a child process in the bwrap sandbox, or in-process.
 * @example
 * const where: PatchSandbox = decision.kind === 'auto' ? decision.sandbox : 'none';
 */
export type PatchSandbox = 'sandboxed' | 'none';

/** The outcome for a patch. */
export type PatchDecision =
  | { kind: 'auto'; sandbox: PatchSandbox }
  | { kind: 'ask'; reason: string; outsidePaths: string[]; sandboxAfterApproval: PatchSandbox }
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
  /** Whether bwrap works here (default true); without it only the cwd is writable. */
  sandboxAvailable?: boolean;
  /** Directories that stay read-only even inside the writable roots (the turnstate home). */
  readOnlyRoots?: readonly string[];
}

/** `decidePatchForPaths` input: the paths already classified. */
export interface PatchPathsInput {
  paths: readonly string[];
  outsidePaths: readonly string[];
  /** Paths that are git metadata (default none). */
  gitPaths?: readonly string[];
  /** Paths inside a read-only root such as the turnstate home (default none). */
  protectedPaths?: readonly string[];
  approvalPolicy: AskForApproval;
  sandboxPolicy: SandboxPolicy;
  approvedForSession: SessionApprovals;
  /** Whether bwrap works here (default true). */
  sandboxAvailable?: boolean;
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
  const gitPaths = input.gitPaths ?? [];
  const protectedPaths = input.protectedPaths ?? [];
  const confined =
    input.sandboxPolicy.type === 'workspace-write' && input.sandboxAvailable !== false && input.outsidePaths.length === 0 && gitPaths.length === 0 && protectedPaths.length === 0;
  const sandbox: PatchSandbox = confined ? 'sandboxed' : 'none';
  if (sessionApproved(input.paths, input.approvedForSession)) return { kind: 'auto', sandbox };
  const policy = approvalPolicyView(input.approvalPolicy);
  const ask = (reason: string, outsidePaths: readonly string[]): PatchDecision =>
    policy.noPrompts
      ? { kind: 'refuse', reason: `${reason}; rejected because approval policy ${policy.name} does not allow asking the user` }
      : { kind: 'ask', reason, outsidePaths: [...outsidePaths], sandboxAfterApproval: sandbox };
  if (policy.kind === 'untrusted') return ask('approval policy is untrusted: every patch needs approval', input.outsidePaths);
  if (isUnrestricted(input.sandboxPolicy)) return { kind: 'auto', sandbox: 'none' };
  if (input.sandboxPolicy.type === 'read-only') return ask('the sandbox is read-only: writing files needs approval', input.paths);
  const reasons = [
    ...(input.outsidePaths.length > 0 ? [`the patch writes outside the writable roots: ${input.outsidePaths.join(', ')}`] : []),
    ...(gitPaths.length > 0 ? [`the patch writes git metadata (.git stays read-only): ${gitPaths.join(', ')}`] : []),
    ...(protectedPaths.length > 0 ? [`the patch writes the turnstate home (it stays read-only): ${protectedPaths.join(', ')}`] : []),
  ];
  if (reasons.length === 0) return { kind: 'auto', sandbox };
  return ask(reasons.join('; '), [...new Set([...input.outsidePaths, ...gitPaths, ...protectedPaths])]);
}

/**
 * Classifies the patch's paths against the writable roots (following symlinks) and git
 * metadata, and decides.
 * @example
 * await decidePatch({ changes: plan.changes, cwd: '/ws', approvalPolicy: 'never',
 *   sandboxPolicy: { type: 'workspace-write', writable_roots: [], network_access: false,
 *     exclude_tmpdir_env_var: false, exclude_slash_tmp: false }, approvedForSession: false });
 */
export async function decidePatch(input: PatchDecisionInput): Promise<PatchDecision> {
  const paths = changedPaths(input.changes);
  const policyRoots = input.writableRoots ?? writableRootsFor(input.sandboxPolicy, input.cwd);
  // Without a sandbox to back the check, only the working directory is writable unasked.
  const roots = policyRoots === 'all' || input.sandboxAvailable !== false ? policyRoots : [await realLocation(input.cwd)];
  const outsidePaths = roots === 'all' ? [] : await pathsOutsideRoots(paths, roots);
  const gitPaths = input.sandboxPolicy.type === 'workspace-write' ? await gitMetadataPaths(paths) : [];
  const protectedPaths = input.sandboxPolicy.type === 'workspace-write' && input.readOnlyRoots ? await pathsInsideRoots(paths, input.readOnlyRoots) : [];
  return decidePatchForPaths({ ...input, paths, outsidePaths, gitPaths, protectedPaths });
}

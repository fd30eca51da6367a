/**
 * The `apply_patch` tool (function form `{ input }` or freeform): plan and verify the
 * patch, decide (auto / ask / refuse), apply it atomically, and track the turn's net diff
 * for `turn_diff`.
 *
 * Invariants: nothing is written unless the decision was auto or the user approved this
 * call's id; a patch whose files changed while the user was deciding is not applied; the
 * patch calls of one turn run one at a time (two patches planned against the same original
 * would otherwise overwrite each other); a patch the decision confines to the sandbox is
 * written by a child process inside it, so the kernel holds the writable roots.
 */
import path from 'node:path';
import { z } from 'zod';
import { reviewDecisionKind, type FileChange } from '../../protocol/index.js';
import { abortError, type EngineContext } from '../turn-context.js';
import { defineTool, type ToolCallContext, type ToolDefinition } from '../router.js';
import {
  applyPatch,
  changedPaths,
  formatPatchSummary,
  noFollowPatchFs,
  planPatch,
  SandboxedPatchWriter,
  TurnDiffTracker,
  type ApplyPatchOptions,
  type PatchPlan,
} from '../apply-patch/index.js';
import { decidePatch, isUnrestricted, patchApprovalKey, type PatchSandbox } from '../approval/index.js';
import { sandboxSpecFor } from '../sandbox/index.js';
import { sandboxAvailableFor } from './exec-policy.js';
import { APPLY_PATCH_CUSTOM_TOOL, APPLY_PATCH_FUNCTION_TOOL } from '../specs.js';
import { DUPLICATE_CALL_ID_MESSAGE, isWaiting, requestCallApproval } from './approval-wait.js';

/**
 * The output the model receives for a patch the user declined.
 * @example
 * PATCH_REJECTED_MESSAGE; // 'patch rejected by user'
 */
export const PATCH_REJECTED_MESSAGE = 'patch rejected by user';

const TRACKER_KEY = 'builtin.apply_patch.turn_diff';
const LOCK_KEY = 'builtin.apply_patch.lock';
const WRITER_KEY = 'builtin.apply_patch.writer';

const PatchParameters = z.object({ input: z.string().min(1).describe('The whole patch text.') });
type PatchParameters = z.infer<typeof PatchParameters>;

/** The turn's diff tracker, created on first use. */
function trackerFor(turn: EngineContext): TurnDiffTracker {
  let tracker = turn.scratch.get(TRACKER_KEY);
  if (!(tracker instanceof TurnDiffTracker)) {
    tracker = new TurnDiffTracker(turn.settings.cwd);
    turn.scratch.set(TRACKER_KEY, tracker);
  }
  return tracker as TurnDiffTracker;
}

/** Runs `fn` after the turn's earlier patch calls have finished. */
function oneAtATime<T>(turn: EngineContext, fn: () => Promise<T>): Promise<T> {
  const previous = (turn.scratch.get(LOCK_KEY) as Promise<void> | undefined) ?? Promise.resolve();
  const run = previous.then(fn);
  turn.scratch.set(LOCK_KEY, run.then(() => undefined, () => undefined));
  return run;
}

/** The session approvals that could cover `paths`: the whole set, each path, each directory above. */
function patchSessionApprovals(turn: EngineContext, paths: readonly string[]): ReadonlySet<string> {
  const keys = new Set([patchApprovalKey(paths)]);
  for (const p of paths) {
    for (let dir = path.resolve(p); ; dir = path.dirname(dir)) {
      keys.add(patchApprovalKey([dir]));
      if (path.dirname(dir) === dir) break;
    }
  }
  return new Set([...keys].filter((k) => turn.isApprovedForSession(k)));
}

/**
 * How a patch's writes reach the disk: from the turn's sandboxed writer (one child per
 * sandbox shape, closed when idle or when the turn is aborted), or in-process — without
 * following symlinks below the cwd unless the policy puts no limits on the file system.
 */
function writeOptions(turn: EngineContext, where: PatchSandbox): ApplyPatchOptions {
  const { cwd, sandbox_policy: policy } = turn.settings;
  if (where === 'none') return isUnrestricted(policy) ? { cwd } : { cwd, fs: noFollowPatchFs(cwd) };
  const spec = sandboxSpecFor(policy, cwd, { readOnly: [turn.services.home] });
  if (spec.kind !== 'bwrap') return { cwd, fs: noFollowPatchFs(cwd) };
  const key = `${WRITER_KEY}:${JSON.stringify(spec)}`;
  let writer = turn.scratch.get(key);
  if (!(writer instanceof SandboxedPatchWriter)) {
    const created = new SandboxedPatchWriter(spec);
    turn.signal.addEventListener('abort', () => created.close(), { once: true });
    turn.scratch.set(key, created);
    writer = created;
  }
  return { cwd, writer: (writer as SandboxedPatchWriter).write };
}

const sameChanges = (a: Record<string, FileChange>, b: Record<string, FileChange>) => JSON.stringify(a) === JSON.stringify(b);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function runPatchCall(input: string, { callId, turn }: ToolCallContext): Promise<string> {
  const { cwd, approval_policy: approvalPolicy, sandbox_policy: sandboxPolicy } = turn.settings;
  let plan: PatchPlan;
  try {
    plan = await planPatch(input, cwd);
  } catch (e) {
    return `apply_patch verification failed: ${messageOf(e)}`;
  }
  const paths = changedPaths(plan.changes);
  const policies = { cwd, approvalPolicy, sandboxPolicy, sandboxAvailable: await sandboxAvailableFor(turn), readOnlyRoots: [turn.services.home] };
  const decision = await decidePatch({ ...policies, changes: plan.changes, approvedForSession: patchSessionApprovals(turn, paths) });
  const ids = { call_id: callId, turn_id: turn.turnId };
  turn.emit({ type: 'patch_apply_begin', ...ids, auto_approved: decision.kind === 'auto', changes: plan.changes });
  const end = (status: 'completed' | 'failed' | 'declined', stdout: string, stderr: string) =>
    turn.emit({ type: 'patch_apply_end', ...ids, stdout, stderr, success: status === 'completed', changes: plan.changes, status });

  const declined = (message: string) => {
    end('declined', '', message);
    return message;
  };
  if (decision.kind === 'refuse') return declined(`patch rejected: ${decision.reason}`);
  let where = decision.kind === 'auto' ? decision.sandbox : decision.sandboxAfterApproval;
  if (decision.kind === 'ask') {
    if (isWaiting(turn, callId)) return declined(DUPLICATE_CALL_ID_MESSAGE);
    turn.emit({ type: 'apply_patch_approval_request', ...ids, changes: plan.changes, reason: decision.reason, grant_root: null });
    const decided = await requestCallApproval(turn, callId, 'patch');
    if (decided === null) return declined(DUPLICATE_CALL_ID_MESSAGE);
    const answer = reviewDecisionKind(decided);
    if (answer === 'abort') throw abortError(); // only after the turn was aborted
    if (answer === 'denied' || answer === 'timed_out') return declined(PATCH_REJECTED_MESSAGE);
    if (answer === 'approved_for_session') for (const p of paths) turn.approveForSession(patchApprovalKey([p]));
    // The files may have changed while the user decided (a new symlink can move a path out
    // of the workspace): apply only what was approved, where it was approved.
    const fresh = await planPatch(input, cwd).catch(() => null);
    const approvedOutside = new Set(decision.outsidePaths);
    const now = fresh && sameChanges(fresh.changes, plan.changes) ? await decidePatch({ ...policies, changes: fresh.changes, approvedForSession: patchSessionApprovals(turn, paths) }) : null;
    if (!fresh || !now || now.kind === 'refuse' || (now.kind === 'ask' && now.outsidePaths.some((p) => !approvedOutside.has(p)))) {
      const message = 'the files changed while waiting for approval; the patch was not applied';
      end('failed', '', message);
      return `apply_patch failed: ${message}`;
    }
    plan = fresh;
    where = now.kind === 'auto' ? now.sandbox : now.sandboxAfterApproval;
  }
  try {
    await trackerFor(turn).trackChanges(plan.changes);
    const summary = formatPatchSummary(await applyPatch(plan, writeOptions(turn, where)), cwd);
    end('completed', summary, '');
    return summary;
  } catch (e) {
    end('failed', '', messageOf(e));
    return `apply_patch failed: ${messageOf(e)}`;
  }
}

/**
 * Emits `turn_diff` with the turn's net diff when it is not empty (after each completed
 * sampling request, as Codex does), and closes the turn's sandboxed patch writers.
 * @example
 * await emitTurnDiff(turn);
 */
export async function emitTurnDiff(turn: EngineContext): Promise<void> {
  // The sampling request's tool calls are done: its sandboxed writers are not needed any more.
  for (const [key, value] of turn.scratch) if (key.startsWith(WRITER_KEY) && value instanceof SandboxedPatchWriter) value.close();
  const tracker = turn.scratch.get(TRACKER_KEY);
  if (!(tracker instanceof TurnDiffTracker)) return;
  const diff = await tracker.unifiedDiff();
  if (diff !== '') turn.emit({ type: 'turn_diff', unified_diff: diff });
}

/**
 * The `apply_patch` tool: a function tool taking `{ input }`, or (with `freeform`) a
 * custom tool whose raw input is the patch, constrained by the patch grammar.
 * @example
 * const tools = [applyPatchTool({ freeform: false })];
 */
export function applyPatchTool(options: { freeform: boolean }): ToolDefinition<PatchParameters> {
  const spec = options.freeform ? APPLY_PATCH_CUSTOM_TOOL : APPLY_PATCH_FUNCTION_TOOL;
  return defineTool({
    name: spec.name,
    description: spec.description,
    parameters: PatchParameters,
    ...(options.freeform ? { freeform: { format: APPLY_PATCH_CUSTOM_TOOL.format ?? {} } } : {}),
    execute: (args, ctx) => oneAtATime(ctx.turn, () => runPatchCall(args.input, ctx)),
    afterSampling: emitTurnDiff,
  });
}

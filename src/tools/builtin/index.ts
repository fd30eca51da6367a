/**
 * The engine's built-in tools (`shell`, `apply_patch`, `update_plan`, the goal tools), wired
 * from the tool layer (decisions, sandbox, runner, patch engine) to the `ToolDefinition` contract.
 */
import type { ToolDefinition } from '../router.js';
import { applyPatchTool } from './apply-patch-tool.js';
import { shellTool } from './shell-tool.js';
import { goalTools } from './goal-tools.js';
import { updatePlanTool } from './update-plan-tool.js';

export { applyPatchTool, emitTurnDiff, PATCH_REJECTED_MESSAGE } from './apply-patch-tool.js';
export { shellTool, COMMAND_KILL_GRACE_MS, EXEC_REJECTED_MESSAGE } from './shell-tool.js';
export { updatePlanTool, PLAN_UPDATED_MESSAGE } from './update-plan-tool.js';
export { goalTools } from './goal-tools.js';
export { execDuration, execEndEvent, emitExecBegin, outputDeltas, COMMAND_ABORTED_MESSAGE, MAX_OUTPUT_DELTAS_PER_CALL, type ExecCall, type ExecOutcome } from './exec-events.js';
export { requestCallApproval, isWaiting, DUPLICATE_CALL_ID_MESSAGE } from './approval-wait.js';
export { rulesFile, sandboxAvailableFor, execPolicyRules, acceptAmendment, execSessionApprovals } from './exec-policy.js';

/**
 * Which built-in tools a thread offers the model.
 * @example
 * await createThread({ model, builtinTools: { updatePlan: false, applyPatchFreeform: true } });
 */
export interface BuiltinToolsConfig {
  shell: boolean;
  applyPatch: boolean;
  updatePlan: boolean;
  /**
   * Offer `apply_patch` as a freeform (custom, grammar-constrained) tool instead of the
   * function form `{ input }` (default false: not every model supports custom tools).
   */
  applyPatchFreeform?: boolean;
  /** Offer the goal tools `get_goal`, `create_goal`, `update_goal` (default true). */
  goals?: boolean;
}

/**
 * The built-in tool definitions for a thread, in the order the model sees them.
 * @example
 * builtinTools({ shell: true, applyPatch: true, updatePlan: true }).map((t) => t.name);
 * // ['shell', 'apply_patch', 'update_plan']
 */
export function builtinTools(config: BuiltinToolsConfig): ToolDefinition<unknown>[] {
  const tools: ToolDefinition<unknown>[] = [];
  if (config.shell) tools.push(shellTool());
  if (config.applyPatch) tools.push(applyPatchTool({ freeform: config.applyPatchFreeform ?? false }));
  if (config.updatePlan) tools.push(updatePlanTool());
  if (config.goals ?? true) tools.push(...goalTools());
  return tools;
}

/**
 * The engine's built-in tools (shell, apply_patch, update_plan) and the user shell runner,
 * wired to the tool layer. Not built yet: the registry is empty until they land.
 */
import type { ToolDefinition } from '../../tasks/tools.js';
import type { UserShellRunner } from '../../runtime/op-handlers.js';

/** Which built-in tools a thread offers the model. */
export interface BuiltinToolsConfig {
  shell: boolean;
  applyPatch: boolean;
  updatePlan: boolean;
}

/**
 * The built-in tool definitions for a thread.
 * @example
 * builtinTools({ shell: true, applyPatch: true, updatePlan: true });
 */
export function builtinTools(_config: BuiltinToolsConfig): ToolDefinition<unknown>[] {
  return [];
}

/**
 * The user shell runner (`run_user_shell_command`), or null while it is not built.
 * @example
 * userShellRunner();
 */
export function userShellRunner(): UserShellRunner | null {
  return null;
}

/**
 * The tool layer: apply_patch, shell execution, sandboxing, approval decisions, and the
 * tool specs the model sees. Standalone — the turn engine wires these into tool-call actors.
 */
export * from './apply-patch/index.js';
export * from './shell/index.js';
export * from './sandbox/index.js';
export * from './approval/index.js';
export * from './plan.js';
export * from './specs.js';
export { parseToolArguments } from './arguments.js';
export { PatchParseError, PatchApplyError, ExecPolicyError, ToolArgumentsError, type PatchApplyErrorCode, type ExecPolicyErrorCode } from './errors.js';

/**
 * turnstate's default base instructions (the request's `instructions`). The text is kept as
 * Markdown in `base-instructions.md`; `scripts/prompts.mjs` turns it into a string module
 * (`base-instructions.text.ts`) so it survives bundling, and the build ships the Markdown
 * next to the compiled module for hosts that want to read or extend it.
 */
import text from './base-instructions.text.js';

// One string shared by every thread (threads keep it in their settings; a copy each would
// cost ~7.5 kB per idle thread).
const BASE_INSTRUCTIONS = text.trimEnd();

/**
 * The default base instructions: who the agent is, how to use `shell`, `apply_patch` and
 * `update_plan`, the sandbox and approvals, how to report progress and finish. `createThread`
 * sends them unless `baseInstructions` is given, and records them in the rollout's
 * `session_meta.base_instructions`.
 * @example
 * const thread = await createThread({ model, baseInstructions: `${defaultBaseInstructions()}\n\nAlways answer in French.` });
 */
export function defaultBaseInstructions(): string {
  return BASE_INSTRUCTIONS;
}

/**
 * Tool specs the model sees for `shell` and `apply_patch`, and the zod schemas their
 * arguments are parsed with. `apply_patch` comes in two forms: a function taking
 * `{ input }`, and a freeform (custom) tool whose raw input is the patch, constrained by a
 * Lark grammar for models that support grammar-constrained tools.
 */
import { z } from 'zod';
import type { CustomToolSpec, FunctionToolSpec } from '../model/types.js';
import { parseToolArguments } from './arguments.js';
import { ToolArgumentsError } from './errors.js';

/**
 * Timeout applied when the model gives none.
 * @example
 * runCommand({ argv, cwd, timeoutMs: args.timeout_ms ?? DEFAULT_SHELL_TIMEOUT_MS });
 */
export const DEFAULT_SHELL_TIMEOUT_MS = 10_000;

/**
 * Arguments of the `shell` tool.
 * @example
 * ShellToolArgs.parse({ command: ['ls'] });
 */
export const ShellToolArgs = z.object({
  command: z.array(z.string()).min(1),
  workdir: z.string().nullish(),
  timeout_ms: z.number().int().positive().nullish(),
  sandbox_permissions: z.enum(['use_default', 'require_escalated']).nullish(),
  justification: z.string().nullish(),
});
export type ShellToolArgs = z.infer<typeof ShellToolArgs>;

/**
 * Arguments of the function form of `apply_patch`.
 * @example
 * ApplyPatchToolArgs.parse({ input: '*** Begin Patch\n*** End Patch' });
 */
export const ApplyPatchToolArgs = z.object({ input: z.string().min(1) });
export type ApplyPatchToolArgs = z.infer<typeof ApplyPatchToolArgs>;

/**
 * The `shell` function tool.
 * @example
 * request.tools.push(SHELL_TOOL);
 */
export const SHELL_TOOL: FunctionToolSpec = {
  type: 'function',
  name: 'shell',
  description:
    'Runs a command and returns its exit code, wall time and output. `command` is an argv array run without a shell; ' +
    'use ["bash", "-lc", "<script>"] when you need shell syntax. Set `workdir` instead of using cd.',
  strict: false,
  parameters: {
    type: 'object',
    properties: {
      command: { type: 'array', items: { type: 'string' }, description: 'The program and its arguments.' },
      workdir: { type: 'string', description: 'Directory to run in (default: the session working directory).' },
      timeout_ms: { type: 'number', description: `Kill the command after this many milliseconds (default ${DEFAULT_SHELL_TIMEOUT_MS}).` },
      sandbox_permissions: {
        type: 'string',
        enum: ['use_default', 'require_escalated'],
        description: 'require_escalated asks the user to run this command outside the sandbox (e.g. it needs the network or to write outside the workspace).',
      },
      justification: { type: 'string', description: 'With require_escalated: one sentence telling the user why.' },
    },
    required: ['command'],
    additionalProperties: false,
  },
};

const APPLY_PATCH_DESCRIPTION = [
  'Edits files with a patch. The patch starts with `*** Begin Patch` and ends with `*** End Patch`. In between, one',
  'or more file sections:',
  '`*** Add File: <path>` followed by the new file, every line prefixed with `+`;',
  '`*** Delete File: <path>`;',
  '`*** Update File: <path>`, optionally `*** Move to: <new path>`, then one or more chunks. A chunk starts with `@@`',
  '(optionally `@@ <a line just above the change, e.g. a function signature>`), followed by lines prefixed with',
  "' ' (unchanged context, about 3 lines around each change), '-' (removed) or '+' (added). `*** End of File` may",
  'close a chunk that ends at the end of the file. Paths are relative to the working directory.',
].join(' ');

/**
 * The function form of `apply_patch` (`{ input: "<patch>" }`).
 * @example
 * request.tools.push(APPLY_PATCH_FUNCTION_TOOL);
 */
export const APPLY_PATCH_FUNCTION_TOOL: FunctionToolSpec = {
  type: 'function',
  name: 'apply_patch',
  description: APPLY_PATCH_DESCRIPTION,
  strict: false,
  parameters: {
    type: 'object',
    properties: { input: { type: 'string', description: 'The whole patch text.' } },
    required: ['input'],
    additionalProperties: false,
  },
};

/**
 * Lark grammar of the patch format, for the freeform tool.
 * @example
 * const format = { type: 'grammar', syntax: 'lark', definition: APPLY_PATCH_LARK_GRAMMAR };
 */
export const APPLY_PATCH_LARK_GRAMMAR = String.raw`start: "*** Begin Patch" LF file_op+ "*** End Patch" LF?
file_op: add_file | delete_file | update_file
add_file: "*** Add File: " path LF added+
delete_file: "*** Delete File: " path LF
update_file: "*** Update File: " path LF move_to? chunk+
move_to: "*** Move to: " path LF
chunk: chunk_header? body_line+ end_of_file?
chunk_header: "@@" (" " /(.+)/)? LF
body_line: (" " | "-" | "+") /(.*)/ LF
end_of_file: "*** End of File" LF
added: "+" /(.*)/ LF
path: /(.+)/
%import common.LF
`;

/**
 * The freeform form of `apply_patch`: the model writes the patch itself as the tool input.
 * @example
 * request.tools.push(APPLY_PATCH_CUSTOM_TOOL);
 */
export const APPLY_PATCH_CUSTOM_TOOL: CustomToolSpec = {
  type: 'custom',
  name: 'apply_patch',
  description: `${APPLY_PATCH_DESCRIPTION} Send the patch as the raw tool input, not JSON.`,
  format: { type: 'grammar', syntax: 'lark', definition: APPLY_PATCH_LARK_GRAMMAR },
};

/**
 * Parses `shell` arguments; throws `ToolArgumentsError`.
 * @example
 * parseShellArgs('{"command":["ls","-la"],"timeout_ms":5000}').command; // ['ls', '-la']
 */
export function parseShellArgs(raw: unknown): ShellToolArgs {
  return parseToolArguments('shell', ShellToolArgs, raw);
}

/**
 * The patch text of an `apply_patch` call: `{ input }` JSON for the function form, the raw
 * string for the custom form. Throws `ToolArgumentsError`.
 * @example
 * applyPatchInput({ kind: 'custom', input: '*** Begin Patch\n...' });
 * applyPatchInput({ kind: 'function', arguments: '{"input":"*** Begin Patch\\n..."}' });
 */
export function applyPatchInput(call: { kind: 'function'; arguments: unknown } | { kind: 'custom'; input: string }): string {
  if (call.kind === 'function') return parseToolArguments('apply_patch', ApplyPatchToolArgs, call.arguments).input;
  if (call.input.trim() === '') throw new ToolArgumentsError('apply_patch', [], 'the patch input is empty');
  return call.input;
}

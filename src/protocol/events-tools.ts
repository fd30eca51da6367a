/**
 * Tool and approval events: shell commands (`exec_command_*`), patches (`patch_apply_*`),
 * their approval requests, MCP tool calls, permission and user-input requests, dynamic tools
 * and hooks.
 */
import { z } from 'zod';
import { ReviewDecision } from './config.js';
import { ev, optStr, str } from './event-fields.js';

export const FileChange = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('add'), content: z.string() }),
  z.looseObject({ type: z.literal('delete'), content: z.string() }),
  z.looseObject({ type: z.literal('update'), unified_diff: z.string(), move_path: optStr }),
]);
export type FileChange = z.infer<typeof FileChange>;

export const ExecCommandSource = z.enum(['agent', 'user_shell', 'unified_exec_startup', 'unified_exec_interaction']);
export const ExecCommandStatus = z.enum(['completed', 'failed', 'declined']);
export const PatchApplyStatus = z.enum(['completed', 'failed', 'declined']);
export const ParsedCommand = z.looseObject({ type: str, cmd: str });

/** Which MCP tool a call went to (raw server and tool names, parsed arguments). */
export const McpInvocation = z.looseObject({ server: str, tool: str, arguments: z.unknown().optional() });
export type McpInvocation = z.infer<typeof McpInvocation>;
/** Fields shared by `exec_command_begin` and `exec_command_end`. */
const execCommand = {
  call_id: str,
  process_id: optStr,
  turn_id: str,
  command: z.array(str),
  cwd: str,
  parsed_cmd: z.array(ParsedCommand).default([]),
  source: ExecCommandSource.default('agent'),
};

/** The tool and approval variants of `EventMsg`, in wire order. */
export const toolEvents = [
  ev('exec_command_begin', { ...execCommand, interaction_input: optStr }),
  ev('exec_command_output_delta', { call_id: str, stream: z.enum(['stdout', 'stderr']), chunk: str }),
  ev('terminal_interaction', { call_id: str, process_id: str, stdin: str }),
  ev('exec_command_end', {
    ...execCommand,
    stdout: z.string().default(''),
    stderr: z.string().default(''),
    aggregated_output: z.string().default(''),
    exit_code: z.number().int(),
    duration: z.unknown(),
    formatted_output: z.string().default(''),
    status: ExecCommandStatus,
  }),
  ev('exec_approval_request', {
    call_id: str,
    approval_id: optStr,
    turn_id: str,
    command: z.array(str),
    cwd: str,
    reason: optStr,
    network_approval_context: z.unknown().optional(),
    proposed_execpolicy_amendment: z.array(str).nullish(),
    proposed_network_policy_amendments: z.array(z.unknown()).nullish(),
    additional_permissions: z.unknown().optional(),
    available_decisions: z.array(ReviewDecision).nullish(),
    parsed_cmd: z.array(ParsedCommand).default([]),
  }),
  ev('apply_patch_approval_request', {
    call_id: str,
    turn_id: str,
    changes: z.record(str, FileChange),
    reason: optStr,
    grant_root: optStr,
  }),
  ev('patch_apply_begin', { call_id: str, turn_id: str, auto_approved: z.boolean(), changes: z.record(str, FileChange) }),
  ev('patch_apply_updated', { call_id: str, turn_id: optStr }),
  ev('patch_apply_end', {
    call_id: str,
    turn_id: str,
    stdout: z.string().default(''),
    stderr: z.string().default(''),
    success: z.boolean(),
    changes: z.record(str, FileChange).default({}),
    status: PatchApplyStatus,
  }),
  ev('mcp_tool_call_begin', { call_id: str, invocation: McpInvocation }),
  ev('mcp_tool_call_end', {
    call_id: str,
    invocation: McpInvocation,
    duration: z.unknown(),
    // Rust's `Result<CallToolResult, String>` as serde writes it.
    result: z.union([z.looseObject({ Ok: z.unknown() }), z.looseObject({ Err: str })]),
  }),
  ev('view_image_tool_call', { call_id: str, path: str }),
  ev('request_permissions', { call_id: str, turn_id: str, reason: optStr, permissions: z.unknown(), cwd: optStr }),
  ev('request_user_input', { call_id: str, turn_id: str, questions: z.array(z.unknown()) }),
  ev('elicitation_request', { turn_id: optStr, server_name: str, id: z.union([str, z.number()]), request: z.unknown() }),
  ev('dynamic_tool_call_request', { call_id: str, turn_id: str, namespace: optStr, tool: str, arguments: z.unknown() }),
  ev('dynamic_tool_call_response', { call_id: str }),
  ev('guardian_assessment', {}),
  ev('hook_started', {}),
  ev('hook_completed', {}),
] as const;

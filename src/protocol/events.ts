/**
 * Events a thread emits (Codex `EventMsg`), internally tagged with `type`. TurnStarted is
 * `task_started` and TurnComplete `task_complete` on the wire; the `turn_*` spellings are
 * accepted on input. Every schema keeps unknown fields (`looseObject`) so events read back
 * from a rollout written by a newer engine lose nothing.
 */
import { z } from 'zod';
import { ResponseItem, TurnItem, UserInput } from './items.js';
import { AskForApproval, ModeKind, ReviewDecision, SandboxPolicy, TurnAbortReason } from './config.js';
import { CodexErrorInfo } from './errors.js';
import { RateLimitSnapshot, TokenUsageInfo } from './tokens.js';
import { ThreadGoal } from './goal.js';
import { ReviewRequest } from './ops.js';

const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.looseObject({ type: z.literal(type), ...shape });
const unitEv = <T extends string>(type: T) => z.looseObject({ type: z.literal(type) });
const str = z.string();
const optStr = z.string().nullish();
const optNum = z.number().nullish();

export const FileChange = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('add'), content: z.string() }),
  z.looseObject({ type: z.literal('delete'), content: z.string() }),
  z.looseObject({ type: z.literal('update'), unified_diff: z.string(), move_path: optStr }),
]);
export type FileChange = z.infer<typeof FileChange>;

export const ReviewFinding = z.looseObject({
  title: str,
  body: str,
  confidence_score: z.number(),
  priority: z.number(),
  code_location: z.looseObject({ absolute_file_path: str, line_range: z.looseObject({ start: z.number(), end: z.number() }) }),
});
export const ReviewOutputEvent = z.looseObject({
  findings: z.array(ReviewFinding).default([]),
  overall_correctness: z.string().default(''),
  overall_explanation: z.string().default(''),
  overall_confidence_score: z.number().default(0),
});
export type ReviewOutputEvent = z.infer<typeof ReviewOutputEvent>;

export const ExecCommandSource = z.enum(['agent', 'user_shell', 'unified_exec_startup', 'unified_exec_interaction']);
export const ExecCommandStatus = z.enum(['completed', 'failed', 'declined']);
export const PatchApplyStatus = z.enum(['completed', 'failed', 'declined']);
export const ParsedCommand = z.looseObject({ type: str, cmd: str });

const itemMeta = { thread_id: str, turn_id: str };
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

const events = [
  // Lifecycle
  ev('session_configured', {
    session_id: str,
    forked_from_id: optStr,
    thread_name: optStr,
    model: str,
    model_provider_id: str,
    service_tier: optStr,
    approval_policy: AskForApproval,
    approvals_reviewer: z.string().default('user'),
    sandbox_policy: SandboxPolicy,
    cwd: str,
    reasoning_effort: optStr,
    history_log_id: z.number().default(0),
    history_entry_count: z.number().default(0),
    initial_messages: z.array(z.unknown()).nullish(),
    rollout_path: optStr,
  }),
  ev('task_started', {
    turn_id: str,
    started_at: optNum,
    model_context_window: optNum,
    collaboration_mode_kind: ModeKind.default('default'),
  }),
  ev('task_complete', {
    turn_id: str,
    last_agent_message: optStr,
    completed_at: optNum,
    duration_ms: optNum,
    time_to_first_token_ms: optNum,
  }),
  ev('turn_aborted', { turn_id: optStr, reason: TurnAbortReason, completed_at: optNum, duration_ms: optNum }),
  unitEv('shutdown_complete'),
  ev('error', { message: str, codex_error_info: CodexErrorInfo.nullish() }),
  ev('warning', { message: str }),
  ev('guardian_warning', { message: str }),
  ev('stream_error', { message: str, codex_error_info: CodexErrorInfo.nullish(), additional_details: optStr }),
  ev('background_event', { message: str }),
  ev('deprecation_notice', { summary: str, details: optStr }),
  ev('thread_name_updated', { thread_id: str, thread_name: optStr }),
  ev('thread_goal_updated', { threadId: str, turnId: optStr, goal: ThreadGoal }),
  ev('thread_rolled_back', { num_turns: z.number().int() }),
  unitEv('context_compacted'),
  ev('entered_review_mode', ReviewRequest.shape),
  ev('exited_review_mode', { review_output: ReviewOutputEvent.nullish() }),
  ev('undo_started', { message: optStr }),
  ev('undo_completed', { success: z.boolean(), message: optStr }),
  ev('model_reroute', { from_model: str, to_model: str, reason: z.unknown() }),
  ev('model_verification', { verifications: z.array(z.unknown()) }),
  ev('token_count', { info: TokenUsageInfo.nullish(), rate_limits: RateLimitSnapshot.nullish() }),
  ev('turn_diff', { unified_diff: str }),
  ev('plan_update', {
    explanation: optStr,
    plan: z.array(z.looseObject({ step: str, status: z.enum(['pending', 'in_progress', 'completed']) })),
  }),
  unitEv('skills_update_available'),
  ev('buddy_reaction', { text: str }),
  // Items (v2)
  ev('item_started', { ...itemMeta, item: TurnItem }),
  ev('item_completed', { ...itemMeta, item: TurnItem }),
  ev('raw_response_item', { item: ResponseItem }),
  ev('agent_message_content_delta', { ...itemMeta, item_id: str, delta: str }),
  ev('plan_delta', { ...itemMeta, item_id: str, delta: str }),
  ev('reasoning_content_delta', { ...itemMeta, item_id: str, delta: str, summary_index: z.number().default(0) }),
  ev('reasoning_raw_content_delta', { ...itemMeta, item_id: str, delta: str, content_index: z.number().default(0) }),
  // Legacy (v1) projections
  ev('user_message', {
    message: str,
    images: z.array(str).nullish(),
    local_images: z.array(str).default([]),
    text_elements: z.array(z.unknown()).default([]),
  }),
  ev('agent_message', { message: str, phase: optStr, memory_citation: z.unknown().optional() }),
  ev('agent_message_delta', { delta: str }),
  ev('agent_reasoning', { text: str }),
  ev('agent_reasoning_delta', { delta: str }),
  ev('agent_reasoning_raw_content', { text: str }),
  ev('agent_reasoning_raw_content_delta', { delta: str }),
  ev('agent_reasoning_section_break', { item_id: z.string().default(''), summary_index: z.number().default(0) }),
  ev('web_search_begin', { call_id: str }),
  ev('web_search_end', { call_id: str, query: z.string().default('') }),
  ev('image_generation_begin', { call_id: str }),
  ev('image_generation_end', { call_id: str }),
  // Tools and approvals
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
  // Collab (multi-agent)
  ev('collab_agent_spawn_begin', { call_id: str }),
  ev('collab_agent_spawn_end', { call_id: str }),
  ev('collab_agent_interaction_begin', { call_id: str }),
  ev('collab_agent_interaction_end', { call_id: str }),
  ev('collab_waiting_begin', { call_id: str }),
  ev('collab_waiting_end', { call_id: str }),
  ev('collab_close_begin', { call_id: str }),
  ev('collab_close_end', { call_id: str }),
  ev('collab_resume_begin', { call_id: str }),
  ev('collab_resume_end', { call_id: str }),
  // Other
  ev('mcp_startup_update', {
    server: str,
    status: z.discriminatedUnion('state', [
      z.looseObject({ state: z.literal('starting') }),
      z.looseObject({ state: z.literal('ready') }),
      z.looseObject({ state: z.literal('failed'), error: str }),
      z.looseObject({ state: z.literal('cancelled') }),
    ]),
  }),
  ev('mcp_startup_complete', {
    ready: z.array(str).default([]),
    failed: z.array(z.looseObject({ server: str, error: str })).default([]),
    cancelled: z.array(str).default([]),
  }),
  ev('mcp_list_tools_response', {
    tools: z.record(str, z.unknown()).default({}),
    resources: z.record(str, z.array(z.unknown())).default({}),
    resource_templates: z.record(str, z.array(z.unknown())).default({}),
    auth_statuses: z.record(str, z.string()).default({}),
  }),
  ev('list_skills_response', { skills: z.array(z.unknown()).default([]) }),
  ev('list_models_response', { models: z.array(z.unknown()).default([]) }),
  ev('get_history_entry_response', { offset: z.number(), log_id: z.number(), entry: z.unknown().nullish() }),
] as const;

const EVENT_ALIASES: Record<string, string> = { turn_started: 'task_started', turn_complete: 'task_complete' };

/**
 * Every event a thread can emit.
 * @example
 * EventMsg.parse({ type: 'turn_started', turn_id: 't1' }).type; // 'task_started'
 */
export const EventMsg = z.preprocess((raw) => {
  if (typeof raw !== 'object' || raw === null) return raw;
  const type = (raw as { type?: unknown }).type;
  return typeof type === 'string' && type in EVENT_ALIASES ? { ...raw, type: EVENT_ALIASES[type] } : raw;
}, z.discriminatedUnion('type', events));
export type EventMsg = z.infer<typeof EventMsg>;
export type EventType = EventMsg['type'];
/** The payload of one event variant. */
export type EventOf<T extends EventType> = Extract<EventMsg, { type: T }>;

/**
 * An event with the id of the submission that caused it.
 * @example
 * Event.parse({ id: '', msg: { type: 'shutdown_complete' } });
 */
export const Event = z.object({ id: z.string(), msg: EventMsg });
export type Event = z.infer<typeof Event>;

export { UserInput };

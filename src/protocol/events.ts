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
import { AgentStatus } from './agent-status.js';

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

/** Codex `CollabAgentRef`: a sub-agent's thread id with its optional nickname and role. */
export const CollabAgentRef = z.looseObject({ thread_id: str, agent_nickname: optStr, agent_role: optStr });
export type CollabAgentRef = z.infer<typeof CollabAgentRef>;
/** Codex `CollabAgentStatusEntry`: a `CollabAgentRef` with the agent's last known status. */
export const CollabAgentStatusEntry = z.looseObject({ thread_id: str, agent_nickname: optStr, agent_role: optStr, status: AgentStatus });
export type CollabAgentStatusEntry = z.infer<typeof CollabAgentStatusEntry>;
/** Unix milliseconds of a collab begin/end event (`0` when a writer left it out, as Codex's serde default). */
const atMs = z.number().default(0);
/** Fields the close and resume events share. */
const collabReceiver = { call_id: str, sender_thread_id: str, receiver_thread_id: str, receiver_agent_nickname: optStr, receiver_agent_role: optStr };

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
  // Collab (multi-agent), Codex `CollabAgentSpawnBeginEvent` … `CollabResumeEndEvent`.
  ev('collab_agent_spawn_begin', { call_id: str, started_at_ms: atMs, sender_thread_id: str, prompt: str, model: str, reasoning_effort: str }),
  ev('collab_agent_spawn_end', {
    call_id: str,
    completed_at_ms: atMs,
    sender_thread_id: str,
    new_thread_id: z.string().nullable(),
    new_agent_nickname: optStr,
    new_agent_role: optStr,
    prompt: str,
    model: str,
    reasoning_effort: str,
    status: AgentStatus,
  }),
  ev('collab_agent_interaction_begin', { call_id: str, started_at_ms: atMs, sender_thread_id: str, receiver_thread_id: str, prompt: str, model: optStr, reasoning_effort: optStr }),
  ev('collab_agent_interaction_end', {
    call_id: str,
    completed_at_ms: atMs,
    sender_thread_id: str,
    receiver_thread_id: str,
    receiver_agent_nickname: optStr,
    receiver_agent_role: optStr,
    prompt: str,
    status: AgentStatus,
    model: optStr,
    reasoning_effort: optStr,
  }),
  ev('collab_waiting_begin', { started_at_ms: atMs, sender_thread_id: str, receiver_thread_ids: z.array(str), receiver_agents: z.array(CollabAgentRef).default([]), call_id: str }),
  ev('collab_waiting_end', {
    sender_thread_id: str,
    call_id: str,
    completed_at_ms: atMs,
    agent_statuses: z.array(CollabAgentStatusEntry).default([]),
    statuses: z.record(str, AgentStatus),
  }),
  ev('collab_close_begin', { call_id: str, started_at_ms: atMs, sender_thread_id: str, receiver_thread_id: str }),
  ev('collab_close_end', { ...collabReceiver, completed_at_ms: atMs, status: AgentStatus }),
  ev('collab_resume_begin', { ...collabReceiver, started_at_ms: atMs }),
  ev('collab_resume_end', { ...collabReceiver, completed_at_ms: atMs, status: AgentStatus }),
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
 * Every event a thread can emit (runtime schema; it keeps unknown fields).
 * @example
 * EventMsg.parse({ type: 'turn_started', turn_id: 't1' }).type; // 'task_started'
 */
export const EventMsg = z.preprocess((raw) => {
  if (typeof raw !== 'object' || raw === null) return raw;
  const type = (raw as { type?: unknown }).type;
  return typeof type === 'string' && type in EVENT_ALIASES ? { ...raw, type: EVENT_ALIASES[type] } : raw;
}, z.discriminatedUnion('type', events));

/**
 * Drops the `[key: string]: unknown` index signature `looseObject` adds, so reading a
 * misspelled field of an event fails to compile (the parsed value still keeps unknown fields).
 */
type KnownFields<T> = T extends unknown ? { [K in keyof T as string extends K ? never : K]: T[K] } : never;

/**
 * Every event a thread can emit, as a discriminated union on `type`; narrow it with a
 * `switch`, `isEvent(msg, 'task_complete')`, or use a named type such as `TaskCompleteEvent`.
 */
export type EventMsg = KnownFields<z.output<typeof EventMsg>>;
export type EventType = EventMsg['type'];
/** The payload of one event variant. */
export type EventOf<T extends EventType> = Extract<EventMsg, { type: T }>;

/**
 * An event with the id of the submission that caused it.
 * @example
 * Event.parse({ id: '', msg: { type: 'shutdown_complete' } });
 */
export const Event = z.object({ id: z.string(), msg: EventMsg });
/** An event with the id of the submission (turn) that caused it. */
export interface Event<M extends EventMsg = EventMsg> {
  id: string;
  msg: M;
}

/**
 * Narrows an event payload (or an `Event`) to one variant by its `type`.
 * @example
 * for await (const event of thread.events()) {
 *   if (isEvent(event.msg, 'task_complete')) console.log(event.msg.last_agent_message);
 *   if (isEvent(event, 'exec_approval_request')) console.log(event.msg.command);
 * }
 */
export function isEvent<T extends EventType>(value: EventMsg, type: T): value is EventOf<T>;
export function isEvent<T extends EventType>(value: Event, type: T): value is Event<EventOf<T>>;
export function isEvent<T extends EventType>(value: EventMsg | Event, type: T): boolean {
  const msg = 'msg' in value && typeof value.msg === 'object' && value.msg !== null && 'type' in value.msg ? value.msg : value;
  return (msg as { type?: unknown }).type === type;
}

export { UserInput };

// One named type per event: the wire `type` in PascalCase plus `Event`, e.g.
// `const done: TaskCompleteEvent = { type: 'task_complete', turn_id: 't1' };`
/** The `session_configured` event payload. */
export type SessionConfiguredEvent = EventOf<'session_configured'>;
/** The `task_started` event payload. */
export type TaskStartedEvent = EventOf<'task_started'>;
/** The `task_complete` event payload. */
export type TaskCompleteEvent = EventOf<'task_complete'>;
/** The `turn_aborted` event payload. */
export type TurnAbortedEvent = EventOf<'turn_aborted'>;
/** The `shutdown_complete` event payload. */
export type ShutdownCompleteEvent = EventOf<'shutdown_complete'>;
/** The `error` event payload. */
export type ErrorEvent = EventOf<'error'>;
/** The `warning` event payload. */
export type WarningEvent = EventOf<'warning'>;
/** The `guardian_warning` event payload. */
export type GuardianWarningEvent = EventOf<'guardian_warning'>;
/** The `stream_error` event payload. */
export type StreamErrorEvent = EventOf<'stream_error'>;
/** The `background_event` event payload. */
export type BackgroundEventEvent = EventOf<'background_event'>;
/** The `deprecation_notice` event payload. */
export type DeprecationNoticeEvent = EventOf<'deprecation_notice'>;
/** The `thread_name_updated` event payload. */
export type ThreadNameUpdatedEvent = EventOf<'thread_name_updated'>;
/** The `thread_goal_updated` event payload. */
export type ThreadGoalUpdatedEvent = EventOf<'thread_goal_updated'>;
/** The `thread_rolled_back` event payload. */
export type ThreadRolledBackEvent = EventOf<'thread_rolled_back'>;
/** The `context_compacted` event payload. */
export type ContextCompactedEvent = EventOf<'context_compacted'>;
/** The `entered_review_mode` event payload. */
export type EnteredReviewModeEvent = EventOf<'entered_review_mode'>;
/** The `exited_review_mode` event payload. */
export type ExitedReviewModeEvent = EventOf<'exited_review_mode'>;
/** The `undo_started` event payload. */
export type UndoStartedEvent = EventOf<'undo_started'>;
/** The `undo_completed` event payload. */
export type UndoCompletedEvent = EventOf<'undo_completed'>;
/** The `model_reroute` event payload. */
export type ModelRerouteEvent = EventOf<'model_reroute'>;
/** The `model_verification` event payload. */
export type ModelVerificationEvent = EventOf<'model_verification'>;
/** The `token_count` event payload. */
export type TokenCountEvent = EventOf<'token_count'>;
/** The `turn_diff` event payload. */
export type TurnDiffEvent = EventOf<'turn_diff'>;
/** The `plan_update` event payload. */
export type PlanUpdateEvent = EventOf<'plan_update'>;
/** The `skills_update_available` event payload. */
export type SkillsUpdateAvailableEvent = EventOf<'skills_update_available'>;
/** The `buddy_reaction` event payload. */
export type BuddyReactionEvent = EventOf<'buddy_reaction'>;
/** The `item_started` event payload. */
export type ItemStartedEvent = EventOf<'item_started'>;
/** The `item_completed` event payload. */
export type ItemCompletedEvent = EventOf<'item_completed'>;
/** The `raw_response_item` event payload. */
export type RawResponseItemEvent = EventOf<'raw_response_item'>;
/** The `agent_message_content_delta` event payload. */
export type AgentMessageContentDeltaEvent = EventOf<'agent_message_content_delta'>;
/** The `plan_delta` event payload. */
export type PlanDeltaEvent = EventOf<'plan_delta'>;
/** The `reasoning_content_delta` event payload. */
export type ReasoningContentDeltaEvent = EventOf<'reasoning_content_delta'>;
/** The `reasoning_raw_content_delta` event payload. */
export type ReasoningRawContentDeltaEvent = EventOf<'reasoning_raw_content_delta'>;
/** The `user_message` event payload. */
export type UserMessageEvent = EventOf<'user_message'>;
/** The `agent_message` event payload. */
export type AgentMessageEvent = EventOf<'agent_message'>;
/** The `agent_message_delta` event payload. */
export type AgentMessageDeltaEvent = EventOf<'agent_message_delta'>;
/** The `agent_reasoning` event payload. */
export type AgentReasoningEvent = EventOf<'agent_reasoning'>;
/** The `agent_reasoning_delta` event payload. */
export type AgentReasoningDeltaEvent = EventOf<'agent_reasoning_delta'>;
/** The `agent_reasoning_raw_content` event payload. */
export type AgentReasoningRawContentEvent = EventOf<'agent_reasoning_raw_content'>;
/** The `agent_reasoning_raw_content_delta` event payload. */
export type AgentReasoningRawContentDeltaEvent = EventOf<'agent_reasoning_raw_content_delta'>;
/** The `agent_reasoning_section_break` event payload. */
export type AgentReasoningSectionBreakEvent = EventOf<'agent_reasoning_section_break'>;
/** The `web_search_begin` event payload. */
export type WebSearchBeginEvent = EventOf<'web_search_begin'>;
/** The `web_search_end` event payload. */
export type WebSearchEndEvent = EventOf<'web_search_end'>;
/** The `image_generation_begin` event payload. */
export type ImageGenerationBeginEvent = EventOf<'image_generation_begin'>;
/** The `image_generation_end` event payload. */
export type ImageGenerationEndEvent = EventOf<'image_generation_end'>;
/** The `exec_command_begin` event payload. */
export type ExecCommandBeginEvent = EventOf<'exec_command_begin'>;
/** The `exec_command_output_delta` event payload. */
export type ExecCommandOutputDeltaEvent = EventOf<'exec_command_output_delta'>;
/** The `terminal_interaction` event payload. */
export type TerminalInteractionEvent = EventOf<'terminal_interaction'>;
/** The `exec_command_end` event payload. */
export type ExecCommandEndEvent = EventOf<'exec_command_end'>;
/** The `exec_approval_request` event payload. */
export type ExecApprovalRequestEvent = EventOf<'exec_approval_request'>;
/** The `apply_patch_approval_request` event payload. */
export type ApplyPatchApprovalRequestEvent = EventOf<'apply_patch_approval_request'>;
/** The `patch_apply_begin` event payload. */
export type PatchApplyBeginEvent = EventOf<'patch_apply_begin'>;
/** The `patch_apply_updated` event payload. */
export type PatchApplyUpdatedEvent = EventOf<'patch_apply_updated'>;
/** The `patch_apply_end` event payload. */
export type PatchApplyEndEvent = EventOf<'patch_apply_end'>;
/** The `mcp_tool_call_begin` event payload. */
export type McpToolCallBeginEvent = EventOf<'mcp_tool_call_begin'>;
/** The `mcp_tool_call_end` event payload. */
export type McpToolCallEndEvent = EventOf<'mcp_tool_call_end'>;
/** The `view_image_tool_call` event payload. */
export type ViewImageToolCallEvent = EventOf<'view_image_tool_call'>;
/** The `request_permissions` event payload. */
export type RequestPermissionsEvent = EventOf<'request_permissions'>;
/** The `request_user_input` event payload. */
export type RequestUserInputEvent = EventOf<'request_user_input'>;
/** The `elicitation_request` event payload. */
export type ElicitationRequestEvent = EventOf<'elicitation_request'>;
/** The `dynamic_tool_call_request` event payload. */
export type DynamicToolCallRequestEvent = EventOf<'dynamic_tool_call_request'>;
/** The `dynamic_tool_call_response` event payload. */
export type DynamicToolCallResponseEvent = EventOf<'dynamic_tool_call_response'>;
/** The `guardian_assessment` event payload. */
export type GuardianAssessmentEvent = EventOf<'guardian_assessment'>;
/** The `hook_started` event payload. */
export type HookStartedEvent = EventOf<'hook_started'>;
/** The `hook_completed` event payload. */
export type HookCompletedEvent = EventOf<'hook_completed'>;
/** The `collab_agent_spawn_begin` event payload. */
export type CollabAgentSpawnBeginEvent = EventOf<'collab_agent_spawn_begin'>;
/** The `collab_agent_spawn_end` event payload. */
export type CollabAgentSpawnEndEvent = EventOf<'collab_agent_spawn_end'>;
/** The `collab_agent_interaction_begin` event payload. */
export type CollabAgentInteractionBeginEvent = EventOf<'collab_agent_interaction_begin'>;
/** The `collab_agent_interaction_end` event payload. */
export type CollabAgentInteractionEndEvent = EventOf<'collab_agent_interaction_end'>;
/** The `collab_waiting_begin` event payload. */
export type CollabWaitingBeginEvent = EventOf<'collab_waiting_begin'>;
/** The `collab_waiting_end` event payload. */
export type CollabWaitingEndEvent = EventOf<'collab_waiting_end'>;
/** The `collab_close_begin` event payload. */
export type CollabCloseBeginEvent = EventOf<'collab_close_begin'>;
/** The `collab_close_end` event payload. */
export type CollabCloseEndEvent = EventOf<'collab_close_end'>;
/** The `collab_resume_begin` event payload. */
export type CollabResumeBeginEvent = EventOf<'collab_resume_begin'>;
/** The `collab_resume_end` event payload. */
export type CollabResumeEndEvent = EventOf<'collab_resume_end'>;
/** The `mcp_startup_update` event payload. */
export type McpStartupUpdateEvent = EventOf<'mcp_startup_update'>;
/** The `mcp_startup_complete` event payload. */
export type McpStartupCompleteEvent = EventOf<'mcp_startup_complete'>;
/** The `mcp_list_tools_response` event payload. */
export type McpListToolsResponseEvent = EventOf<'mcp_list_tools_response'>;
/** The `list_skills_response` event payload. */
export type ListSkillsResponseEvent = EventOf<'list_skills_response'>;
/** The `list_models_response` event payload. */
export type ListModelsResponseEvent = EventOf<'list_models_response'>;
/** The `get_history_entry_response` event payload. */
export type GetHistoryEntryResponseEvent = EventOf<'get_history_entry_response'>;

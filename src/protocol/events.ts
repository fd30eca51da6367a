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
  ev('mcp_tool_call_begin', { call_id: str }),
  ev('mcp_tool_call_end', { call_id: str }),
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
  ev('mcp_startup_update', {}),
  ev('mcp_startup_complete', {}),
  ev('mcp_list_tools_response', { tools: z.record(str, z.unknown()).default({}) }),
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

// One named type per event (PascalCase of the wire `type` + `Event`).
export type SessionConfiguredEvent = EventOf<'session_configured'>;
export type TaskStartedEvent = EventOf<'task_started'>;
export type TaskCompleteEvent = EventOf<'task_complete'>;
export type TurnAbortedEvent = EventOf<'turn_aborted'>;
export type ShutdownCompleteEvent = EventOf<'shutdown_complete'>;
export type ErrorEvent = EventOf<'error'>;
export type WarningEvent = EventOf<'warning'>;
export type GuardianWarningEvent = EventOf<'guardian_warning'>;
export type StreamErrorEvent = EventOf<'stream_error'>;
export type BackgroundEventEvent = EventOf<'background_event'>;
export type DeprecationNoticeEvent = EventOf<'deprecation_notice'>;
export type ThreadNameUpdatedEvent = EventOf<'thread_name_updated'>;
export type ThreadGoalUpdatedEvent = EventOf<'thread_goal_updated'>;
export type ThreadRolledBackEvent = EventOf<'thread_rolled_back'>;
export type ContextCompactedEvent = EventOf<'context_compacted'>;
export type EnteredReviewModeEvent = EventOf<'entered_review_mode'>;
export type ExitedReviewModeEvent = EventOf<'exited_review_mode'>;
export type UndoStartedEvent = EventOf<'undo_started'>;
export type UndoCompletedEvent = EventOf<'undo_completed'>;
export type ModelRerouteEvent = EventOf<'model_reroute'>;
export type ModelVerificationEvent = EventOf<'model_verification'>;
export type TokenCountEvent = EventOf<'token_count'>;
export type TurnDiffEvent = EventOf<'turn_diff'>;
export type PlanUpdateEvent = EventOf<'plan_update'>;
export type SkillsUpdateAvailableEvent = EventOf<'skills_update_available'>;
export type BuddyReactionEvent = EventOf<'buddy_reaction'>;
export type ItemStartedEvent = EventOf<'item_started'>;
export type ItemCompletedEvent = EventOf<'item_completed'>;
export type RawResponseItemEvent = EventOf<'raw_response_item'>;
export type AgentMessageContentDeltaEvent = EventOf<'agent_message_content_delta'>;
export type PlanDeltaEvent = EventOf<'plan_delta'>;
export type ReasoningContentDeltaEvent = EventOf<'reasoning_content_delta'>;
export type ReasoningRawContentDeltaEvent = EventOf<'reasoning_raw_content_delta'>;
export type UserMessageEvent = EventOf<'user_message'>;
export type AgentMessageEvent = EventOf<'agent_message'>;
export type AgentMessageDeltaEvent = EventOf<'agent_message_delta'>;
export type AgentReasoningEvent = EventOf<'agent_reasoning'>;
export type AgentReasoningDeltaEvent = EventOf<'agent_reasoning_delta'>;
export type AgentReasoningRawContentEvent = EventOf<'agent_reasoning_raw_content'>;
export type AgentReasoningRawContentDeltaEvent = EventOf<'agent_reasoning_raw_content_delta'>;
export type AgentReasoningSectionBreakEvent = EventOf<'agent_reasoning_section_break'>;
export type WebSearchBeginEvent = EventOf<'web_search_begin'>;
export type WebSearchEndEvent = EventOf<'web_search_end'>;
export type ImageGenerationBeginEvent = EventOf<'image_generation_begin'>;
export type ImageGenerationEndEvent = EventOf<'image_generation_end'>;
export type ExecCommandBeginEvent = EventOf<'exec_command_begin'>;
export type ExecCommandOutputDeltaEvent = EventOf<'exec_command_output_delta'>;
export type TerminalInteractionEvent = EventOf<'terminal_interaction'>;
export type ExecCommandEndEvent = EventOf<'exec_command_end'>;
export type ExecApprovalRequestEvent = EventOf<'exec_approval_request'>;
export type ApplyPatchApprovalRequestEvent = EventOf<'apply_patch_approval_request'>;
export type PatchApplyBeginEvent = EventOf<'patch_apply_begin'>;
export type PatchApplyUpdatedEvent = EventOf<'patch_apply_updated'>;
export type PatchApplyEndEvent = EventOf<'patch_apply_end'>;
export type McpToolCallBeginEvent = EventOf<'mcp_tool_call_begin'>;
export type McpToolCallEndEvent = EventOf<'mcp_tool_call_end'>;
export type ViewImageToolCallEvent = EventOf<'view_image_tool_call'>;
export type RequestPermissionsEvent = EventOf<'request_permissions'>;
export type RequestUserInputEvent = EventOf<'request_user_input'>;
export type ElicitationRequestEvent = EventOf<'elicitation_request'>;
export type DynamicToolCallRequestEvent = EventOf<'dynamic_tool_call_request'>;
export type DynamicToolCallResponseEvent = EventOf<'dynamic_tool_call_response'>;
export type GuardianAssessmentEvent = EventOf<'guardian_assessment'>;
export type HookStartedEvent = EventOf<'hook_started'>;
export type HookCompletedEvent = EventOf<'hook_completed'>;
export type CollabAgentSpawnBeginEvent = EventOf<'collab_agent_spawn_begin'>;
export type CollabAgentSpawnEndEvent = EventOf<'collab_agent_spawn_end'>;
export type CollabAgentInteractionBeginEvent = EventOf<'collab_agent_interaction_begin'>;
export type CollabAgentInteractionEndEvent = EventOf<'collab_agent_interaction_end'>;
export type CollabWaitingBeginEvent = EventOf<'collab_waiting_begin'>;
export type CollabWaitingEndEvent = EventOf<'collab_waiting_end'>;
export type CollabCloseBeginEvent = EventOf<'collab_close_begin'>;
export type CollabCloseEndEvent = EventOf<'collab_close_end'>;
export type CollabResumeBeginEvent = EventOf<'collab_resume_begin'>;
export type CollabResumeEndEvent = EventOf<'collab_resume_end'>;
export type McpStartupUpdateEvent = EventOf<'mcp_startup_update'>;
export type McpStartupCompleteEvent = EventOf<'mcp_startup_complete'>;
export type McpListToolsResponseEvent = EventOf<'mcp_list_tools_response'>;
export type ListSkillsResponseEvent = EventOf<'list_skills_response'>;
export type ListModelsResponseEvent = EventOf<'list_models_response'>;
export type GetHistoryEntryResponseEvent = EventOf<'get_history_entry_response'>;

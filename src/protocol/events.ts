/**
 * Events a thread emits (Codex `EventMsg`), internally tagged with `type`: the union and its
 * envelope (`event-msg.ts`), the schemas each family declares (`events-lifecycle.ts`,
 * `events-items.ts`, `events-tools.ts`, `events-collab.ts`, `events-services.ts`), and one
 * named type per event. TurnStarted is `task_started` and TurnComplete `task_complete` on the
 * wire; the `turn_*` spellings are accepted on input. Every schema keeps unknown fields
 * (`looseObject`) so events read back from a rollout written by a newer engine lose nothing.
 */
import type { EventOf } from './event-msg.js';

export { EventMsg, Event, isEvent, type EventType, type EventOf } from './event-msg.js';
export { ReviewFinding, ReviewOutputEvent } from './events-lifecycle.js';
export { FileChange, ExecCommandSource, ExecCommandStatus, PatchApplyStatus, ParsedCommand, McpInvocation } from './events-tools.js';
export { CollabAgentRef, CollabAgentStatusEntry } from './events-collab.js';
export { UserInput } from './items.js';

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

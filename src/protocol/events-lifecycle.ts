/**
 * Thread and turn lifecycle events (Codex `EventMsg`): session configuration, turn start,
 * completion and abort, shutdown, errors and warnings, goal, name, rollback, review mode,
 * undo, token counts and plan updates.
 */
import { z } from 'zod';
import { AskForApproval, ModeKind, SandboxPolicy, TurnAbortReason } from './config.js';
import { CodexErrorInfo } from './errors.js';
import { RateLimitSnapshot, TokenUsageInfo } from './tokens.js';
import { ThreadGoal } from './goal.js';
import { ReviewRequest } from './ops.js';
import { ev, optNum, optStr, str, unitEv } from './event-fields.js';

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

/** The lifecycle variants of `EventMsg`, in wire order. */
export const lifecycleEvents = [
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
] as const;

/**
 * Operations a host submits to a thread (Codex `Op`), internally tagged with `type`.
 * Parsing happens once, at `submit`; a malformed op is rejected with zod's issues.
 */
import { z } from 'zod';
import { ResponseItem, UserInput } from './items.js';
import {
  ApprovalsReviewer,
  AskForApproval,
  CollaborationMode,
  ReasoningEffort,
  ReasoningSummary,
  ReviewDecision,
  SandboxPolicy,
} from './config.js';

const turnContextOverrides = {
  cwd: z.string().min(1).optional(),
  approval_policy: AskForApproval.optional(),
  approvals_reviewer: ApprovalsReviewer.optional(),
  sandbox_policy: SandboxPolicy.optional(),
  permission_profile: z.unknown().optional(),
  windows_sandbox_level: z.unknown().optional(),
  model: z.string().min(1).optional(),
  effort: ReasoningEffort.nullish(),
  summary: ReasoningSummary.optional(),
  service_tier: z.string().nullish(),
  collaboration_mode: CollaborationMode.optional(),
  personality: z.string().optional(),
};

const inputFields = {
  items: z.array(UserInput),
  environments: z.array(z.unknown()).optional(),
  final_output_json_schema: z.unknown().optional(),
  responsesapi_client_metadata: z.record(z.string(), z.string()).optional(),
};

export const ReviewTarget = z.discriminatedUnion('type', [
  z.object({ type: z.literal('uncommittedChanges') }),
  z.object({ type: z.literal('baseBranch'), branch: z.string() }),
  z.object({ type: z.literal('commit'), sha: z.string(), title: z.string().nullish() }),
  z.object({ type: z.literal('custom'), instructions: z.string() }),
]);
export const ReviewRequest = z.object({ target: ReviewTarget, user_facing_hint: z.string().nullish() });
export type ReviewRequest = z.infer<typeof ReviewRequest>;

export const InterAgentCommunication = z.object({
  author: z.string(),
  recipient: z.string(),
  other_recipients: z.array(z.string()).default([]),
  content: z.string(),
  trigger_turn: z.boolean().default(false),
});
export type InterAgentCommunication = z.infer<typeof InterAgentCommunication>;

const unit = <T extends string>(type: T) => z.object({ type: z.literal(type) });

/**
 * The op union itself (Codex `Op`, internally tagged with `type`); `Op` adds legacy aliases.
 * @example
 * OpUnion.parse({ type: 'interrupt' });
 */
export const OpUnion = z.discriminatedUnion('type', [
  unit('interrupt'),
  unit('clean_background_terminals'),
  z.object({ type: z.literal('realtime_conversation_start') }).loose(),
  z.object({ type: z.literal('realtime_conversation_audio') }).loose(),
  z.object({ type: z.literal('realtime_conversation_text') }).loose(),
  unit('realtime_conversation_close'),
  unit('realtime_conversation_list_voices'),
  z.object({ type: z.literal('user_input'), ...inputFields }),
  z.object({ type: z.literal('user_input_with_turn_context'), ...inputFields, ...turnContextOverrides }),
  z.object({
    type: z.literal('user_turn'),
    ...inputFields,
    cwd: z.string().min(1),
    approval_policy: AskForApproval,
    approvals_reviewer: ApprovalsReviewer.optional(),
    sandbox_policy: SandboxPolicy,
    permission_profile: z.unknown().optional(),
    model: z.string().min(1),
    effort: ReasoningEffort.nullish(),
    summary: ReasoningSummary.optional(),
    service_tier: z.string().nullish(),
    collaboration_mode: CollaborationMode.optional(),
    personality: z.string().optional(),
  }),
  z.object({ type: z.literal('inter_agent_communication'), communication: InterAgentCommunication }),
  z.object({ type: z.literal('override_turn_context'), ...turnContextOverrides }),
  z.object({ type: z.literal('exec_approval'), id: z.string(), turn_id: z.string().nullish(), decision: ReviewDecision }),
  z.object({ type: z.literal('patch_approval'), id: z.string(), decision: ReviewDecision }),
  z.object({
    type: z.literal('resolve_elicitation'),
    server_name: z.string(),
    request_id: z.union([z.string(), z.number()]),
    decision: z.enum(['accept', 'decline', 'cancel']),
    content: z.unknown().optional(),
    meta: z.unknown().optional(),
  }),
  z.object({ type: z.literal('user_input_answer'), id: z.string(), response: z.unknown() }),
  z.object({ type: z.literal('request_permissions_response'), id: z.string(), response: z.unknown() }),
  z.object({ type: z.literal('dynamic_tool_response'), id: z.string(), response: z.unknown() }),
  z.object({ type: z.literal('add_to_history'), text: z.string() }),
  z.object({ type: z.literal('get_history_entry_request'), offset: z.number().int().nonnegative(), log_id: z.number().int() }),
  unit('list_mcp_tools'),
  z.object({ type: z.literal('refresh_mcp_servers'), config: z.unknown() }),
  unit('reload_user_config'),
  z.object({ type: z.literal('list_skills'), cwds: z.array(z.string()).default([]), force_reload: z.boolean().default(false) }),
  unit('list_models'),
  unit('compact'),
  unit('drop_memories'),
  unit('update_memories'),
  z.object({ type: z.literal('set_thread_name'), name: z.string() }),
  z.object({ type: z.literal('set_thread_memory_mode'), mode: z.enum(['enabled', 'disabled']) }),
  unit('undo'),
  z.object({ type: z.literal('thread_rollback'), num_turns: z.number().int().nonnegative().max(0xffffffff) }),
  z.object({ type: z.literal('review'), review_request: ReviewRequest }),
  z.object({ type: z.literal('approve_guardian_denied_action'), event: z.unknown() }),
  unit('shutdown'),
  z.object({ type: z.literal('run_user_shell_command'), command: z.string() }),
]);

/**
 * Every operation of the protocol that turnstate parses, accepting the legacy
 * `request_user_input_response` spelling of `user_input_answer` on input.
 * @example
 * Op.parse({ type: 'user_input', items: [{ type: 'text', text: 'hi' }] });
 * Op.parse({ type: 'exec_approval', id: 'call_1', decision: 'approved' });
 */
export const Op = z.preprocess((raw) => normaliseOpType(raw), OpUnion);
export type Op = z.infer<typeof OpUnion>;
export type OpType = Op['type'];
/**
 * The op a host writes: the zod *input* type of the op union, so fields with defaults are
 * optional and a misspelled `type`, field or enum value fails to compile.
 * @example
 * const op: OpInput = { type: 'exec_approval', id: 'call_1', decision: 'approved' };
 */
export type OpInput = z.input<typeof OpUnion>;
/**
 * `T` with every array and object read-only, so `as const` literals are accepted where a
 * host passes input (turnstate never mutates what it is given; it parses a copy).
 */
export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends (...args: never[]) => unknown
    ? T
    : T extends object
      ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
      : T;
/** The op variant with the given `type`, as a host writes it. */
export type OpInputOf<T extends OpType> = Extract<OpInput, { type: T }>;

const OP_ALIASES: Record<string, string> = { request_user_input_response: 'user_input_answer' };

function normaliseOpType(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const type = (raw as { type?: unknown }).type;
  if (typeof type === 'string' && type in OP_ALIASES) return { ...raw, type: OP_ALIASES[type] };
  return raw;
}

export const W3cTraceContext = z.object({ traceparent: z.string().nullish(), tracestate: z.string().nullish() });

/**
 * A submission: an op and the id every event it causes will carry.
 * @example
 * Submission.parse({ id: 'sub-1', op: { type: 'interrupt' } });
 */
export const Submission = z.object({ id: z.string().min(1), op: Op, trace: W3cTraceContext.nullish() });
export type Submission = z.infer<typeof Submission>;
/** A submission as a host writes it (`op` typed as `OpInput`). */
export type SubmissionInput = Omit<z.input<typeof Submission>, 'op'> & { op: OpInput };

/** Items accepted by `injectResponseItems`. */
export const ResponseItems = z.array(ResponseItem);

/**
 * The rollout format (Codex-compatible JSONL): every line is
 * `{"timestamp": "YYYY-MM-DDTHH:MM:SS.mmmZ", "type": <kind>, "payload": {...}}`, and the
 * first `session_meta` line names the thread. Payload schemas keep unknown fields
 * (`looseObject`) so lines written by a newer engine lose nothing when read back.
 */
import { z } from 'zod';
import { AskForApproval, CollaborationMode, ReasoningEffort, ReasoningSummary, SandboxPolicy } from '../protocol/config.js';
import { EventMsg } from '../protocol/events.js';
import { ResponseItem } from '../protocol/items.js';

/**
 * UTC timestamp with millisecond precision, as every rollout line carries it.
 * @example
 * ROLLOUT_TIMESTAMP_PATTERN.test('2026-04-25T10:00:00.000Z'); // true
 */
export const ROLLOUT_TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A rollout line timestamp.
 * @example
 * RolloutTimestamp.parse('2026-04-25T10:00:00.000Z');
 */
export const RolloutTimestamp = z.string().regex(ROLLOUT_TIMESTAMP_PATTERN, 'expected YYYY-MM-DDTHH:MM:SS.mmmZ');

const optStr = z.string().nullish();

/**
 * Git state of the working directory when the thread started.
 * @example
 * GitInfo.parse({ commit_hash: 'abc123', branch: 'main' });
 */
export const GitInfo = z.looseObject({ commit_hash: optStr, branch: optStr, repository_url: optStr });
export type GitInfo = z.infer<typeof GitInfo>;

/**
 * Who started a thread, as `session_meta.source` records it: one of the host kinds Codex knows
 * (`cli`, `vscode`, `exec`, `mcp`, `unknown`) or a sub-agent object (`{ "subagent": … }`).
 * Codex 0.169 refuses to resume a rollout whose source is anything else ("does not start with
 * session metadata"), so `createThread` accepts only these.
 * @example
 * SessionSource.parse('exec'); // 'exec'
 * SessionSource.parse({ subagent: 'review' });
 */
export const SessionSource = z.union([
  z.enum(['cli', 'vscode', 'exec', 'mcp', 'unknown']),
  z.looseObject({ subagent: z.union([z.string(), z.record(z.string(), z.unknown())]) }),
]);
export type SessionSource = z.infer<typeof SessionSource>;

/**
 * The `session_meta` payload: who started the thread, where, and from which thread it forked.
 * `source` is read leniently (any string or object, so rollouts of newer engines still open);
 * `history_mode: "paginated"` marks a Codex rollout whose every line carries an `ordinal`.
 * @example
 * SessionMeta.parse({ id: 't1', timestamp: '2026-04-25T10:00:00.000Z', cwd: '/w', originator: 'turnstate', cli_version: '0.1.0', source: 'cli' });
 */
export const SessionMeta = z.looseObject({
  id: z.string().min(1),
  forked_from_id: optStr,
  timestamp: z.string(),
  cwd: z.string(),
  originator: z.string(),
  cli_version: z.string(),
  source: z.union([z.string(), z.record(z.string(), z.unknown())]).default('unknown'),
  agent_nickname: optStr,
  agent_role: optStr,
  agent_path: optStr,
  model_provider: optStr,
  base_instructions: z.looseObject({ text: z.string() }).nullish(),
  dynamic_tools: z.array(z.unknown()).nullish(),
  memory_mode: optStr,
  history_mode: optStr,
  git: GitInfo.nullish(),
});
export type SessionMeta = z.infer<typeof SessionMeta>;

/**
 * The `compacted` payload: the summary message and, for modern compactions, the complete
 * history that replaced everything before it.
 * @example
 * CompactedItem.parse({ message: 'summary', replacement_history: [] });
 */
export const CompactedItem = z.looseObject({
  message: z.string(),
  replacement_history: z.array(ResponseItem).nullish(),
});
export type CompactedItem = z.infer<typeof CompactedItem>;

/**
 * The `turn_context` payload: the settings a turn ran with (SPEC §8.1).
 * @example
 * TurnContextItem.parse({ turn_id: 't1', cwd: '/w', approval_policy: 'never', sandbox_policy: { type: 'danger-full-access' }, model: 'gpt-5', summary: 'auto' });
 */
export const TurnContextItem = z.looseObject({
  turn_id: optStr,
  trace_id: optStr,
  cwd: z.string(),
  current_date: optStr,
  timezone: optStr,
  approval_policy: AskForApproval,
  sandbox_policy: SandboxPolicy,
  permission_profile: z.unknown().optional(),
  network: z.unknown().optional(),
  file_system_sandbox_policy: z.unknown().optional(),
  model: z.string(),
  personality: optStr,
  collaboration_mode: CollaborationMode.nullish(),
  realtime_active: z.boolean().nullish(),
  effort: ReasoningEffort.nullish(),
  summary: ReasoningSummary,
  user_instructions: optStr,
  developer_instructions: optStr,
  final_output_json_schema: z.unknown().optional(),
  truncation_policy: z.unknown().optional(),
});
export type TurnContextItem = z.infer<typeof TurnContextItem>;

/**
 * The payload schema of each line kind.
 * @example
 * ROLLOUT_PAYLOADS.compacted.parse({ message: 'summary' });
 */
export const ROLLOUT_PAYLOADS = {
  session_meta: SessionMeta,
  response_item: ResponseItem,
  compacted: CompactedItem,
  turn_context: TurnContextItem,
  event_msg: EventMsg,
} as const;

/**
 * A rollout line kind.
 * @example
 * const kind: RolloutKind = 'turn_context';
 */
export type RolloutKind = keyof typeof ROLLOUT_PAYLOADS;

/**
 * Whether a string names a line kind this engine understands.
 * @example
 * isRolloutKind('event_msg'); // true
 */
export function isRolloutKind(kind: unknown): kind is RolloutKind {
  return typeof kind === 'string' && Object.hasOwn(ROLLOUT_PAYLOADS, kind);
}

/**
 * One persisted item, tagged with its kind (`type`) and carrying its `payload`.
 * @example
 * RolloutItem.parse({ type: 'event_msg', payload: { type: 'task_started', turn_id: 't1' } });
 */
export const RolloutItem = z.discriminatedUnion('type', [
  z.object({ type: z.literal('session_meta'), payload: SessionMeta }),
  z.object({ type: z.literal('response_item'), payload: ResponseItem }),
  z.object({ type: z.literal('compacted'), payload: CompactedItem }),
  z.object({ type: z.literal('turn_context'), payload: TurnContextItem }),
  z.object({ type: z.literal('event_msg'), payload: EventMsg }),
]);
export type RolloutItem = z.infer<typeof RolloutItem>;

/**
 * A line's position in a paginated rollout (Codex ≥ 0.155): `session_meta` is 0 and every
 * following line counts up by one, across line kinds this engine does not read.
 * @example
 * RolloutOrdinal.parse(12);
 */
export const RolloutOrdinal = z.number().int().nonnegative();

/**
 * One line of a rollout file: a timestamped item, with its `ordinal` in a paginated rollout.
 * @example
 * RolloutLine.parse({ timestamp: '2026-04-25T10:00:00.000Z', type: 'compacted', payload: { message: 's' } });
 * RolloutLine.parse({ timestamp: '2026-04-25T10:00:00.000Z', ordinal: 7, type: 'compacted', payload: { message: 's' } });
 */
export const RolloutLine = z.intersection(z.object({ timestamp: RolloutTimestamp, ordinal: RolloutOrdinal.optional() }), RolloutItem);
export type RolloutLine = z.infer<typeof RolloutLine>;

/**
 * The item variant of one kind, for narrowing.
 * @example
 * const compaction: RolloutItemOf<'compacted'> = { type: 'compacted', payload: { message: 's' } };
 */
export type RolloutItemOf<K extends RolloutKind> = Extract<RolloutItem, { type: K }>;

/**
 * Why a line was skipped.
 * @example
 * skipped.filter((s) => s.reason === 'torn_line');
 */
export type SkipReason = 'invalid_json' | 'torn_line' | 'invalid_line' | 'unknown_kind' | 'invalid_payload';

/**
 * A line the reader could not use. `line` is 1-based.
 * @example
 * // { line: 7, reason: 'invalid_payload', message: 'event_msg: turn_id: …' }
 */
export interface SkippedLine {
  line: number;
  reason: SkipReason;
  message: string;
  /** The line's `type` when it was a JSON object naming one (e.g. `world_state`). */
  kind?: string;
}

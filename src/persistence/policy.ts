/**
 * What goes into a rollout (SPEC §8.2). `session_meta`, `compacted`, `turn_context` and every
 * response item except `other` are always kept. Events are kept by name: the `limited` list by
 * default, plus the `extended` additions when extended history is on. Everything else (deltas,
 * begin events, approvals, warnings, …) is never written.
 */
import { truncateMiddle } from '../history/truncate.js';
import type { EventMsg, EventType } from '../protocol/events.js';
import type { RolloutItem } from './rollout-schema.js';

/**
 * `limited` (default) or `extended` (opt-in `persist_extended_history`).
 * @example
 * const mode: PersistenceMode = config.persistExtendedHistory ? 'extended' : 'limited';
 */
export type PersistenceMode = 'limited' | 'extended';

/**
 * Largest `aggregated_output` kept for an `exec_command_end` event in extended mode (bytes).
 * @example
 * truncateMiddle(output, EXEC_OUTPUT_PERSIST_MAX_BYTES);
 */
export const EXEC_OUTPUT_PERSIST_MAX_BYTES = 10_000;

/**
 * Events written in every mode (`item_completed` only for `Plan` items).
 * @example
 * LIMITED_PERSISTED_EVENTS.has('task_complete'); // true
 */
export const LIMITED_PERSISTED_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'user_message',
  'agent_message',
  'agent_reasoning',
  'agent_reasoning_raw_content',
  'token_count',
  'thread_name_updated',
  'context_compacted',
  'entered_review_mode',
  'exited_review_mode',
  'thread_rolled_back',
  'undo_completed',
  'turn_aborted',
  'task_started',
  'task_complete',
  'image_generation_end',
  'item_completed',
]);

/**
 * Events written only in extended mode, in addition to the limited ones.
 * @example
 * EXTENDED_PERSISTED_EVENTS.has('exec_command_end'); // true
 */
export const EXTENDED_PERSISTED_EVENTS: ReadonlySet<EventType> = new Set<EventType>([
  'error',
  'guardian_assessment',
  'web_search_end',
  'exec_command_end',
  'patch_apply_end',
  'mcp_tool_call_end',
  'view_image_tool_call',
  'collab_agent_spawn_end',
  'collab_agent_interaction_end',
  'collab_waiting_end',
  'collab_close_end',
  'collab_resume_end',
  'dynamic_tool_call_request',
  'dynamic_tool_call_response',
]);

/**
 * Whether an event is written in this mode.
 * @example
 * shouldPersistEvent({ type: 'agent_message_delta', delta: 'x' }, 'extended'); // false
 */
export function shouldPersistEvent(msg: EventMsg, mode: PersistenceMode): boolean {
  if (msg.type === 'item_completed') return msg.item.type === 'Plan';
  if (LIMITED_PERSISTED_EVENTS.has(msg.type)) return true;
  return mode === 'extended' && EXTENDED_PERSISTED_EVENTS.has(msg.type);
}

/**
 * Whether an item is written to the rollout in this mode.
 * @example
 * shouldPersist({ type: 'event_msg', payload: { type: 'task_started', turn_id: 't1' } }, 'limited'); // true
 */
export function shouldPersist(item: RolloutItem, mode: PersistenceMode): boolean {
  switch (item.type) {
    case 'session_meta':
    case 'compacted':
    case 'turn_context':
      return true;
    case 'response_item':
      return item.payload.type !== 'other';
    case 'event_msg':
      return shouldPersistEvent(item.payload, mode);
  }
}

/**
 * The form an item is written in: `exec_command_end` keeps at most 10 000 bytes of its
 * aggregated output (middle-truncated) and loses stdout, stderr and formatted output.
 * Other items come back unchanged.
 * @example
 * sanitizeForPersistence(execEnd).payload; // aggregated_output ≤ 10 000 bytes, stdout ''
 */
export function sanitizeForPersistence(item: RolloutItem): RolloutItem {
  if (item.type !== 'event_msg' || item.payload.type !== 'exec_command_end') return item;
  const payload = item.payload;
  return {
    type: 'event_msg',
    payload: {
      ...payload,
      aggregated_output: truncateMiddle(payload.aggregated_output, EXEC_OUTPUT_PERSIST_MAX_BYTES),
      stdout: '',
      stderr: '',
      formatted_output: '',
    },
  };
}

/**
 * Filters and sanitises a batch for writing, keeping order.
 * @example
 * filterForPersistence(items, 'limited').length <= items.length; // true
 */
export function filterForPersistence(items: readonly RolloutItem[], mode: PersistenceMode): RolloutItem[] {
  return items.filter((item) => shouldPersist(item, mode)).map(sanitizeForPersistence);
}

/**
 * What a delegate does with each child event (seed 004 `forward_events`, SPEC §11.1).
 */
import type { EventMsg } from '../protocol/index.js';

/**
 * `drop`: never reaches the parent; `approval`: asked on the parent, the decision goes back
 * to the child; `forward`: handed to the delegate's consumer.
 */
export type ChildEventRoute = 'drop' | 'approval' | 'forward';

/**
 * Events a delegate drops: the legacy deltas (the parent's own `emit` projects them again from
 * the forwarded v2 deltas), the child's token counts, its `session_configured` and
 * `thread_name_updated` (seed 004), and its `shutdown_complete`: the child's shutdown is the
 * delegate's business, and on the parent's stream that event means the parent itself closed.
 */
const DROPPED = new Set<EventMsg['type']>([
  'agent_message_delta',
  'agent_reasoning_delta',
  'token_count',
  'session_configured',
  'thread_name_updated',
  'shutdown_complete',
]);

/**
 * Routes one child event.
 * @example
 * routeChildEvent({ type: 'token_count', info: null, rate_limits: null }); // 'drop'
 * routeChildEvent({ type: 'warning', message: 'x' }); // 'forward'
 */
export function routeChildEvent(msg: EventMsg): ChildEventRoute {
  if (DROPPED.has(msg.type)) return 'drop';
  if (msg.type === 'exec_approval_request' || msg.type === 'apply_patch_approval_request') return 'approval';
  return 'forward';
}

/**
 * Whether a child event ends a one-shot delegate (its first `task_complete` or `turn_aborted`).
 * @example
 * endsOneShot({ type: 'turn_aborted', turn_id: 't', reason: 'interrupted' }); // true
 */
export function endsOneShot(msg: EventMsg): boolean {
  return msg.type === 'task_complete' || msg.type === 'turn_aborted';
}

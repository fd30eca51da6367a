/**
 * AgentStatus: the one-word summary of a thread that hosts show in lists, derived from the
 * lifecycle events as they are delivered.
 */
import type { EventMsg } from './events.js';

import { AgentStatus } from './agent-status.js';

export { AgentStatus };

const REASON_DEBUG: Record<string, string> = {
  interrupted: 'Interrupted',
  replaced: 'Replaced',
  review_ended: 'ReviewEnded',
  budget_limited: 'BudgetLimited',
};

/**
 * The status an event moves a thread to, or `null` when the event does not change it.
 * @example
 * agentStatusFromEvent({ type: 'turn_aborted', turn_id: 't', reason: 'replaced' }); // { errored: 'Replaced' }
 */
export function agentStatusFromEvent(msg: EventMsg): AgentStatus | null {
  switch (msg.type) {
    case 'task_started':
      return 'running';
    case 'task_complete':
      return { completed: msg.last_agent_message ?? null };
    case 'turn_aborted':
      return msg.reason === 'interrupted' || msg.reason === 'budget_limited'
        ? 'interrupted'
        : { errored: REASON_DEBUG[msg.reason] ?? msg.reason };
    case 'error':
      return { errored: msg.message };
    case 'shutdown_complete':
      return 'shutdown';
    default:
      return null;
  }
}

/**
 * Whether a status is final (the agent is not working and will not resume by itself).
 * @example
 * isFinalStatus('running'); // false
 */
export function isFinalStatus(status: AgentStatus): boolean {
  return !(status === 'pending_init' || status === 'running' || status === 'interrupted');
}

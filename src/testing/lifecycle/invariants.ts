/**
 * Invariant checkers over a thread's event log (SPEC §3 lifecycle rules): at most one active
 * turn, one end per turn and nothing of a turn after its end, an aborted turn never
 * completes, one `<turn_aborted>` marker per interrupted abort (none for `replaced`), nothing
 * after `shutdown_complete`, and every started turn ended by then. They take plain data, so a
 * host can run them over its own thread set-up (or over a recorded log).
 */
import { TURN_ABORTED_MARKER_TEXT } from '../../runtime/markers.js';
import { agentStatusFromEvent, type AgentStatus, type Event, type ReviewDecision } from '../../protocol/index.js';

const ENDS = new Set(['task_complete', 'turn_aborted']);

/** What the log alone says about a thread, for further checks. */
export interface EventLogSummary {
  /** Turn ids in start order. */
  started: string[];
  /** Turn ids that ended, with the end event's type. */
  ended: Map<string, 'task_complete' | 'turn_aborted'>;
  /** `turn_aborted{reason: interrupted}` count (each must have left one marker in history). */
  interruptedAborts: number;
  /** The agent status the events imply (what `thread.status()` must report). */
  status: AgentStatus;
  shutdown: boolean;
}

/**
 * Checks an event log; returns the violations found (empty when every rule holds) and a summary.
 * Pass `historyTexts` (the text of every history message) to check the interrupt markers too.
 * @example
 * const { violations } = checkEventLog(log, { historyTexts: historyTexts(thread) });
 * expect(violations).toEqual([]);
 */
export function checkEventLog(log: readonly Event[], opts: { historyTexts?: readonly string[] } = {}): { violations: string[]; summary: EventLogSummary } {
  const violations: string[] = [];
  const summary: EventLogSummary = { started: [], ended: new Map(), interruptedAborts: 0, status: 'pending_init', shutdown: false };
  let open: string | null = null;
  log.forEach((e, index) => {
    const at = `#${index} ${e.msg.type} (${e.id || 'no id'})`;
    if (summary.shutdown) violations.push(`${at}: event after shutdown_complete`);
    if (e.msg.type === 'shutdown_complete') summary.shutdown = true;
    const status = agentStatusFromEvent(e.msg);
    if (status !== null) summary.status = status;
    if (summary.ended.has(e.id)) violations.push(`${at}: event after the end of turn ${e.id}`);
    if (e.msg.type === 'task_started') {
      if (open !== null) violations.push(`${at}: a turn started while turn ${open} is active`);
      if (summary.started.includes(e.id)) violations.push(`${at}: turn ${e.id} started twice`);
      open = e.id;
      summary.started.push(e.id);
    }
    if (ENDS.has(e.msg.type) && summary.started.includes(e.id)) {
      summary.ended.set(e.id, e.msg.type as 'task_complete' | 'turn_aborted');
      if (open === e.id) open = null;
      if (e.msg.type === 'turn_aborted' && e.msg.reason === 'interrupted') summary.interruptedAborts++;
    }
  });
  if (summary.shutdown) {
    const unended = summary.started.filter((id) => !summary.ended.has(id));
    if (unended.length) violations.push(`turns never ended before shutdown_complete: ${unended.join(', ')}`);
  }
  if (opts.historyTexts) {
    const markers = opts.historyTexts.filter((t) => t === TURN_ABORTED_MARKER_TEXT).length;
    if (markers !== summary.interruptedAborts) {
      violations.push(`${markers} <turn_aborted> marker(s) in history for ${summary.interruptedAborts} interrupted abort(s)`);
    }
  }
  return { violations, summary };
}

/** One approval as the task saw it resolved. */
export interface ApprovalResolution {
  id: string;
  turnId: string;
  decision: ReviewDecision;
  /** Whether the turn had already ended when the decision arrived. */
  turnEnded: boolean;
}

/**
 * Approvals are resolved at most once, before their turn ended, and only with a decision
 * that was sent for that id. Returns the violations.
 * @example
 * expect(checkApprovals(resolutions, sent)).toEqual([]);
 */
export function checkApprovals(resolutions: readonly ApprovalResolution[], sent: ReadonlyMap<string, readonly ReviewDecision[]>): string[] {
  const violations: string[] = [];
  const seen = new Set<string>();
  for (const r of resolutions) {
    if (seen.has(r.id)) violations.push(`approval ${r.id} resolved twice`);
    seen.add(r.id);
    if (r.turnEnded) violations.push(`approval ${r.id} resolved after its turn ${r.turnId} ended`);
    const decisions = sent.get(r.id) ?? [];
    if (!decisions.some((d) => JSON.stringify(d) === JSON.stringify(r.decision))) {
      violations.push(`approval ${r.id} resolved with ${JSON.stringify(r.decision)}, which was never sent for it`);
    }
  }
  return violations;
}

/**
 * The delegate part of the lifecycle kit: a parent thread with sub-agents, whose scripted
 * model spawns a child when told to, and whose children may ask for an approval that is
 * answered on the parent. Requests are routed by `prompt_cache_key` (the thread id of the
 * thread that sent them).
 *
 * The invariants checked for the children (besides the event-log rules each child's own log
 * must follow): a child approval is resolved at most once, never after the child's turn ended,
 * and only with a decision sent for it on the parent — or `abort` / `denied`, the engine's
 * answers when the parent turn ended or none was active; no child approval stays pending once
 * the parent turn it was asked on has ended; after an interrupt or shutdown of the parent, no
 * child that lived before it is still live.
 */
import { z } from 'zod';
import type { Event, ResponseItem, ReviewDecision } from '../../protocol/index.js';
import type { ModelRequest } from '../../model/types.js';
import { defineTool, type ToolDefinition } from '../../tools/router.js';
import type { ScriptedTurn } from '../scripted-model.js';
import type { ApprovalResolution } from './invariants.js';

/** The user text that makes the parent's model spawn a child (`spawnAgent` step). */
export const SPAWN_TEXT = 'spawn a sub-agent';
/** The user text that makes it spawn a child that first asks for an approval. */
export const SPAWN_ASKING_TEXT = 'spawn a sub-agent that asks first';
/** A child's task; the asking child's task. */
export const CHILD_TASK = 'CHILD: work';
export const CHILD_ASKING_TASK = 'CHILD: ask for approval, then work';
/** The host tool an asking child calls: it asks for an exec approval and waits for the decision. */
export const APPROVAL_PROBE_TOOL = 'lifecycle_approval_probe';
/** Call ids (= approval ids) of the probe start with this. */
export const PROBE_CALL_PREFIX = 'probe_';

const userTexts = (input: readonly ResponseItem[]): string[] =>
  input.flatMap((item) => (item.type === 'message' && item.role === 'user' ? item.content.map((c) => ('text' in c ? String(c.text) : '')) : []));

const lastUserText = (input: readonly ResponseItem[]): string | null => {
  const last = input.at(-1);
  return last?.type === 'message' && last.role === 'user' ? (userTexts([last])[0] ?? null) : null;
};

const functionCall = (i: number, name: string, callId: string, args: unknown): ScriptedTurn => [
  { type: 'created' },
  { type: 'output_item_done', item: { type: 'function_call', name, arguments: JSON.stringify(args), call_id: callId } },
  { type: 'completed', response_id: `r${i}`, token_usage: null },
];

/**
 * The ungated reply to a request of the delegate set-up, or `null` for the gated answer:
 * the parent's request that ends with a spawn text calls `spawn_agent`; an asking child's
 * first request calls the probe tool.
 * @example
 * delegateReply(request, parentId, 3); // a spawn_agent call when the request ends with SPAWN_TEXT
 */
export function delegateReply(request: ModelRequest, parentThreadId: string, i: number): ScriptedTurn | null {
  if (request.prompt_cache_key === parentThreadId) {
    const text = lastUserText(request.input);
    if (text === SPAWN_TEXT || text === SPAWN_ASKING_TEXT) {
      return functionCall(i, 'spawn_agent', `spawn_${i}`, { message: text === SPAWN_TEXT ? CHILD_TASK : CHILD_ASKING_TASK });
    }
    return null;
  }
  const asked = request.input.some((item) => item.type === 'function_call_output');
  if (!asked && userTexts(request.input).includes(CHILD_ASKING_TASK)) return functionCall(i, APPROVAL_PROBE_TOOL, `${PROBE_CALL_PREFIX}${i}`, {});
  return null;
}

/** A child approval as the probe saw it resolved. */
export interface ChildApprovalResolution extends ApprovalResolution {
  childThreadId: string;
}

/**
 * The probe tool: emits an `exec_approval_request` (which the child's delegate routes to the
 * parent) and waits for the decision; `onResolved` hears each resolution.
 * @example
 * const probe = approvalProbeTool((r) => resolutions.push(r), (threadId, turnId) => ended(threadId, turnId));
 */
export function approvalProbeTool(
  onResolved: (resolution: ChildApprovalResolution) => void,
  turnEnded: (threadId: string, turnId: string) => boolean,
): ToolDefinition<unknown> {
  return defineTool({
    name: APPROVAL_PROBE_TOOL,
    description: 'Asks the user for an approval (lifecycle test probe).',
    parameters: z.object({}),
    async execute(_args, { callId, turnId, turn }) {
      turn.emit({ type: 'exec_approval_request', call_id: callId, turn_id: turnId, command: ['lifecycle-probe'], cwd: '/tmp', reason: 'lifecycle probe', parsed_cmd: [] });
      const decision = await turn.requestApproval({ approvalId: callId, kind: 'exec' });
      onResolved({ id: callId, turnId, childThreadId: turn.threadId, decision, turnEnded: turnEnded(turn.threadId, turnId) });
      return `decided ${typeof decision === 'string' ? decision : 'amendment'}`;
    },
  }) as ToolDefinition<unknown>;
}

/** A child thread as the driver watches it. */
export interface WatchedChild {
  threadId: string;
  log: Event[];
  /** Whether the child's log ends with its `shutdown_complete`. */
  closed(): boolean;
}

/** The probe approvals shown on the parent: approval id → the parent turn id it was asked under (`''`: none). */
export function surfacedChildApprovals(parentLog: readonly Event[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of parentLog) if (e.msg.type === 'exec_approval_request' && e.msg.call_id.startsWith(PROBE_CALL_PREFIX)) out.set(e.msg.call_id, e.id);
  return out;
}

/**
 * The child-approval rules over what the parent showed, what the user sent and what the
 * probes saw. Returns the violations.
 * @example
 * expect(checkChildApprovals(parentLog, resolutions, sent)).toEqual([]);
 */
export function checkChildApprovals(
  parentLog: readonly Event[],
  resolutions: readonly ChildApprovalResolution[],
  sent: ReadonlyMap<string, readonly ReviewDecision[]>,
  children: readonly WatchedChild[],
): string[] {
  const violations: string[] = [];
  const surfaced = surfacedChildApprovals(parentLog);
  const ended = new Set(parentLog.filter((e) => e.msg.type === 'task_complete' || e.msg.type === 'turn_aborted').map((e) => e.id));
  const seen = new Set<string>();
  for (const r of resolutions) {
    if (seen.has(r.id)) violations.push(`child approval ${r.id} resolved twice`);
    seen.add(r.id);
    if (r.turnEnded) violations.push(`child approval ${r.id} resolved after its child turn ${r.turnId} ended`);
    const parentTurn = surfaced.get(r.id);
    if (parentTurn === undefined) {
      violations.push(`child approval ${r.id} resolved without being shown on the parent`);
      continue;
    }
    const allowed = parentTurn === '' ? ['"denied"'] : [...(sent.get(r.id) ?? []), 'abort', 'denied'].map((d) => JSON.stringify(d));
    if (!allowed.includes(JSON.stringify(r.decision))) {
      violations.push(`child approval ${r.id} resolved with ${JSON.stringify(r.decision)}; allowed: ${allowed.join(', ')}`);
    }
  }
  for (const [id, parentTurn] of surfaced) {
    if (seen.has(id) || (parentTurn !== '' && !ended.has(parentTurn))) continue;
    // Still pending although the parent turn it was asked on is over: fine only if the child's turn is over too.
    const child = children.find((c) => c.log.some((e) => e.msg.type === 'exec_approval_request' && e.msg.call_id === id));
    const childTurn = child?.log.find((e) => e.msg.type === 'exec_approval_request' && e.msg.call_id === id)?.id;
    const childTurnOver = child?.log.some((e) => e.id === childTurn && (e.msg.type === 'task_complete' || e.msg.type === 'turn_aborted')) ?? false;
    if (!childTurnOver && !(child?.closed() ?? false)) {
      violations.push(`child approval ${id} is still pending after the parent turn ${parentTurn || '(none)'} it was asked on ended`);
    }
  }
  return violations;
}

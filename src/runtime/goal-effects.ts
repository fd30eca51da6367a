/**
 * Goal settlement after a tool completes: usage is accounted and, the first time a goal's
 * budget is reached, a hidden developer message asks the model to wrap up (the turn is
 * not aborted).
 */
import type { ResponseInputItem } from '../protocol/index.js';
import { goalEventChangesNothing } from '../../machines/goal.machine.js';
import { budgetLimitPrompt } from './goal-prompts.js';
import type { ThreadHost } from './thread-host.js';

/** Tools whose completion settles goal usage without budget steering. */
const GOAL_TOOLS = new Set(['update_goal']);

export function settleGoalAfterTool(rt: ThreadHost, turnId: string, toolName: string): void {
  const goal = rt.goalRef();
  // Without a goal (and nothing suppressed) both events would change nothing: not sent.
  if (!goalEventChangesNothing(goal.getSnapshot().context, { type: 'GOAL.ACTIVITY' })) goal.send({ type: 'GOAL.ACTIVITY' });
  if (goalEventChangesNothing(goal.getSnapshot().context, { type: 'GOAL.SETTLE' })) return;
  goal.send({ type: 'GOAL.SETTLE', turnId, usage: rt.totalUsage(), now: rt.clock.now() });
  if (GOAL_TOOLS.has(toolName)) return;
  const snap = goal.getSnapshot();
  const g = snap.context.goal;
  const id = snap.context.goalId;
  if (!g || !id || g.status !== 'budgetLimited' || snap.context.budgetSteeredGoalIds.includes(id)) return;
  goal.send({ type: 'GOAL.BUDGET_STEERED', goalId: id });
  const message: ResponseInputItem = { type: 'message', role: 'developer', content: [{ type: 'input_text', text: budgetLimitPrompt(g) }] };
  rt.turnRef(turnId)?.send({ type: 'STEER', items: [message] });
}

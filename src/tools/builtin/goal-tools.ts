/**
 * The model's goal tools: `get_goal`, `create_goal` (only when no goal exists) and
 * `update_goal` (only to mark the goal complete, which stops automatic continuation).
 * Refusals go back to the model as the tool output and change nothing.
 */
import { z } from 'zod';
import { MAX_GOAL_OBJECTIVE_CHARS, type ThreadGoal } from '../../protocol/index.js';
import { defineTool, type ToolDefinition } from '../router.js';

const describeGoal = (goal: ThreadGoal) => JSON.stringify(goal);

/**
 * The three goal tools.
 * @example
 * goalTools().map((t) => t.name); // ['get_goal', 'create_goal', 'update_goal']
 */
export function goalTools(): ToolDefinition<unknown>[] {
  const get = defineTool({
    name: 'get_goal',
    description: 'Returns the current thread goal (objective, status, token budget and usage), or says that none is set.',
    parameters: z.object({}),
    execute: (_args, { turn }) => {
      const goal = turn.goals.get();
      return goal ? describeGoal(goal) : 'No goal is set for this thread.';
    },
  });
  const create = defineTool({
    name: 'create_goal',
    description: 'Sets a goal for this thread that work continues toward across turns. Fails if a goal already exists.',
    parameters: z.object({
      objective: z.string().trim().min(1).max(MAX_GOAL_OBJECTIVE_CHARS),
      token_budget: z.number().int().positive().optional(),
    }),
    execute: ({ objective, token_budget }, { turn }) => {
      const existing = turn.goals.get();
      if (existing) return { output: `A goal already exists (${existing.status}): ${existing.objective}. It was not replaced.`, success: false };
      const goal = turn.goals.create(objective, token_budget ?? null);
      return goal ? describeGoal(goal) : { output: 'The goal could not be created.', success: false };
    },
  });
  const update = defineTool({
    name: 'update_goal',
    description: 'Marks the thread goal complete once everything it asks for is done and verified. Only status "complete" is accepted.',
    parameters: z.object({ status: z.string() }),
    execute: ({ status }, { turn }) => {
      if (status !== 'complete') return { output: `update_goal only accepts status "complete" (got "${status}"); nothing was changed.`, success: false };
      const goal = turn.goals.complete();
      return goal ? describeGoal(goal) : { output: 'No goal is set for this thread; nothing was changed.', success: false };
    },
  });
  return [get, create, update] as ToolDefinition<unknown>[];
}

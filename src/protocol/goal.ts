/** The thread goal as clients see it (camelCase fields, as Codex's goal events carry them). */
import { z } from 'zod';

export const MAX_GOAL_OBJECTIVE_CHARS = 4000;

export const ThreadGoalStatus = z.enum(['active', 'paused', 'budgetLimited', 'complete']);
export type ThreadGoalStatus = z.infer<typeof ThreadGoalStatus>;

/**
 * A thread goal: an objective the engine keeps working toward across turns.
 * @example
 * ThreadGoal.shape.status.parse('active');
 */
export const ThreadGoal = z.object({
  threadId: z.string(),
  /**
   * The goal row's id (SPEC §7.1 `goal_id`): the same across status changes and restarts, new
   * when the objective is replaced. turnstate always sets it; goal events written by Codex
   * (whose protocol goal does not carry the id) parse without it.
   */
  goalId: z.string().min(1).optional(),
  objective: z.string().min(1).max(MAX_GOAL_OBJECTIVE_CHARS),
  status: ThreadGoalStatus,
  tokenBudget: z.number().int().positive().nullish(),
  tokensUsed: z.number().int().nonnegative(),
  timeUsedSeconds: z.number().int().nonnegative(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type ThreadGoal = z.infer<typeof ThreadGoal>;

/**
 * What a host passes to `thread.setGoal`.
 * @example
 * GoalSpec.parse({ objective: 'ship it', token_budget: 10_000 });
 */
export const GoalSpec = z.object({
  objective: z.string().trim().min(1, 'goal objective must not be empty').max(MAX_GOAL_OBJECTIVE_CHARS),
  token_budget: z.number().int().positive('token budget must be positive').nullish(),
  status: ThreadGoalStatus.optional(),
});
export type GoalSpec = z.input<typeof GoalSpec>;

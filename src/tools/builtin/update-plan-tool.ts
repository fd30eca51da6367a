/**
 * The `update_plan` tool: the model's checklist for the turn, echoed to the host as
 * `plan_update` and answered with "Plan updated".
 */
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../router.js';
import { PlanStepStatus, UPDATE_PLAN_TOOL } from '../plan.js';

const PlanParameters = z.object({
  explanation: z.string().nullish().describe('Why the plan changed (optional).'),
  plan: z.array(z.object({ step: z.string(), status: PlanStepStatus })).describe('The steps, in order.'),
});
type PlanParameters = z.infer<typeof PlanParameters>;

/**
 * The model-visible answer to `update_plan`.
 * @example
 * PLAN_UPDATED_MESSAGE; // 'Plan updated'
 */
export const PLAN_UPDATED_MESSAGE = 'Plan updated';

/**
 * The `update_plan` function tool.
 * @example
 * const tools = [updatePlanTool()];
 */
export function updatePlanTool(): ToolDefinition<PlanParameters> {
  return defineTool({
    name: UPDATE_PLAN_TOOL.name,
    description: UPDATE_PLAN_TOOL.description,
    parameters: PlanParameters,
    execute: ({ explanation, plan }, { turn }) => {
      turn.emit({ type: 'plan_update', explanation: explanation ?? null, plan });
      return PLAN_UPDATED_MESSAGE;
    },
  });
}

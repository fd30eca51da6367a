/**
 * The `update_plan` tool: the model keeps a short checklist for the turn, which the engine
 * echoes to the host as `PlanUpdate` and answers with "Plan updated".
 */
import { z } from 'zod';
import type { FunctionToolSpec } from '../model/types.js';
import { parseToolArguments } from './arguments.js';

/**
 * Status of one plan step.
 * @example
 * PlanStepStatus.parse('in_progress');
 */
export const PlanStepStatus = z.enum(['pending', 'in_progress', 'completed']);
export type PlanStepStatus = z.infer<typeof PlanStepStatus>;

/**
 * Arguments of `update_plan` (also the payload of the `plan_update` event).
 * @example
 * UpdatePlanArgs.parse({ plan: [{ step: 'read the code', status: 'completed' }] });
 */
export const UpdatePlanArgs = z.object({
  explanation: z.string().nullish(),
  plan: z.array(z.object({ step: z.string(), status: PlanStepStatus })),
});
export type UpdatePlanArgs = z.infer<typeof UpdatePlanArgs>;

/**
 * The `update_plan` function tool.
 * @example
 * request.tools.push(UPDATE_PLAN_TOOL);
 */
export const UPDATE_PLAN_TOOL: FunctionToolSpec = {
  type: 'function',
  name: 'update_plan',
  description:
    'Records the plan for the current task as a list of short steps, each pending, in_progress or completed. ' +
    'Keep at most one step in_progress; send the whole list each time, with an optional explanation of what changed.',
  strict: false,
  parameters: {
    type: 'object',
    properties: {
      explanation: { type: 'string', description: 'Why the plan changed (optional).' },
      plan: {
        type: 'array',
        description: 'The steps, in order.',
        items: {
          type: 'object',
          properties: {
            step: { type: 'string' },
            status: { type: 'string', enum: ['pending', 'in_progress', 'completed'] },
          },
          required: ['step', 'status'],
          additionalProperties: false,
        },
      },
    },
    required: ['plan'],
    additionalProperties: false,
  },
};

/**
 * Parses `update_plan` arguments; throws `ToolArgumentsError`.
 * @example
 * parseUpdatePlanArgs('{"plan":[{"step":"write tests","status":"in_progress"}]}');
 */
export function parseUpdatePlanArgs(raw: unknown): UpdatePlanArgs {
  return parseToolArguments('update_plan', UpdatePlanArgs, raw);
}

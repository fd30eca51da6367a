/**
 * Sub-agent settings of a thread (SPEC §11.2): how deep spawned agents may nest and how many
 * may live at once under one root thread. Codex's `agent_max_depth` (default 1) and
 * `agent_max_threads` (default 6).
 */
import { z } from 'zod';
import { TurnstateError } from '../errors.js';
import { AskForApproval, SandboxPolicy } from '../protocol/index.js';

/**
 * Codex `agent_max_depth` default: the root's children may not spawn.
 * @example
 * resolveSubAgentLimits({}).maxDepth === DEFAULT_AGENT_MAX_DEPTH; // true
 */
export const DEFAULT_AGENT_MAX_DEPTH = 1;
/**
 * Codex `agent_max_threads` default: live spawned agents per root thread.
 * @example
 * resolveSubAgentLimits({}).maxThreads === DEFAULT_AGENT_MAX_THREADS; // true
 */
export const DEFAULT_AGENT_MAX_THREADS = 6;

/**
 * `createThread({ subAgents })`: offers the model `spawn_agent`, `send_input`, `wait` and
 * `close_agent`. Children inherit the parent's approval policy and sandbox unless
 * `approvalPolicy` / `sandboxPolicy` say otherwise.
 * @example
 * const thread = await createThread({ model, subAgents: { maxDepth: 2, maxThreads: 4 } });
 */
export interface SubAgentsOptions {
  /** Deepest level a spawned agent may have (root = 0); children at this depth cannot spawn. Default 1. */
  maxDepth?: number;
  /** Live spawned agents per root thread, all depths together. Default 6. */
  maxThreads?: number;
  /** Approval policy of spawned agents (default: the parent's at spawn time). */
  approvalPolicy?: z.input<typeof AskForApproval>;
  /** Sandbox of spawned agents (default: the parent's at spawn time). */
  sandboxPolicy?: z.input<typeof SandboxPolicy>;
}

/** The validated form of `SubAgentsOptions`. */
export interface SubAgentLimits {
  maxDepth: number;
  maxThreads: number;
  approvalPolicy: AskForApproval | null;
  sandboxPolicy: SandboxPolicy | null;
}

/**
 * Sub-agent options that are not valid (`maxDepth` not a non-negative integer, `maxThreads`
 * not a positive integer, a policy that does not parse).
 * @example
 * new SubAgentsConfigError('maxThreads must be a positive integer').code; // 'invalid_sub_agents'
 */
export class SubAgentsConfigError extends TurnstateError {
  constructor(message: string) {
    super('invalid_sub_agents', 'configuration', `invalid subAgents option: ${message}`);
  }
}

// The policies are `unknown` here and parsed only when given: `AskForApproval` has a default,
// which zod would otherwise fill in for a missing value (and so override the parent's policy).
const Options = z.object({
  maxDepth: z.number().int().nonnegative().default(DEFAULT_AGENT_MAX_DEPTH),
  maxThreads: z.number().int().positive().default(DEFAULT_AGENT_MAX_THREADS),
  approvalPolicy: z.unknown().optional(),
  sandboxPolicy: z.unknown().optional(),
});

function parsePolicy<S extends z.ZodType>(schema: S, value: unknown, name: string): z.infer<S> | null {
  if (value === undefined) return null;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new SubAgentsConfigError(`${name}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

/**
 * Validates `subAgents` and fills in the defaults.
 * @throws SubAgentsConfigError
 * @example
 * resolveSubAgentLimits({}); // { maxDepth: 1, maxThreads: 6, approvalPolicy: null, sandboxPolicy: null }
 */
export function resolveSubAgentLimits(options: SubAgentsOptions): SubAgentLimits {
  const parsed = Options.safeParse(options);
  if (!parsed.success) {
    throw new SubAgentsConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  }
  const { maxDepth, maxThreads, approvalPolicy, sandboxPolicy } = parsed.data;
  return {
    maxDepth,
    maxThreads,
    approvalPolicy: parsePolicy(AskForApproval, approvalPolicy, 'approvalPolicy'),
    sandboxPolicy: parsePolicy(SandboxPolicy, sandboxPolicy, 'sandboxPolicy'),
  };
}

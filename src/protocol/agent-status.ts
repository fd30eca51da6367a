/**
 * The `AgentStatus` wire schema on its own, so that event schemas (collab_* events carry
 * statuses) and the status derivation (which reads events) do not import each other.
 */
import { z } from 'zod';

/** A thread's one-word status: `pending_init`, `running`, ..., `{completed}` or `{errored}`. */
export const AgentStatus = z.union([
  z.enum(['pending_init', 'running', 'interrupted', 'shutdown', 'not_found']),
  z.object({ completed: z.string().nullable() }),
  z.object({ errored: z.string() }),
]);
export type AgentStatus = z.infer<typeof AgentStatus>;

/**
 * The task contract: what runs inside a turn. The engine's own tasks (regular, compact,
 * undo, ...) and host-defined tasks implement the same interface, so they share one
 * lifecycle: start, cancellation with a 100 ms grace, abort hook, completion events.
 */
import type { TaskKind } from '../../machines/contracts.js';
import type { TaskContext } from '../tools/turn-context.js';

export type { TaskKind };

/**
 * A unit of work that runs as a turn.
 * @example
 * const echo: SessionTask<string> = {
 *   kind: 'echo',
 *   async run(ctx, text) { ctx.emit({ type: 'agent_message', message: text, phase: null }); return text; },
 * };
 * await thread.spawnTask(echo, 'hello');
 */
export interface SessionTask<I = unknown> {
  /** `regular`, `review`, `compact`, `undo`, `user_shell`, or a host-defined kind. */
  readonly kind: TaskKind;
  /** Whether input may be steered into it (default: only `regular`). */
  readonly steerable?: boolean;
  /** Whether the engine emits `task_started` before `run` (default true). */
  readonly announcesStart?: boolean;
  /** Does the work; returns the final agent message, if any. Should stop soon after `signal` aborts. */
  run(ctx: TaskContext, input: I, signal: AbortSignal): Promise<string | null | undefined> | string | null | undefined;
  /** Task-specific cleanup after an abort (runs after the grace period). */
  abort?(ctx: TaskContext): Promise<void> | void;
}

/**
 * The task contract: what runs inside a turn. The engine's own tasks (regular, compact,
 * undo, ...) and host-defined tasks implement the same interface, so they share one
 * lifecycle: start, cancellation with a 100 ms grace, abort hook, completion events.
 */
import type {
  EventMsg,
  ResponseInputItem,
  ResponseItem,
  ReviewDecision,
  TokenUsageInfo,
} from '../protocol/index.js';
import type { TaskKind } from '../../machines/contracts.js';
import type { TurnSettings } from '../history/session-data.js';

export type { TaskKind };

/** An approval a task waits for. */
export interface ApprovalRequest {
  /** Approval id (the call id unless the request carries its own). */
  approvalId: string;
  kind: 'exec' | 'patch';
  /** When given, an `approved_for_session` decision is remembered under this key. */
  sessionKey?: string;
}

/**
 * What a running task may do. Once the task has been force-stopped (or its turn has
 * ended) every method becomes a no-op: a late task cannot leak events or history.
 */
export interface TaskContext {
  readonly threadId: string;
  /** The turn's submission id; every event the task emits carries it. */
  readonly turnId: string;
  /** Aborted when the turn is interrupted or replaced. */
  readonly signal: AbortSignal;
  /** Settings this turn runs with (a snapshot taken at turn start). */
  readonly settings: TurnSettings;
  /** False once the task was force-stopped or its turn ended. */
  readonly live: boolean;
  /** Emits an event with this turn's id (persisted by policy, then delivered). */
  emit(msg: EventMsg): void;
  /** Appends items to model-visible history and the rollout (no events). */
  recordItems(items: ResponseItem[]): void;
  /** Current model-visible history. */
  history(): readonly ResponseItem[];
  /** Takes input steered into this turn since the last take (oldest first). */
  takePendingInput(): ResponseInputItem[];
  hasPendingInput(): boolean;
  /** Waits for the user's decision; rejects with an AbortError when the turn is cancelled. */
  requestApproval(request: ApprovalRequest): Promise<ReviewDecision>;
  /** Whether an action key was approved for the rest of the session. */
  isApprovedForSession(key: string): boolean;
  approveForSession(key: string): void;
  /** Current token usage of the thread. */
  tokenInfo(): TokenUsageInfo | null;
  /** Durability barrier for the rollout. */
  flush(): Promise<void>;
  /** Materialises the rollout file (first prompt and similar). */
  persist(): Promise<void>;
  /** Milliseconds since the epoch, from the thread's clock. */
  now(): number;
}

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

/**
 * The turn as tasks and tools see it: `TaskContext` (what any task, the host's included, may
 * do), `EngineContext` (what the engine's own tasks and the tools they run may do) and the
 * contracts they name. Tools are the lowest layer that receives a turn, so the contract is
 * declared here and implemented by the runtime.
 */
import type {
  EventMsg,
  ResponseInputItem,
  ResponseItem,
  ReviewDecision,
  ThreadGoal,
  TokenUsageInfo,
  UserInput,
} from '../protocol/index.js';
import type { GhostSnapshotSettings } from '../git/index.js';
import type { SessionData, SessionEvent, TurnSettings } from '../history/session-data.js';
import type { DelegateHandle, TurnDelegateOptions } from '../delegates/types.js';
import type { RolloutItem } from '../persistence/index.js';

/** An approval a task waits for. */
/** A tool call the model made: a function call, a custom (freeform) tool call or a local shell call. */
export type ToolCallItem = Extract<ResponseItem, { type: 'function_call' | 'custom_tool_call' | 'local_shell_call' }>;

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
 * The richer context the engine's own tasks use (token accounting, history replacement,
 * rollout lines, item events). Host tasks get the plain `TaskContext`.
 */
export interface EngineContext extends TaskContext {
  session(): SessionData;
  /** Sends a named session event to the thread (`TOKENS.UPDATE`, `MAILBOX.OPEN`, ...). */
  updateSession(event: SessionEvent): void;
  /** Records a user message with raw + item lifecycle events. */
  recordUserMessage(item: ResponseItem, content: UserInput[]): void;
  /** Records one pending-input item with its events. */
  recordPendingItem(item: ResponseInputItem): void;
  /** Announces an item already recorded (`raw_response_item`). */
  announceRawItem(item: ResponseItem): void;
  recordRollout(items: RolloutItem[]): void;
  countToolCall(): void;
  /** Settles goal usage after a tool completed; may inject the budget wrap-up message. */
  goalToolCompleted(toolName: string): void;
  newId(): string;
  /**
   * Runs a tool call as an actor of this turn (the call item is its input) and resolves with
   * its output item; rejects when the tool failed. Aborting `attempt` (the sampling attempt
   * that made the call failed) stops the call.
   */
  runToolCall(call: ToolCallItem, callId: string, attempt?: AbortSignal): Promise<ResponseItem>;
  /** Adds items to this turn's pending input (sent with its next request). */
  injectPendingInput(items: ResponseInputItem[]): void;
  /** Per-turn storage for tools (e.g. a diff tracker), dropped when the turn ends. */
  readonly scratch: Map<string, unknown>;
  /** Engine-wide services tools need (home directory, ...). */
  readonly services: EngineServices;
  /** The thread goal, as the model's goal tools see it. */
  readonly goals: GoalAccess;
  /** JSON Schema the turn's final message must follow (`final_output_json_schema`), if any. */
  readonly outputSchema: Record<string, unknown> | null;
  /** Starts an OpenTelemetry span inside this turn (a no-op without tracing). */
  startSpan(name: string, attributes: Record<string, string | number | boolean | undefined>): SpanHandle;
  /**
   * Starts a delegate (a child thread) of this turn, its actor under this turn's actor
   * (`startDelegate` in src/delegates). Throws `InvalidRequestError` when the thread cannot
   * open child threads (it was not made by `createThread`).
   */
  startDelegate(options: TurnDelegateOptions): DelegateHandle;
}

/** What the model's goal tools may do with the thread goal. */
export interface GoalAccess {
  get(): ThreadGoal | null;
  /** Sets a new active goal; announced with this turn's id. */
  create(objective: string, tokenBudget: number | null): ThreadGoal | null;
  /** Marks the goal complete (settling usage first); null when there is no goal. */
  complete(): ThreadGoal | null;
}

/** Engine-wide settings tools read. */
export interface EngineServices {
  /** The turnstate home (exec policy rules, message history, sessions). */
  home: string;
  /** Ghost snapshot settings (null: snapshots are off). */
  ghostSnapshots: GhostSnapshotSettings | null;
}

/** A started span: add attributes, then end it (with an error, it ends with status ERROR). */
export interface SpanHandle {
  setAttributes(attributes: Record<string, string | number | boolean | undefined>): void;
  end(error?: unknown): void;
}

/**
 * The error a cancelled wait rejects with (`name` is `AbortError`).
 * @example
 * if (ctx.signal.aborted) throw abortError();
 */
export function abortError(message = 'the turn was cancelled'): Error {
  const err = new Error(message);
  err.name = 'AbortError';
  return err;
}

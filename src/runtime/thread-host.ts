/**
 * What the effects, the task contexts and the recording helpers need of their thread: a
 * narrow view of `ThreadRuntime` with the types it names. It is declared apart so that
 * those modules, which the runtime imports, do not import the runtime back.
 */
import type { ActorRefFrom, InspectionEvent, Observer } from 'xstate';
import type { goalMachine } from '../../machines/goal.machine.js';
import type { threadMachine } from '../../machines/thread.machine.js';
import type { turnMachine } from '../../machines/turn.machine.js';
import type { EventMsg, ResponseInputItem, ResponseItem, TokenUsage } from '../protocol/index.js';
import type { GhostSnapshotSettings } from '../git/index.js';
import type { SessionData, SessionEvent } from '../history/session-data.js';
import type { Logger } from '../logger.js';
import type { McpConnectionManager } from '../mcp/manager.js';
import type { ThreadStore } from '../persistence/index.js';
import type { SessionTask } from '../tasks/session-task.js';
import type { EngineContext } from '../tools/turn-context.js';
import type { ToolCallItem, ToolRouter } from '../tools/router.js';
import type { OpenChildThread } from '../delegates/types.js';
import type { GoalPersistence } from './goal-persistence.js';
import type { Clock } from './ids.js';
import type { Recorder } from './recorder.js';
import type { ThreadTracing } from './tracing.js';

/**
 * What of a turn cannot live in its actor: the task object (with its `run`/`abort` methods),
 * the task's input (host-defined, not necessarily JSON), its live context (signals, callbacks)
 * and the tools' per-turn scratch objects. Actor context is plain JSON, so these stay here,
 * keyed by turn id from `startTurn` until the turn ends. The turn's data (start time, first
 * token, tool-call count, continuation flag, output schema) is in its input and context.
 */
export interface TurnEntry {
  task: SessionTask<unknown>;
  input: unknown;
  /** The task's context while it runs (inert once detached). */
  ctx: EngineContext | null;
  /** Per-turn storage for tools. */
  scratch?: Map<string, unknown>;
}

/** How a thread's runtime is set up (`createThread` builds it). */
export interface RuntimeConfig {
  threadId: string;
  session: SessionData;
  clock: Clock;
  recorder: Recorder;
  /** Whether `recorder` is the engine's own in-memory recorder (ephemeral, no host recorder). */
  ownMemoryRecorder?: boolean;
  logger: Logger;
  showRawReasoning: boolean;
  /** Model context window in tokens, if known (for `task_started`). */
  contextWindow: number | null;
  /** Passed to `createActor`: a SimulatedClock in tests. */
  actorClock?: unknown;
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  /** Called (outside any transition) after a turn ended and the thread is idle. */
  onTurnEnded: (turnId: string, outcome: 'completed' | 'aborted') => void;
  newId: () => string;
  /** The turnstate home directory (TURNSTATE_HOME or ~/.turnstate). */
  home: string;
  /** Where the goal is kept durably (null: in memory only). */
  goalStore?: ThreadStore | null;
  /** Ghost snapshots before regular turns' tool calls (null: off). */
  ghostSnapshots?: GhostSnapshotSettings | null;
  /** OpenTelemetry spans of this thread (default: none). */
  tracing?: ThreadTracing;
  /** Opens a child thread sharing this thread's services (delegates; absent: none can be opened). */
  openChild?: OpenChildThread;
  /** Builds the thread's tool router (given the thread's MCP connections, whose tools it offers). */
  toolRouter?: (mcp: McpConnectionManager) => ToolRouter;
}

/** The root actor of a thread. */
export type ThreadActor = ActorRefFrom<typeof threadMachine>;
export type TurnActor = ActorRefFrom<typeof turnMachine>;
export type GoalActor = ActorRefFrom<typeof goalMachine>;

/**
 * The thread as its effects see it (implemented by `ThreadRuntime`).
 * @example
 * function announce(host: ThreadHost, turnId: string) {
 *   host.emit(turnId, { type: 'warning', message: 'slow disk' });
 * }
 */
export interface ThreadHost {
  readonly threadId: string;
  readonly config: RuntimeConfig;
  readonly clock: Clock;
  readonly recorder: Recorder;
  readonly logger: Logger;
  readonly tracing: ThreadTracing;
  readonly actor: ThreadActor;
  /** Tasks registered for turns, by turn id. */
  readonly turns: Map<string, TurnEntry>;
  /** The durable copy of the goal. */
  readonly goals: GoalPersistence;
  readonly mcp: McpConnectionManager;
  session(): SessionData;
  updateSession(event: SessionEvent): void;
  /** Appends items to model-visible history and the rollout. */
  recordItems(items: ResponseItem[]): void;
  /** The thread's total token usage so far. */
  totalUsage(): TokenUsage;
  turnRef(turnId: string): TurnActor | undefined;
  goalRef(): GoalActor;
  /** Takes a turn's pending input, then mail deliverable into it. */
  takePendingInput(turnId: string): ResponseInputItem[];
  /** Takes only the turn's own pending input. */
  takeTurnPendingInput(turnId: string): ResponseInputItem[];
  pendingInput(turnId: string): readonly ResponseInputItem[];
  /** Start-of-turn bookkeeping, run before the task body. */
  beginTurn(turnId: string): void;
  /** The tools this thread's tool calls dispatch to. */
  readonly toolRouter: ToolRouter;
  /**
   * Runs a tool call as an actor of its turn (the call item is its input); resolves with its
   * output item, rejects when the tool failed. Aborting `attempt` stops the call.
   */
  runToolCall(turnId: string, item: ToolCallItem, callId: string, attempt?: AbortSignal): Promise<ResponseItem>;
  persistRollout(): Promise<void>;
  flushRollout(): Promise<void>;
  /** Persists (by policy) then delivers an event. */
  emit(id: string, msg: EventMsg): void;
  /** An approval was answered: the read model stops listing it as pending. */
  approvalSettled(approvalId: string): void;
}

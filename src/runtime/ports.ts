/**
 * `ThreadPorts`: everything the effects behind one thread's machines may reach, given to that
 * thread alone. The effects close over their thread's ports (`createThreadLogic(ports)`), so
 * two threads — or a thread whose actors run inside another thread's actor system — never
 * share an event sink, a recorder, a clock or a tool router.
 */
import type { ActorRefFrom } from 'xstate';
import type { ToolCallSpec } from '../../machines/contracts.js';
import type { goalMachine } from '../../machines/goal.machine.js';
import type { McpServerStatus } from '../../machines/mcp-server.machine.js';
import type { EventMsg, ResponseInputItem, ResponseItem, ThreadGoal, TokenUsage } from '../protocol/index.js';
import type { SnapshotHost } from './ghost-snapshots.js';
import type { Clock } from './ids.js';
import type { Logger } from '../logger.js';
import type { Recorder } from './recorder.js';
import type { SessionData, TurnSettings } from '../history/session-data.js';
import type { LiveTaskContext } from './task-context.js';
import type { TurnEntry } from './thread-host.js';

/** Runs tool calls for the tool-call actors of this thread's turns. */
export interface ToolPort {
  /**
   * Runs one call (its `item` as the model made it) to its output item. `signal` aborts when
   * the tool-call actor stops. Rejects when the tool fails; the caller answers the model with
   * a failed tool output.
   */
  run(call: ToolCallSpec, signal: AbortSignal): Promise<ResponseItem>;
}

/** The thread's durable goal copy (the goal actor's `storeGoal` writes through it). */
export interface GoalPort {
  write(goal: ThreadGoal | null): void;
  /** Resolves once every goal write scheduled so far has finished. */
  settled(): Promise<void>;
  /** Like `settled`, but `undefined` (nothing to wait for) when no write is running. */
  pending(): Promise<void> | undefined;
}

/** The thread's MCP connections, as the `mcp:<name>` actors drive them. */
export interface McpPort {
  connect(name: string, signal: AbortSignal): Promise<{ tools: number }>;
  disconnect(name: string): Promise<void>;
  report(name: string, status: McpServerStatus, error: string | null): void;
  /** Drops a turn's MCP headers and declines its open elicitations. */
  endTurn(turnId: string): void;
}

/**
 * The thread's own state as the turn effects read and change it: registered tasks, history,
 * pending input, the goal actor and the rollout barrier.
 */
export interface ThreadStatePort extends SnapshotHost {
  readonly turns: { get(turnId: string): TurnEntry | undefined; delete(turnId: string): boolean };
  session(): SessionData;
  recordItems(items: ResponseItem[]): void;
  totalUsage(): TokenUsage;
  /** Start-of-turn bookkeeping (goal checkpoint, queued input into the turn). */
  beginTurn(turnId: string): void;
  /** Takes the turn's own pending input (steered/injected), oldest first. */
  takeTurnPendingInput(turnId: string): ResponseInputItem[];
  /** Records one pending-input item into history with its events. */
  recordPendingItem(turnId: string, item: ResponseInputItem): void;
  goalRef(): ActorRefFrom<typeof goalMachine>;
  /** Durability barrier through the recorder actor. */
  flushRollout(): Promise<void>;
  /**
   * `flushRollout` for a turn's flush step: `undefined` when there is nothing to wait for (the
   * rollout is kept in memory), so the step settles without a promise.
   */
  flushRolloutStep(): Promise<void> | undefined;
  /** A context for the turn's task (or its abort hook), live until detached. */
  taskContext(turnId: string, signal: AbortSignal, settings: TurnSettings): LiveTaskContext;
  /** The id of the `shutdown` submission, once the thread is shutting down ('' before). */
  shutdownSubmissionId(): string;
}

/**
 * What one thread's effects reach: the event sink, the recorder, the clock, ids, the model's
 * facts, tools, the goal store, MCP connections and the thread's own state.
 * @example
 * const logic = createThreadLogic(ports); // the thread machine with this thread's effects
 * createActor(logic, { id: ports.threadId, systemId: 'thread', input });
 */
export interface ThreadPorts {
  readonly threadId: string;
  /** The event sink: persists (by the recorder's policy), then delivers, in call order. */
  emit(id: string, msg: EventMsg): void;
  readonly clock: Clock;
  newId(): string;
  readonly logger: Logger;
  /** The rollout writer the recorder actor serves requests with. */
  readonly recorder: Recorder;
  /** What the engine knows of the model (`task_started` announces its context window, in tokens). */
  readonly model: { readonly contextWindow: number | null };
  readonly tools: ToolPort;
  readonly goals: GoalPort;
  readonly mcp: McpPort;
  readonly thread: ThreadStatePort;
  /** Called outside any transition once a turn ended and the thread is idle. */
  turnEnded(turnId: string, outcome: 'completed' | 'aborted'): void;
}

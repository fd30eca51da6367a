/**
 * The effect contract between the pure machines and the runtime. Each placeholder names an
 * effect the machines rely on and throws until `src/runtime` (or a test) provides the real
 * implementation with `machine.provide(...)`. Types here are the only coupling.
 */
import { fromCallback, fromPromise } from 'xstate';
import type { ResponseItem, ReviewDecision, TurnAbortReason } from '../src/protocol/index.js';

/** Names an effect that was not provided. */
function notProvided(name: string): never {
  throw new Error(`turnstate machine effect "${name}" was not provided; createThread supplies it`);
}

/** A failure as plain JSON (context and params never hold an `Error` object). */
export interface Failure {
  code: string;
  message: string;
}

/**
 * The `{ code, message }` of an effect's rejection: the error's own string `code` when it has
 * one (every `TurnstateError` does), else `fallbackCode`.
 *
 * @example failureOf(new Error('disk full'), 'rollout_flush_failed') // → { code: 'rollout_flush_failed', message: 'disk full' }
 */
export function failureOf(error: unknown, fallbackCode: string): Failure {
  const code = (error as { code?: unknown } | null)?.code;
  return { code: typeof code === 'string' ? code : fallbackCode, message: error instanceof Error ? error.message : String(error) };
}

/** What kind of task a turn runs; host-defined tasks use their own kind string. */
export type TaskKind = 'regular' | 'review' | 'compact' | 'undo' | 'user_shell' | (string & {});

/** Identifies one turn and the task it runs. */
export interface TurnSpec {
  /** The turn's submission id (`sub_id`); every event of the turn carries it. */
  turnId: string;
  kind: TaskKind;
  /** Whether user input may be steered into the running turn (regular tasks only). */
  steerable: boolean;
  /** Whether the engine announces `task_started` before the task runs. */
  announcesStart: boolean;
  /**
   * When set, the turn takes a ghost snapshot of the working tree first and its tool calls
   * wait for it; after this many milliseconds they go on without it (SPEC §4.6).
   */
  ghostSnapshotLimitMs?: number | null;
  /** When the turn was requested (host clock, unix ms); its `duration_ms` counts from here. */
  startedAt?: number;
  /** Whether the turn continues an active goal (no user input of its own). */
  continuation?: boolean;
  /** JSON Schema the turn's final message must follow (`final_output_json_schema`). */
  outputSchema?: Record<string, unknown> | null;
  /**
   * Whether the task has an abort hook. `false` skips `aborting.runningAbortHook` (there is
   * nothing to run); absent, the hook step runs and its effect decides.
   */
  abortHook?: boolean;
}

/** Events the task runner reports back to the task machine. */
export type RunnerEvent =
  | { type: 'runner.finished'; lastAgentMessage: string | null }
  | { type: 'runner.failed'; error: { code: string; message: string } };

/** How a task ended. */
export interface TaskOutcome {
  status: 'finished' | 'failed' | 'cancelled' | 'forceStopped';
  lastAgentMessage: string | null;
  error: { code: string; message: string } | null;
}

/** A tool call run as an actor of its turn (the actor's input; plain JSON). */
export interface ToolCallSpec {
  /** Unique per turn (the call id may repeat). */
  key: string;
  callId: string;
  /** The tool the call goes to. */
  name: string;
  turnId: string;
  /** The call as the model made it (`function_call`, `custom_tool_call` or `local_shell_call`). */
  item: ResponseItem;
}

/** A persist or flush the recorder serves in order. */
export interface RecorderRequest {
  requestId: number;
  kind: 'persist' | 'flush';
}

/** An approval's resolution, as its waiter receives it. */
export interface ApprovalOutcome {
  approvalId: string;
  decision: ReviewDecision;
  /** The final state name (`approved`, `cleared`, ...). */
  resolution: string;
}

export const contracts = {
  /** Runs the task body; receives `{ type: 'CANCEL' }` to signal cancellation. */
  runTask: fromCallback<{ type: 'CANCEL' }, TurnSpec, RunnerEvent>(() => notProvided('runTask')),
  /** Persists everything recorded so far (rollout flush barrier). */
  flushRecorder: fromPromise<void, { turnId: string }>(async () => notProvided('flushRecorder')),
  /** Records input steered after the last model request, with its item events. */
  recordPendingInput: fromPromise<void, { turnId: string }>(async () => notProvided('recordPendingInput')),
  /** Settles goal usage when a task finishes; announces the goal if it changed. */
  settleGoalOnFinish: fromPromise<void, { turnId: string; toolCalls: number }>(async () => notProvided('settleGoalOnFinish')),
  /** Calls the task's own `abort` hook. */
  taskAbortHook: fromPromise<void, { turnId: string }>(async () => notProvided('taskAbortHook')),
  /** Settles goal usage on abort; on `interrupted` pauses a matching active goal. */
  settleGoalOnAbort: fromPromise<void, { turnId: string; reason: TurnAbortReason }>(async () =>
    notProvided('settleGoalOnAbort'),
  ),
  /** Records the `<turn_aborted>` marker into history and the rollout. */
  recordInterruptMarker: fromPromise<void, { turnId: string }>(async () => notProvided('recordInterruptMarker')),
  /** Takes the turn's ghost snapshot and records it (resolves without one outside git). */
  /** `takes`: whether this turn takes one at all (its spec has a snapshot time limit). */
  ghostSnapshot: fromPromise<void, { turnId: string; takes: boolean }>(async () => notProvided('ghostSnapshot')),
  /** Runs one tool call (its spec, with the call item, is the input) and returns its output item. */
  runTool: fromPromise<ResponseItem, ToolCallSpec>(async () => notProvided('runTool')),
  /** Performs one persist or flush; reports whether the rollout now exists. */
  recorderOp: fromPromise<{ materialized: boolean }, RecorderRequest>(async () => notProvided('recorderOp')),
  /** Connects one MCP server (initialize + tools/list); aborting the signal cancels it. */
  connectMcpServer: fromPromise<{ tools: number }, { name: string }>(async () => notProvided('connectMcpServer')),
  /** Closes one MCP server's connection; resolves when its process (if any) is gone. */
  disconnectMcpServer: fromPromise<void, { name: string }>(async () => notProvided('disconnectMcpServer')),
  /** Drains and closes the rollout writer. */
  closeRecorder: fromPromise<void, void>(async () => notProvided('closeRecorder')),
};

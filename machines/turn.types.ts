/**
 * The turn actor's context, events and output (the machine is `turn.machine.ts`): the types
 * the thread, the runtime and tests name, kept apart so the machine file holds only the
 * statechart.
 */
import type { ResponseInputItem, ReviewDecision, TurnAbortReason } from '../src/protocol/index.js';
import type { Failure, TaskOutcome, ToolCallSpec, TurnSpec } from './contracts.js';
import type { ApprovalKind } from './approval.machine.js';
import type { DelegateInput } from './delegate.machine.js';

export interface TurnContext {
  spec: TurnSpec;
  pendingInput: ResponseInputItem[];
  /** Approvals awaiting a decision, by approval id. */
  approvals: Record<string, ApprovalKind>;
  /** Approvals this turn has asked for so far (numbers each approval's `systemId`). */
  approvalsAsked: number;
  /** Tool calls running, by key (tool name as value). */
  toolCalls: Record<string, string>;
  abortReason: TurnAbortReason | null;
  task: TaskOutcome | null;
  /** Whether tool calls must wait (the ghost snapshot is still being taken). */
  toolsGated: boolean;
  /** Effects of this turn that rejected, in order, by the state that ran them. */
  failures: TurnFailure[];
  /** When the first output token arrived (host clock, unix ms; `TURN.FIRST_TOKEN`). */
  firstTokenAt: number | null;
  /** Tool calls the model made in this turn (`TOOL_CALL.COUNT`), for goal accounting. */
  toolCallCount: number;
}

/** A rejected turn effect: the state that invoked it (`aborting.flushing`) and its failure. */
export interface TurnFailure extends Failure {
  step: string;
}

export interface TurnOutput {
  turnId: string;
  outcome: 'completed' | 'aborted';
  reason: TurnAbortReason | null;
  lastAgentMessage: string | null;
}

export type TurnEvent =
  | { type: 'ABORT'; reason: TurnAbortReason }
  | { type: 'STEER'; items: ResponseInputItem[] }
  | { type: 'PENDING_INPUT.TAKE'; count: number }
  | { type: 'PENDING_INPUT.PREPEND'; items: ResponseInputItem[] }
  | { type: 'APPROVAL.REQUEST'; approvalId: string; kind: ApprovalKind }
  | { type: 'APPROVAL.DECIDE'; approvalId: string; decision: ReviewDecision }
  | { type: 'TOOL.START'; call: ToolCallSpec }
  | { type: 'TURN.FIRST_TOKEN'; at: number }
  | { type: 'TOOL_CALL.COUNT' }
  /** Spawns a `delegate` child (a child thread seen from this turn), systemId `delegate:<childThreadId>`. */
  | { type: 'DELEGATE.SPAWN'; delegate: DelegateInput }
  /** Stops a tool call whose output nobody waits for any more (its sampling attempt failed). */
  | { type: 'TOOL.STOP'; key: string }
  | { type: 'xstate.done.actor.task'; output: TaskOutcome }
  | { type: `xstate.done.actor.${string}`; output: unknown; actorId: string };

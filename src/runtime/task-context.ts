/**
 * The context a running task sees. It is bound to one turn and goes inert (`live = false`)
 * when the task is force-stopped or its turn has ended, so late work cannot leak events,
 * history items or approval requests.
 */
import type { EventMsg, ResponseInputItem, ResponseItem, ReviewDecision, ThreadGoal, TokenUsageInfo, UserInput } from '../protocol/index.js';
import { settleGoalAfterTool } from './goal-effects.js';
import { recordResponseInput, recordUserMessage } from './pending-input.js';
import type { RolloutItem } from './recorder.js';
import type { SessionData } from './session-data.js';
import type { ActorRefFrom } from 'xstate';
import type { approvalMachine } from '../../machines/approval.machine.js';
import type { ApprovalRequest, TaskContext } from '../tasks/session-task.js';
import type { ToolCallItem } from '../tasks/tools.js';
import { approvalActorId } from '../../machines/actor-ids.js';
import type { TurnSettings } from './session-data.js';
import type { ThreadRuntime } from './thread-runtime.js';
import type { GhostSnapshotSettings } from './ghost-snapshots.js';
import type { SpanHandle } from './tracing.js';

/** The error a cancelled wait rejects with. */
export function abortError(message = 'the turn was cancelled'): Error {
  const err = new Error(message);
  err.name = 'AbortError';
  return err;
}

/**
 * The richer context the engine's own tasks use (token accounting, history replacement,
 * rollout lines, item events). Host tasks get the plain `TaskContext`.
 */
export interface EngineContext extends TaskContext {
  session(): SessionData;
  updateSession(patch: Partial<SessionData>): void;
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

export class LiveTaskContext implements EngineContext {
  private detached = false;

  constructor(
    private readonly rt: ThreadRuntime,
    readonly turnId: string,
    readonly signal: AbortSignal,
    readonly settings: TurnSettings,
  ) {}

  get threadId(): string {
    return this.rt.threadId;
  }

  get live(): boolean {
    return !this.detached;
  }

  get outputSchema(): Record<string, unknown> | null {
    return this.rt.turns.get(this.turnId)?.outputSchema ?? null;
  }

  /** Makes the context inert; called when the task stops or its turn ends. */
  detach(): void {
    this.detached = true;
  }

  emit(msg: EventMsg): void {
    if (this.detached) return;
    const entry = this.rt.turns.get(this.turnId);
    if (entry && entry.firstTokenAt === null && (msg.type === 'agent_message_content_delta' || msg.type === 'reasoning_content_delta')) {
      entry.firstTokenAt = this.rt.clock.now();
    }
    this.rt.emit(this.turnId, msg);
  }

  recordItems(items: ResponseItem[]): void {
    if (!this.detached) this.rt.recordItems(items);
  }

  history(): readonly ResponseItem[] {
    return this.rt.session().history.items;
  }

  takePendingInput(): ResponseInputItem[] {
    return this.detached ? [] : this.rt.takePendingInput(this.turnId);
  }

  hasPendingInput(): boolean {
    return !this.detached && this.rt.pendingInput(this.turnId).length > 0;
  }

  session(): SessionData {
    return this.rt.session();
  }

  updateSession(patch: Partial<SessionData>): void {
    if (!this.detached) this.rt.updateSession(patch);
  }

  recordUserMessage(item: ResponseItem, content: UserInput[]): void {
    if (!this.detached) recordUserMessage(this.rt, this.turnId, item, content, this.rt.config.newId());
  }

  recordPendingItem(item: ResponseInputItem): void {
    if (!this.detached) recordResponseInput(this.rt, this.turnId, item);
  }

  announceRawItem(item: ResponseItem): void {
    this.emit({ type: 'raw_response_item', item });
  }

  recordRollout(items: RolloutItem[]): void {
    if (!this.detached) this.rt.recorder.record(items);
  }

  goalToolCompleted(toolName: string): void {
    if (!this.detached) settleGoalAfterTool(this.rt, this.turnId, toolName);
  }

  newId(): string {
    return this.rt.config.newId();
  }

  runToolCall(call: ToolCallItem, callId: string, attempt?: AbortSignal): Promise<ResponseItem> {
    const span = this.startSpan('tool_call', { tool_name: this.rt.toolRouter.toolName(call), call_id: callId });
    const result = this.rt.runToolCall(this.turnId, call, callId, attempt);
    result.then(
      () => span.end(),
      (err: unknown) => span.end(err),
    );
    return result;
  }

  startSpan(name: string, attributes: Record<string, string | number | boolean | undefined>): SpanHandle {
    return this.rt.tracing.startInTurn(this.turnId, name, attributes);
  }

  injectPendingInput(items: ResponseInputItem[]): void {
    if (!this.detached && items.length > 0) this.rt.turnRef(this.turnId)?.send({ type: 'STEER', items });
  }

  get scratch(): Map<string, unknown> {
    const entry = this.rt.turns.get(this.turnId);
    if (!entry) return new Map();
    return (entry.scratch ??= new Map());
  }

  get goals(): GoalAccess {
    const rt = this.rt;
    const turnId = this.turnId;
    const goal = () => rt.goalRef();
    const usage = () => rt.totalUsage();
    return {
      get: () => goal().getSnapshot().context.goal,
      create: (objective, tokenBudget) => {
        goal().send({ type: 'GOAL.SET', goalId: rt.config.newId(), objective, tokenBudget, status: 'active', usage: usage(), now: rt.clock.now(), turnId });
        return goal().getSnapshot().context.goal;
      },
      complete: () => {
        if (!goal().getSnapshot().context.goal) return null;
        goal().send({ type: 'GOAL.COMPLETE', turnId, usage: usage(), now: rt.clock.now() });
        return goal().getSnapshot().context.goal;
      },
    };
  }

  get services(): EngineServices {
    return { home: this.rt.config.home, ghostSnapshots: this.rt.config.ghostSnapshots ?? null };
  }

  /** Counts a tool call of this turn (goal continuation and metrics use it). */
  countToolCall(): void {
    const entry = this.rt.turns.get(this.turnId);
    if (entry && !this.detached) entry.toolCalls++;
  }

  requestApproval(request: ApprovalRequest): Promise<ReviewDecision> {
    const span = this.startSpan('approval_wait', { 'approval.id': request.approvalId, 'approval.kind': request.kind });
    const decided = this.waitForApproval(request);
    decided.then(
      (decision) => {
        span.setAttributes({ decision: typeof decision === 'string' ? decision : Object.keys(decision)[0] });
        span.end();
      },
      (err: unknown) => span.end(err),
    );
    return decided;
  }

  private waitForApproval(request: ApprovalRequest): Promise<ReviewDecision> {
    if (this.detached || this.signal.aborted) return Promise.reject(abortError());
    const turn = this.rt.turnRef(this.turnId);
    if (!turn) return Promise.reject(abortError('the turn has ended'));
    turn.send({ type: 'APPROVAL.REQUEST', approvalId: request.approvalId, kind: request.kind });
    const child = turn.getSnapshot().children[approvalActorId(request.approvalId)] as ActorRefFrom<typeof approvalMachine> | undefined;
    if (!child) return Promise.reject(abortError('the approval could not be registered'));
    return new Promise<ReviewDecision>((resolve, reject) => {
      const finish = () => {
        this.signal.removeEventListener('abort', onAbort);
        sub.unsubscribe();
      };
      const onAbort = () => {
        finish();
        reject(abortError());
      };
      const sub = child.subscribe((snap) => {
        if (snap.status !== 'done' || !snap.output) return;
        finish();
        const decision = snap.output.decision;
        if (decision === 'approved_for_session' && request.sessionKey) this.approveForSession(request.sessionKey);
        resolve(decision);
      });
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  isApprovedForSession(key: string): boolean {
    return this.rt.actor.getSnapshot().context.sessionApprovals.includes(key);
  }

  approveForSession(key: string): void {
    this.rt.actor.send({ type: 'SESSION_APPROVAL.GRANT', key });
  }

  tokenInfo(): TokenUsageInfo | null {
    return this.rt.session().history.tokenInfo;
  }

  flush(): Promise<void> {
    return this.rt.flushRollout();
  }

  persist(): Promise<void> {
    return this.rt.persistRollout();
  }

  now(): number {
    return this.rt.clock.now();
  }
}

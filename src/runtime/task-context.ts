/**
 * The context a running task sees. It is bound to one turn and goes inert (`live = false`)
 * when the task is force-stopped or its turn has ended, so late work cannot leak events,
 * history items or approval requests.
 */
import type { EventMsg, ResponseInputItem, ResponseItem, ReviewDecision, TokenUsageInfo, UserInput } from '../protocol/index.js';
import { settleGoalAfterTool } from './goal-effects.js';
import { recordResponseInput, recordUserMessage } from './pending-input.js';
import type { RolloutItem } from './recorder.js';
import type { SessionData, SessionEvent } from '../history/session-data.js';
import type { ActorRefFrom } from 'xstate';
import type { approvalMachine } from '../../machines/approval.machine.js';
import { abortError, type ApprovalRequest, type EngineContext, type EngineServices, type GoalAccess, type SpanHandle } from '../tools/turn-context.js';
import type { TurnSettings } from '../history/session-data.js';
import type { ThreadHost } from './thread-host.js';
import { startDelegate } from '../delegates/delegate.js';
import type { DelegateHandle, TurnDelegateOptions } from '../delegates/types.js';
import { InvalidRequestError } from '../errors.js';
import { turnDelegateParent } from './delegate-parent.js';
import type { ToolCallItem } from '../tools/router.js';
import { approvalActorId } from '../../machines/actor-ids.js';

export class LiveTaskContext implements EngineContext {
  private detached = false;

  constructor(
    private readonly rt: ThreadHost,
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
    return this.rt.turnRef(this.turnId)?.getSnapshot().context.spec.outputSchema ?? null;
  }

  /** Makes the context inert; called when the task stops or its turn ends. */
  detach(): void {
    this.detached = true;
  }

  emit(msg: EventMsg): void {
    if (this.detached) return;
    if (msg.type === 'agent_message_content_delta' || msg.type === 'reasoning_content_delta') {
      const turn = this.rt.turnRef(this.turnId);
      if (turn && turn.getSnapshot().context.firstTokenAt === null) turn.send({ type: 'TURN.FIRST_TOKEN', at: this.rt.clock.now() });
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

  updateSession(event: SessionEvent): void {
    if (!this.detached) this.rt.updateSession(event);
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

  startDelegate(options: TurnDelegateOptions): DelegateHandle {
    const openChild = this.rt.config.openChild;
    if (!openChild) throw new InvalidRequestError('this thread cannot open child threads: create it with createThread');
    const { threadId, cwd, ...child } = options.child;
    return startDelegate({
      ...options,
      parent: turnDelegateParent(this.rt, this),
      openChild,
      child: {
        approvalPolicy: this.settings.approval_policy,
        sandboxPolicy: this.settings.sandbox_policy,
        ...child,
        threadId: threadId ?? this.newId(),
        cwd: cwd ?? this.settings.cwd,
      },
    });
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
    if (!this.detached) this.rt.turnRef(this.turnId)?.send({ type: 'TOOL_CALL.COUNT' });
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
    if (request.approvalId in turn.getSnapshot().context.approvals) {
      // Another request (a child's, routed here) already waits under this id: sharing its
      // actor would let one decision approve both commands, so this one is declined.
      this.rt.logger.warn('declining an approval whose id is already pending', { turnId: this.turnId, approvalId: request.approvalId });
      return Promise.resolve('denied');
    }
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
        this.rt.approvalSettled(request.approvalId);
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

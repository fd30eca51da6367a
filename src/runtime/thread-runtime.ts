/**
 * The runtime behind one thread: it creates the actor tree and gives tasks and effects their
 * view of the session. Its jobs are done by services it composes: `EventDelivery` (the
 * ordered output queue, read model and status), `TurnBookkeeping` (starting turns, their
 * pending input and mail), `TurnToolCalls` (tool-call actors) and `RolloutRequests` (persist
 * and flush through the recorder actor).
 *
 * Invariant: every event leaves through `emit`, which persists (by the recorder's policy)
 * and then delivers, in call order, with its legacy projection right after it.
 */
import { createActor, type AnyActorRef } from 'xstate';
import { mcpServerActorId, SYSTEM_ID, turnActorId } from '../../machines/actor-ids.js';
import type { ToolCallSpec, TurnSpec } from '../../machines/contracts.js';
import { type AgentStatus, type Event, type EventMsg, emptyTokenUsage, type ResponseInputItem, type ResponseItem, type TokenUsage } from '../protocol/index.js';
import type { SessionTask } from '../tasks/session-task.js';
import { ToolRouter, type ToolCallItem } from '../tools/router.js';
import { errorMessage } from '../persistence/index.js';
import type { AsyncQueue } from './async-queue.js';
import { EventDelivery } from './event-delivery.js';
import { GoalPersistence } from './goal-persistence.js';
import type { Clock } from './ids.js';
import type { Logger } from '../logger.js';
import type { Recorder } from './recorder.js';
import { changesNothing, type SessionData, type SessionEvent, type TurnSettings } from '../history/session-data.js';
import { createThreadLogic } from './effects.js';
import type { GoalActor, RuntimeConfig, ThreadActor, ThreadHost, TurnActor, TurnEntry } from './thread-host.js';
import type { ThreadPorts, ThreadStatePort } from './ports.js';
import { recordResponseInput } from './pending-input.js';
import { RolloutRequests } from './rollout-requests.js';
import { LiveTaskContext } from './task-context.js';
import { TurnToolCalls } from './tool-calls.js';
import { TurnBookkeeping, type StartTurnOptions } from './turn-bookkeeping.js';
import type { ViewStore } from './view.js';
import { McpConnectionManager } from '../mcp/manager.js';
import { ThreadTracing } from './tracing.js';

export { mailToInput } from './turn-bookkeeping.js';

export class ThreadRuntime implements ThreadHost, ThreadStatePort {
  private readonly delivery: EventDelivery;
  private readonly rollout: RolloutRequests;
  private readonly bookkeeping = new TurnBookkeeping(this);
  /** Tasks registered for turns, by turn id (see `TurnEntry`). */
  readonly turns: Map<string, TurnEntry> = this.bookkeeping.turns;
  readonly actor: ThreadActor;
  /** The durable copy of the goal (written on every goal change). */
  readonly goals: GoalPersistence;
  /** The thread's MCP servers (their clients and child processes live here, not in context). */
  readonly mcp: McpConnectionManager;
  private router: ToolRouter | null = null;
  /**
   * The tools this thread's tool calls dispatch to, built on first use: `createThread` makes
   * some tools (sub-agents) from the runtime itself, so they exist only after it.
   */
  get toolRouter(): ToolRouter {
    return (this.router ??= this.config.toolRouter?.(this.mcp) ?? new ToolRouter([]));
  }
  /** What this thread's effects reach (they close over these; no other thread shares them). */
  readonly ports: ThreadPorts;

  constructor(readonly config: RuntimeConfig) {
    this.delivery = new EventDelivery(config.threadId, config.recorder, config.showRawReasoning);
    this.rollout = new RolloutRequests(config.recorder, () => this.actor.getSnapshot().children[SYSTEM_ID.recorder], config.ownMemoryRecorder === true);
    const goalStore = config.goalStore ?? null;
    this.goals = new GoalPersistence(
      goalStore && { store: goalStore, threadId: config.threadId, materialize: () => this.rollout.materialize() },
      (error) => this.emit(this.activeTurn()?.turnId ?? '', { type: 'warning', message: `Failed to save the thread goal: ${errorMessage(error)}` }),
    );
    this.mcp = new McpConnectionManager({
      emit: (id, msg) => this.emit(id, msg),
      spawn: (servers) => this.actor.send({ type: 'MCP.START', servers }),
      send: (name, event) => (this.actor.getSnapshot().children[mcpServerActorId(name)] as AnyActorRef | undefined)?.send(event),
      stopAll: () => this.stopMcpServers(),
      activeTurnId: () => this.activeTurn()?.turnId ?? null,
      approvalPolicy: () => this.session().settings.approval_policy,
      logger: config.logger,
    });
    this.ports = {
      threadId: config.threadId,
      emit: (id, msg) => this.emit(id, msg),
      clock: config.clock,
      newId: config.newId,
      logger: config.logger,
      recorder: config.recorder,
      model: { contextWindow: config.contextWindow },
      tools: { run: (call, signal) => this.runTool(call, signal) },
      goals: this.goals,
      mcp: this.mcp,
      thread: this,
      turnEnded: (turnId, outcome) => config.onTurnEnded(turnId, outcome),
    };
    // The root actor's id names the thread; its systemId is `thread`.
    this.actor = createActor(createThreadLogic(this.ports), {
      id: config.threadId,
      systemId: SYSTEM_ID.thread,
      input: { threadId: config.threadId, session: config.session, recorderMaterialized: config.recorder.materialized ?? false },
      ...(config.actorClock ? { clock: config.actorClock as never } : {}),
      ...(config.inspect ? { inspect: config.inspect } : {}),
    });
    // What history kept is what the rollout gets (filtered, outputs truncated).
    this.actor.on('history.recorded', ({ items }) => this.recorder.record(items.map((payload) => ({ type: 'response_item' as const, payload }))));
    this.actor.subscribe({ error: (err) => config.logger.warn('thread actor failed', { error: String(err) }) });
  }

  get threadId(): string {
    return this.config.threadId;
  }
  get clock(): Clock {
    return this.config.clock;
  }
  get recorder(): Recorder {
    return this.config.recorder;
  }
  get logger(): Logger {
    return this.config.logger;
  }

  // ---- session data -------------------------------------------------------------------

  /** The session fields of the thread's context (read-only; change them with `updateSession`). */
  session(): SessionData {
    return this.actor.getSnapshot().context;
  }

  /**
   * Sends a named session event to the thread (`HISTORY.RECORD`, `MAILBOX.TAKE`, ...); an
   * event that would change nothing costs no transition.
   */
  updateSession(event: SessionEvent): void {
    if (!changesNothing(this.session(), event)) this.actor.send(event);
  }

  /**
   * Appends items to model-visible history; the thread announces what history kept
   * (`history.recorded`) and that goes to the rollout. Sent while the thread is mid-transition
   * (an interrupt's abort listeners commit partial output), the event waits in the thread's
   * mailbox and history and rollout both take the items when it is processed, in order.
   */
  recordItems(items: ResponseItem[]): void {
    this.updateSession({ type: 'HISTORY.RECORD', items });
  }

  /** The thread's total token usage so far (zero before the first response). */
  totalUsage(): TokenUsage {
    return this.session().history.tokenInfo?.total_token_usage ?? emptyTokenUsage();
  }

  activeTurn(): TurnSpec | null {
    return this.actor.getSnapshot().context.turn;
  }

  turnRef(turnId: string): TurnActor | undefined {
    return this.actor.getSnapshot().children[turnActorId(turnId)] as TurnActor | undefined;
  }

  goalRef(): GoalActor {
    return this.actor.getSnapshot().children[SYSTEM_ID.goal] as GoalActor;
  }

  /** A context for a turn's task (or its abort hook), live until detached. */
  taskContext(turnId: string, signal: AbortSignal, settings: TurnSettings): LiveTaskContext {
    return new LiveTaskContext(this, turnId, signal, settings);
  }

  /** Records one pending-input item (steered input, injected items, mail) with its events. */
  recordPendingItem(turnId: string, item: ResponseInputItem): void {
    recordResponseInput(this, turnId, item);
  }

  shutdownSubmissionId(): string {
    return this.actor.getSnapshot().context.shutdownSubmissionId ?? '';
  }

  // ---- turns --------------------------------------------------------------------------

  /** Registers a task for a turn id and asks the thread to start it (see `TurnBookkeeping.start`). */
  startTurn(requested: TurnSpec, task: SessionTask<unknown>, input: unknown, opts: StartTurnOptions = {}): boolean {
    return this.bookkeeping.start(requested, task, input, opts);
  }

  /** Start-of-turn bookkeeping, run before the task body (see `TurnBookkeeping.begin`). */
  beginTurn(turnId: string): void {
    this.bookkeeping.begin(turnId);
  }

  /** Takes a turn's pending input, then the mail deliverable into it. */
  takePendingInput(turnId: string): ResponseInputItem[] {
    return this.bookkeeping.takePendingInput(turnId);
  }

  /** Takes only the turn's own pending input (steered/injected), leaving mail in the mailbox. */
  takeTurnPendingInput(turnId: string): ResponseInputItem[] {
    return this.bookkeeping.takeTurnPendingInput(turnId);
  }

  /** The turn's pending input and deliverable mail, without taking them. */
  pendingInput(turnId: string): readonly ResponseInputItem[] {
    return this.bookkeeping.pendingInput(turnId);
  }

  // ---- tool calls ---------------------------------------------------------------------

  private readonly toolCalls = new TurnToolCalls(this);

  /** Runs a tool call as an actor of its turn (see `TurnToolCalls.run`). */
  runToolCall(turnId: string, item: ToolCallItem, callId: string, attempt?: AbortSignal): Promise<ResponseItem> {
    return this.toolCalls.run(turnId, item, callId, attempt);
  }

  /** The body of a tool-call actor (`ToolPort.run`; see `TurnToolCalls.body`). */
  runTool(call: ToolCallSpec, signal: AbortSignal): Promise<ResponseItem> {
    return this.toolCalls.body(call, signal);
  }

  // ---- rollout ------------------------------------------------------------------------

  /** Materialises the rollout (explicit persist points: first prompt, rename, ...). */
  persistRollout(): Promise<void> {
    return this.rollout.persist();
  }

  /** Durability barrier for everything recorded so far. */
  flushRollout(): Promise<void> {
    return this.rollout.flush();
  }

  /** `flushRollout`, or `undefined` when an in-memory recorder has nothing to wait for. */
  flushRolloutStep(): Promise<void> | undefined {
    return this.rollout.flushStep();
  }

  /** The thread's OpenTelemetry spans (no-ops without `@opentelemetry/api` and an SDK). */
  get tracing(): ThreadTracing {
    return this.config.tracing ?? ThreadTracing.noop;
  }

  // ---- events -------------------------------------------------------------------------

  /** The events hosts take, in delivery order (see `EventDelivery`). */
  get events(): AsyncQueue<Event> {
    return this.delivery.events;
  }

  /** The read model folded from the delivered events. */
  get view(): ViewStore {
    return this.delivery.view;
  }

  /** Persists (by policy) then delivers an event, followed by its legacy projection. */
  emit(id: string, msg: EventMsg): void {
    this.delivery.emit(id, msg);
  }

  approvalSettled(approvalId: string): void {
    this.delivery.approvalSettled(approvalId);
  }

  status(): AgentStatus {
    return this.delivery.status();
  }

  onStatus(listener: (s: AgentStatus) => void): () => void {
    return this.delivery.onStatus(listener);
  }

  /** Observes every delivered event synchronously (used by the property-test harness). */
  onEvent(listener: (e: Event) => void): () => void {
    return this.delivery.onEvent(listener);
  }

  // ---- lifecycle ----------------------------------------------------------------------

  /** Whether the thread is between ops (not waiting for a turn to end or the recorder). */
  isSettled(): boolean {
    const snap = this.actor.getSnapshot();
    return snap.status !== 'active' || !snap.hasTag('settling');
  }

  /** Resolves once the thread is not settling (or has stopped). */
  waitSettled(): Promise<void> {
    return this.whenThread(() => this.isSettled());
  }

  /**
   * Resolves once `holds()` is true after a thread snapshot, or the thread actor stopped
   * (completed or errored: nothing more will change).
   */
  private whenThread(holds: () => boolean): Promise<void> {
    if (holds()) return Promise.resolve();
    return new Promise((resolve) => {
      const sub = this.actor.subscribe({
        next: () => {
          if (!holds()) return;
          sub.unsubscribe();
          resolve();
        },
        complete: () => resolve(),
        error: () => resolve(),
      });
    });
  }

  start(): void {
    this.actor.start();
  }

  /** Asks every MCP server actor to stop; resolves once none is left (or the thread stopped). */
  private stopMcpServers(): Promise<void> {
    const none = () => this.actor.getSnapshot().status !== 'active' || this.actor.getSnapshot().context.mcpServers.length === 0;
    if (none()) return Promise.resolve();
    this.actor.send({ type: 'MCP.STOP' });
    return this.whenThread(none);
  }
}

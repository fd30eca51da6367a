/**
 * The runtime behind one thread: it creates the actor tree, owns the ordered output queue
 * and gives tasks and effects their view of the session.
 *
 * Invariant: every event leaves through `emit`, which persists (by the recorder's policy)
 * and then delivers, in call order, with its legacy projection right after it.
 */
import { createActor, type ActorRefFrom, type AnyActorRef } from 'xstate';
import { mcpServerActorId, SYSTEM_ID, turnActorId } from '../../machines/actor-ids.js';
import type { recorderMachine } from '../../machines/recorder.machine.js';
import type { ToolCallSpec, TurnSpec } from '../../machines/contracts.js';
import {
  agentStatusFromEvent,
  type AgentStatus,
  type Event,
  type EventMsg,
  emptyTokenUsage,
  type InterAgentCommunication,
  type ResponseInputItem,
  type ResponseItem,
  type TokenUsage,
} from '../protocol/index.js';
import type { SessionTask } from '../tasks/session-task.js';
import { ToolRouter, type ToolCallItem } from '../tools/router.js';
import { interAgentMessage } from '../history/index.js';
import { errorMessage, shouldPersistEvent } from '../persistence/index.js';
import { AsyncQueue } from './async-queue.js';
import { GoalPersistence } from './goal-persistence.js';
import type { Clock } from './ids.js';
import { legacyProjection } from './legacy.js';
import type { Logger } from '../logger.js';
import type { Recorder } from './recorder.js';
import { changesNothing, type SessionData, type SessionEvent, type TurnSettings } from '../history/session-data.js';
import { createThreadLogic } from './effects.js';
import type { GoalActor, RuntimeConfig, ThreadActor, ThreadHost, TurnActor, TurnEntry } from './thread-host.js';
import type { ThreadPorts, ThreadStatePort } from './ports.js';
import { recordResponseInput } from './pending-input.js';
import { LiveTaskContext } from './task-context.js';
import { TurnToolCalls } from './tool-calls.js';
import type { ViewStore } from './view.js';
import { createViewStore, ViewFeeder } from './view.js';
import { McpConnectionManager } from '../mcp/manager.js';
import { ThreadTracing } from './tracing.js';

/** Inter-agent mail as model-visible input: an assistant message carrying the mail as JSON. */
export function mailToInput(mail: InterAgentCommunication): ResponseInputItem {
  const message = interAgentMessage(mail) as Extract<ResponseItem, { type: 'message' }>;
  return { type: 'message', role: message.role, content: message.content };
}

type RecorderActor = ActorRefFrom<typeof recorderMachine>;

export class ThreadRuntime implements ThreadHost, ThreadStatePort {
  readonly events = new AsyncQueue<Event>();
  readonly turns = new Map<string, TurnEntry>();
  readonly view: ViewStore;
  private readonly viewFeeder: ViewFeeder;
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
  private agentStatus: AgentStatus = 'pending_init';
  private statusListeners = new Set<(s: AgentStatus) => void>();
  private eventListeners = new Set<(e: Event) => void>();

  constructor(readonly config: RuntimeConfig) {
    this.view = createViewStore(config.threadId);
    this.viewFeeder = new ViewFeeder(this.view);
    const goalStore = config.goalStore ?? null;
    this.goals = new GoalPersistence(
      goalStore && { store: goalStore, threadId: config.threadId, materialize: () => this.materializeForGoal() },
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

  /**
   * Takes the pending input of a turn (oldest first), then any mail deliverable into the
   * current turn (only while the turn has not given its final answer).
   */
  takePendingInput(turnId: string): ResponseInputItem[] {
    const items = this.takeTurnPendingInput(turnId);
    const { mailbox, mailboxOpenForCurrentTurn } = this.session();
    if (!mailboxOpenForCurrentTurn || mailbox.length === 0) return items;
    this.updateSession({ type: 'MAILBOX.TAKE', count: mailbox.length });
    return [...items, ...mailbox.map(mailToInput)];
  }

  /** Takes only the turn's own pending input (steered/injected), leaving mail in the mailbox. */
  takeTurnPendingInput(turnId: string): ResponseInputItem[] {
    const turn = this.turnRef(turnId);
    if (!turn) return [];
    const items = turn.getSnapshot().context.pendingInput;
    if (items.length > 0) turn.send({ type: 'PENDING_INPUT.TAKE', count: items.length });
    return items;
  }

  pendingInput(turnId: string): readonly ResponseInputItem[] {
    const own = this.turnRef(turnId)?.getSnapshot().context.pendingInput ?? [];
    const session = this.session();
    return session.mailboxOpenForCurrentTurn && session.mailbox.length > 0 ? [...own, ...session.mailbox.map(mailToInput)] : own;
  }

  /**
   * Start-of-turn bookkeeping, run before the task body: the goal takes its usage
   * checkpoint and queued next-turn items and mail move into the turn's pending input.
   */
  beginTurn(turnId: string): void {
    const continuation = this.turnRef(turnId)?.getSnapshot().context.spec.continuation ?? false;
    const { idlePendingInput, mailbox } = this.session();
    const usage = this.totalUsage();
    this.goalRef().send({ type: 'GOAL.TURN_STARTED', turnId, usage, now: this.clock.now(), continuation });
    this.mcp.beginTurn({ threadId: this.threadId, turnId });
    const queued = [...idlePendingInput, ...mailbox.map(mailToInput)];
    this.updateSession({ type: 'IDLE_INPUT.TAKE', count: idlePendingInput.length });
    this.updateSession({ type: 'MAILBOX.TAKE', count: mailbox.length });
    this.updateSession({ type: 'MAILBOX.OPEN' });
    if (queued.length > 0) this.turnRef(turnId)?.send({ type: 'PENDING_INPUT.PREPEND', items: queued });
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

  private nextRecorderRequest = 1;

  /**
   * Asks the recorder actor for a persist or flush; resolves when it was served (the actor
   * announces each served request, in order), rejects with the write's error.
   */
  private recorderRequest(kind: 'persist' | 'flush'): Promise<void> {
    // An in-memory recorder has nothing to order or wait for: no actor round trip.
    if (!this.recorder.durable) return this.recorder[kind]();
    const recorder = this.actor.getSnapshot().children[SYSTEM_ID.recorder] as RecorderActor | undefined;
    if (!recorder || recorder.getSnapshot().status !== 'active') return Promise.resolve();
    const requestId = this.nextRecorderRequest++;
    return new Promise<void>((resolve, reject) => {
      const served = recorder.on('served', (event) => {
        if (event.requestId !== requestId) return;
        served.unsubscribe();
        if (event.error === null) resolve();
        else reject(new Error(event.error));
      });
      recorder.send({ type: 'REQUEST', request: { requestId, kind } });
    });
  }

  /**
   * Materialises the rollout (explicit persist points: first prompt, rename, ...). Once the
   * rollout exists and writes succeed there is nothing to do, so no recorder round trip: the
   * lines recorded so far are written in the background anyway, as Codex's
   * `ensure_rollout_materialized` is a no-op on a materialised rollout.
   */
  persistRollout(): Promise<void> {
    if (this.recorder.needsPersist === false) return Promise.resolve();
    return this.recorderRequest('persist');
  }

  /**
   * Materialises the rollout before the first goal write. It goes to the recorder directly
   * (which orders its own operations): a goal write may still run while the recorder actor is
   * closing, when it serves no more requests.
   */
  private async materializeForGoal(): Promise<void> {
    if (!this.recorder.materialized) await this.recorder.persist();
  }

  /** Durability barrier for everything recorded so far. */
  flushRollout(): Promise<void> {
    return this.recorderRequest('flush');
  }

  /** The thread's OpenTelemetry spans (no-ops without `@opentelemetry/api` and an SDK). */
  get tracing(): ThreadTracing {
    return this.config.tracing ?? ThreadTracing.noop;
  }

  // ---- events -------------------------------------------------------------------------

  /** Persists (by policy) then delivers an event, followed by its legacy projection. */
  emit(id: string, msg: EventMsg): void {
    this.deliver(id, msg);
    for (const legacy of legacyProjection(msg, { showRawReasoning: this.config.showRawReasoning })) this.deliver(id, legacy);
  }

  private deliver(id: string, msg: EventMsg): void {
    if (this.events.isClosed) return;
    // Events no persistence mode keeps (deltas, begin events, ...) skip the recorder.
    if (shouldPersistEvent(msg, 'extended')) this.recorder.record([{ type: 'event_msg', payload: msg }]);
    const event: Event = { id, msg };
    const status = agentStatusFromEvent(msg);
    if (status !== null) {
      this.agentStatus = status;
      for (const l of this.statusListeners) l(status);
    }
    this.viewFeeder.push(event);
    this.events.push(event);
    for (const l of this.eventListeners) l(event);
    if (msg.type === 'shutdown_complete') this.events.close();
  }

  approvalSettled(approvalId: string): void {
    this.viewFeeder.settleApproval(approvalId);
  }

  status(): AgentStatus {
    return this.agentStatus;
  }

  onStatus(listener: (s: AgentStatus) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Observes every delivered event synchronously (used by the property-test harness). */
  onEvent(listener: (e: Event) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  // ---- turns --------------------------------------------------------------------------

  /** Registers a task for a turn id and asks the thread to start it (replacing any active turn). */
  startTurn(
    requested: TurnSpec,
    task: SessionTask<unknown>,
    input: unknown,
    opts: { ifIdle?: boolean; continuation?: boolean; outputSchema?: Record<string, unknown> | null } = {},
  ): boolean {
    if (opts.ifIdle && this.actor.getSnapshot().context.turn !== null) return false;
    // Regular turns snapshot the working tree before their tools run (SPEC §4.6).
    const snapshots = requested.kind === 'regular' ? this.config.ghostSnapshots : null;
    const spec: TurnSpec = {
      ...requested,
      ...(snapshots ? { ghostSnapshotLimitMs: snapshots.timeoutMs } : {}),
      startedAt: this.clock.now(),
      continuation: opts.continuation ?? false,
      outputSchema: opts.outputSchema ?? null,
      // A task without an abort hook skips that step of the abort (one actor less per interrupt).
      abortHook: typeof task.abort === 'function',
    };
    this.turns.set(spec.turnId, { task, input, ctx: null });
    this.actor.send({ type: opts.ifIdle ? 'TURN.START_IF_IDLE' : 'TURN.START', spec });
    return true;
  }

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

/**
 * The runtime behind one thread: it creates the actor tree, owns the ordered output queue
 * and gives tasks and effects their view of the session.
 *
 * Invariant: every event leaves through `emit`, which persists (by the recorder's policy)
 * and then delivers, in call order, with its legacy projection right after it.
 */
import { createActor, type ActorRefFrom, type AnyActorRef, type InspectionEvent, type Observer } from 'xstate';
import { turnActorId, type threadMachine } from '../../machines/thread.machine.js';
import { mcpServerActorId } from '../../machines/mcp-server.machine.js';
import type { turnMachine } from '../../machines/turn.machine.js';
import type { goalMachine } from '../../machines/goal.machine.js';
import type { TurnSpec } from '../../machines/contracts.js';
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
import { interAgentMessage, recordItems as recordHistoryItems } from '../history/index.js';
import { errorMessage, shouldPersistEvent, type ThreadStore } from '../persistence/index.js';
import { AsyncQueue } from './async-queue.js';
import { GoalPersistence } from './goal-persistence.js';
import type { Clock } from './ids.js';
import { legacyProjection } from './legacy.js';
import type { Logger } from './logger.js';
import type { Recorder } from './recorder.js';
import type { SessionData } from './session-data.js';
import { registerRuntime, threadLogic } from './effects.js';
import type { LiveTaskContext } from './task-context.js';
import type { ViewStore } from './view.js';
import type { GhostSnapshotSettings } from './ghost-snapshots.js';
import { createViewStore, ViewFeeder } from './view.js';
import { McpConnectionManager } from '../mcp/manager.js';
import { ThreadTracing } from './tracing.js';

/** Inter-agent mail as model-visible input: an assistant message carrying the mail as JSON. */
export function mailToInput(mail: InterAgentCommunication): ResponseInputItem {
  const message = interAgentMessage(mail) as Extract<ResponseItem, { type: 'message' }>;
  return { type: 'message', role: message.role, content: message.content };
}

/** A task registered for a turn, with what the runtime tracks about it. */
export interface TurnEntry {
  spec: TurnSpec;
  task: SessionTask<unknown>;
  input: unknown;
  startedAt: number;
  firstTokenAt: number | null;
  toolCalls: number;
  continuation: boolean;
  ctx: LiveTaskContext | null;
  /** Per-turn storage for tools. */
  scratch?: Map<string, unknown>;
  /** JSON Schema the turn's final message must follow (`final_output_json_schema`). */
  outputSchema?: Record<string, unknown> | null;
}

export interface RuntimeConfig {
  threadId: string;
  session: SessionData;
  clock: Clock;
  recorder: Recorder;
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
}

export type ThreadActor = ActorRefFrom<typeof threadMachine>;
export type TurnActor = ActorRefFrom<typeof turnMachine>;
export type GoalActor = ActorRefFrom<typeof goalMachine>;

export class ThreadRuntime {
  readonly events = new AsyncQueue<Event>();
  readonly turns = new Map<string, TurnEntry>();
  readonly view: ViewStore;
  private readonly viewFeeder: ViewFeeder;
  readonly actor: ThreadActor;
  /** The durable copy of the goal (written on every goal change). */
  readonly goals: GoalPersistence;
  /** The thread's MCP servers (their clients and child processes live here, not in context). */
  readonly mcp: McpConnectionManager;
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
    this.actor = createActor(threadLogic, {
      input: { threadId: config.threadId, session: config.session, recorderMaterialized: config.recorder.materialized ?? false },
      ...(config.actorClock ? { clock: config.actorClock as never } : {}),
      ...(config.inspect ? { inspect: config.inspect } : {}),
    });
    registerRuntime(this.actor.system, this);
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

  session(): SessionData {
    return this.actor.getSnapshot().context.session as SessionData;
  }

  updateSession(patch: Partial<SessionData>): void {
    // Only changed fields reach the actor (a no-op update costs no transition).
    const session = this.session();
    let changed: Partial<SessionData> | null = null;
    for (const key of Object.keys(patch) as Array<keyof SessionData>) {
      if (session[key] !== patch[key]) (changed ??= {})[key] = patch[key] as never;
    }
    if (changed) this.actor.send({ type: 'SESSION.SET', patch: changed });
  }

  /** Appends items to model-visible history and the rollout. */
  recordItems(items: ResponseItem[]): void {
    if (items.length === 0) return;
    const before = this.session().history;
    const history = recordHistoryItems(before, items);
    this.updateSession({ history });
    // What history kept (filtered, outputs truncated) is what the rollout gets.
    const kept = history.items.slice(before.items.length);
    this.recorder.record(kept.map((payload) => ({ type: 'response_item' as const, payload })));
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
    return this.actor.getSnapshot().children['goal'] as GoalActor;
  }

  /**
   * Takes the pending input of a turn (oldest first), then any mail deliverable into the
   * current turn (only while the turn has not given its final answer).
   */
  takePendingInput(turnId: string): ResponseInputItem[] {
    const items = this.takeTurnPendingInput(turnId);
    const session = this.session();
    if (!session.mailboxOpenForCurrentTurn || session.mailbox.length === 0) return items;
    this.updateSession({ mailbox: [] });
    return [...items, ...session.mailbox.map(mailToInput)];
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
    const entry = this.turns.get(turnId);
    const session = this.session();
    const usage = this.totalUsage();
    this.goalRef().send({ type: 'GOAL.TURN_STARTED', turnId, usage, now: this.clock.now(), continuation: entry?.continuation ?? false });
    this.mcp.beginTurn({ threadId: this.threadId, turnId });
    const queued = [...session.idlePendingInput, ...session.mailbox.map(mailToInput)];
    if (queued.length > 0) {
      this.updateSession({ idlePendingInput: [], mailbox: [], mailboxOpenForCurrentTurn: true });
      this.turnRef(turnId)?.send({ type: 'PENDING_INPUT.PREPEND', items: queued });
    } else {
      this.updateSession({ mailboxOpenForCurrentTurn: true });
    }
  }

  // ---- tool calls ---------------------------------------------------------------------

  private toolRuns = new Map<string, () => Promise<ResponseItem>>();
  private nextToolKey = 1;

  /**
   * Runs a tool call as an actor of its turn (`tool:<key>`); resolves with its output item.
   * When the turn is gone the call runs directly (its result is dropped by the inert context).
   */
  runToolCall(turnId: string, callId: string, name: string, run: () => Promise<ResponseItem>): Promise<ResponseItem> {
    const turn = this.turnRef(turnId);
    if (!turn) return run();
    const key = String(this.nextToolKey++);
    this.toolRuns.set(key, run);
    turn.send({ type: 'TOOL.START', call: { key, callId, name, turnId } });
    const actor = turn.getSnapshot().children[`tool:${key}`] as AnyActorRef | undefined;
    if (!actor) {
      this.toolRuns.delete(key);
      return run();
    }
    return new Promise((resolve, reject) => {
      const sub = actor.subscribe({
        next: (snap: { status: string; output?: ResponseItem | null; context?: { error?: { message: string } | null } }) => {
          if (snap.status !== 'done') return;
          sub.unsubscribe();
          if (snap.output) resolve(snap.output);
          // The actor ended in `failed`: its runner rejected.
          else reject(new Error(snap.context?.error?.message ?? `tool call ${callId} ended without output`));
        },
        error: (err: unknown) => reject(err),
      });
    });
  }

  /** The body of a registered tool call (taken once, by its actor). */
  async runRegisteredTool(key: string): Promise<ResponseItem> {
    const run = this.toolRuns.get(key);
    this.toolRuns.delete(key);
    if (!run) throw new Error(`no tool call registered under ${key}`);
    // Start the tool after the turn has finished spawning its actor: a tool that asks for an
    // approval sends to the turn, which must not be mid-transition.
    await Promise.resolve();
    return run();
  }

  // ---- rollout ------------------------------------------------------------------------

  private recorderRequests = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  private nextRecorderRequest = 1;

  /** Asks the recorder actor for a persist or flush; resolves when it was served, in order. */
  private recorderRequest(kind: 'persist' | 'flush'): Promise<void> {
    // An in-memory recorder has nothing to order or wait for: no actor round trip.
    if (!this.recorder.durable) return this.recorder[kind]();
    const recorder = this.actor.getSnapshot().children['recorder'] as AnyActorRef | undefined;
    if (!recorder || recorder.getSnapshot().status !== 'active') return Promise.resolve();
    const requestId = this.nextRecorderRequest++;
    return new Promise<void>((resolve, reject) => {
      this.recorderRequests.set(requestId, { resolve, reject });
      recorder.send({ type: 'REQUEST', request: { requestId, kind } });
    });
  }

  /** Materialises the rollout (explicit persist points: first prompt, rename, ...). */
  persistRollout(): Promise<void> {
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

  /** Called by the recorder actor when a request finished. */
  settleRecorderRequest(requestId: number, error: string | null): void {
    const waiter = this.recorderRequests.get(requestId);
    this.recorderRequests.delete(requestId);
    if (!waiter) return;
    if (error === null) waiter.resolve();
    else waiter.reject(new Error(error));
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
    const spec = snapshots ? { ...requested, ghostSnapshotLimitMs: snapshots.timeoutMs } : requested;
    this.turns.set(spec.turnId, {
      spec,
      task,
      input,
      startedAt: this.clock.now(),
      firstTokenAt: null,
      toolCalls: 0,
      continuation: opts.continuation ?? false,
      ctx: null,
      outputSchema: opts.outputSchema ?? null,
    });
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
    if (this.isSettled()) return Promise.resolve();
    return new Promise((resolve) => {
      const sub = this.actor.subscribe({
        next: () => {
          if (this.isSettled()) {
            sub.unsubscribe();
            resolve();
          }
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
    return new Promise((resolve) => {
      const sub = this.actor.subscribe({
        next: () => {
          if (!none()) return;
          sub.unsubscribe();
          resolve();
        },
        complete: () => resolve(),
        error: () => resolve(),
      });
      if (none()) {
        sub.unsubscribe();
        resolve();
      }
    });
  }
}

/**
 * `Thread`: the host-facing handle. A queue pair — `submit` ops in, `nextEvent` events out —
 * plus direct calls (steer, inject, spawn, goals) and the live actor for inspection.
 *
 * Invariant: submissions are handled one at a time, in order; an op that aborts a turn is
 * finished (turn aborted, marker flushed) before the next op is taken.
 */
import {
  GoalSpec,
  Op,
  ResponseItems,
  Submission,
  parseAtEdge,
  type AgentStatus,
  type UserInputInit,
  type DeepReadonly,
  type Event,
  type OpInput,
  type ResponseItem,
  type SubmissionInput,
  type ThreadGoal,
} from '../protocol/index.js';
import { InvalidRequestError, ThreadClosedError, TurnstateError } from '../errors.js';
import type { SessionTask } from '../tasks/session-task.js';
import type { CallToolResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { AsyncQueue, QueueClosedError } from './async-queue.js';
import { applyExternalGoalClear, applyExternalGoalSet, startGoalContinuation } from './thread-goals.js';
import { OpHandlers, type TaskFactory, type ThreadServices } from './op-handlers.js';
import type { ThreadActor, ThreadRuntime } from './thread-runtime.js';
import type { ViewStore } from './view.js';
import { approvalOp, type ApprovalRequestEvent, type ReviewDecisionInit } from './approve.js';
import type { OutputSchema, StructuredOutputOf } from './output-schema.js';
import { steerActiveTurn } from './steer.js';
import { runStreamed, startRun, type RunInput, type RunOptions, type RunResult, type RunStream } from './turn-run.js';

/** Codex: `SUBMISSION_CHANNEL_CAPACITY`. */
export const SUBMISSION_QUEUE_CAPACITY = 512;

type Job = () => Promise<void>;

export class Thread {
  private readonly jobs = new AsyncQueue<Job>(SUBMISSION_QUEUE_CAPACITY);
  private readonly handlers: OpHandlers;
  private closed = false;
  private readonly loop: Promise<void>;

  /** @internal Use `createThread`. */
  constructor(
    private readonly rt: ThreadRuntime,
    private readonly tasks: TaskFactory,
    services: ThreadServices,
  ) {
    this.handlers = new OpHandlers(rt, tasks, services);
    this.subAgentList = () => services.subAgents?.list() ?? [];
    this.subAgentSpawned = (listener) => services.subAgents?.onSpawned((agent) => listener({ threadId: agent.threadId, depth: agent.depth, thread: agent.thread as Thread })) ?? (() => {});
    this.loop = this.runLoop();
  }

  private readonly subAgentList: () => Array<{ threadId: string; depth: number; status: AgentStatus }>;

  /**
   * The live agents this thread spawned (`createThread({ subAgents })`), oldest first, with
   * their depth (this thread's children: its depth + 1) and last known status.
   * @example
   * thread.subAgents(); // [{ threadId: '0193…', depth: 1, status: 'running' }]
   */
  subAgents(): Array<{ threadId: string; depth: number; status: AgentStatus }> {
    return this.subAgentList();
  }

  private readonly subAgentSpawned: (listener: (agent: { threadId: string; depth: number; thread: Thread }) => void) => () => void;

  /**
   * Calls `listener` with each agent this thread spawns from now on, with the child's `Thread`,
   * after it is registered and before its first input is submitted (so `agent.thread.onEvent`
   * sees all of its turns). Returns the unsubscribe; a thread without sub-agents never calls it.
   * @example
   * thread.onSubAgentSpawned(({ thread: child }) => child.onEvent((e) => console.log(child.id, e.msg.type)));
   */
  onSubAgentSpawned(listener: (agent: { threadId: string; depth: number; thread: Thread }) => void): () => void {
    return this.subAgentSpawned(listener);
  }

  /** The thread id (also the rollout's session id). */
  get id(): string {
    return this.rt.threadId;
  }
  /** The root XState actor (thread → turn → task/approval, goal). */
  get actor(): ThreadActor {
    return this.rt.actor;
  }
  /** Where the rollout is written (null for ephemeral threads). */
  get rolloutPath(): string | null {
    return this.rt.recorder.rolloutPath;
  }
  /** The read model folded from the event stream. */
  get view(): ViewStore {
    return this.rt.view;
  }

  /**
   * Submits an op; resolves with its submission id (a UUIDv7) once queued.
   * A malformed op rejects with `ProtocolParseError` (zod's issues) and changes nothing.
   * @example
   * const id = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'hi' }] });
   */
  async submit(op: OpInput | DeepReadonly<OpInput>): Promise<string> {
    const parsed = parseAtEdge(Op, op, 'op');
    const id = this.rt.config.newId();
    await this.enqueueSubmission({ id, op: parsed });
    return id;
  }

  /**
   * Runs one regular turn to its end: starts it (the thread must be idle, else
   * `TurnActiveError`), streams its events as usual, and resolves with its outcome. Aborting
   * `signal` interrupts exactly this turn (status `interrupted`, `turn_aborted` emitted); with
   * `outputSchema` (zod or JSON Schema) the model is asked for JSON of that shape and the
   * final message is parsed into `structuredOutput` (status `failed` with a
   * `StructuredOutputError` when it does not match). Malformed input rejects with `ProtocolParseError`.
   * @example
   * const { status, finalMessage } = await thread.run('Summarise README.md', { signal: AbortSignal.timeout(60_000) });
   */
  run<S extends OutputSchema | undefined = undefined>(input: RunInput, options: RunOptions<S> = {}): Promise<RunResult<StructuredOutputOf<S>>> {
    return startRun(this.runHost(), input, options).result;
  }

  /**
   * Like `run`, as an async iterable of this turn's events only (ending with its
   * `task_complete` or `turn_aborted`); `result` resolves like `run`.
   * @example
   * const stream = thread.runStreamed('Fix the failing test');
   * for await (const { msg } of stream) if (msg.type === 'agent_message_delta') process.stdout.write(msg.delta);
   * const { status } = await stream.result;
   */
  runStreamed<S extends OutputSchema | undefined = undefined>(input: RunInput, options: RunOptions<S> = {}): RunStream<StructuredOutputOf<S>> {
    return runStreamed(this.runHost(), input, options);
  }

  /**
   * Answers an approval request (the `msg` of an `exec_approval_request` or
   * `apply_patch_approval_request` event) with the right op and id; resolves with the
   * submission id. Default decision: `approved`.
   * @example
   * if (msg.type === 'exec_approval_request') await thread.approve(msg, 'approved_for_session');
   */
  approve(request: ApprovalRequestEvent, decision: ReviewDecisionInit = 'approved'): Promise<string> {
    return this.submit(approvalOp(request, decision));
  }

  private runHost() {
    return { rt: this.rt, handlers: this.handlers, runJob: (fn: () => Promise<void>) => this.runJob(fn) };
  }

  /**
   * Submits with a caller-chosen id.
   * @example
   * await thread.submitWithId({ id: 'turn-1', op: { type: 'interrupt' } });
   */
  async submitWithId(sub: SubmissionInput | DeepReadonly<SubmissionInput>): Promise<string> {
    const parsed = parseAtEdge(Submission, sub, 'submission');
    await this.enqueueSubmission(parsed);
    return parsed.id;
  }

  private async enqueueSubmission(sub: Submission): Promise<void> {
    if (this.closed) throw new ThreadClosedError(this.id);
    if (sub.op.type === 'shutdown') this.closed = true;
    this.rt.tracing.noteSubmission(sub);
    await this.jobs.put(() => this.handlers.handle(sub));
  }

  /**
   * The next event; rejects with `ThreadClosedError` once the thread shut down and every
   * event was read.
   * @example
   * const { id, msg } = await thread.nextEvent();
   */
  async nextEvent(): Promise<Event> {
    try {
      return await this.rt.events.take();
    } catch (err) {
      if (err instanceof QueueClosedError) throw new ThreadClosedError(this.id);
      throw err;
    }
  }

  /**
   * Iterates events until the thread has shut down.
   * @example
   * for await (const { msg } of thread.events()) if (msg.type === 'task_complete') break;
   */
  async *events(): AsyncGenerator<Event> {
    for (;;) {
      try {
        yield await this.rt.events.take();
      } catch (err) {
        if (err instanceof QueueClosedError) return;
        throw err;
      }
    }
  }

  /**
   * Observes every event synchronously as it is delivered (after persistence); returns an
   * unsubscribe function. Use it to bridge events elsewhere without consuming the queue.
   * @example
   * const off = thread.onEvent(({ msg }) => socket.send(JSON.stringify(msg)));
   */
  onEvent(listener: (event: Event) => void): () => void {
    return this.rt.onEvent(listener);
  }

  /** The agent status derived from delivered events. */
  status(): AgentStatus {
    return this.rt.status();
  }

  /**
   * Calls `listener` on every status change; returns an unsubscribe function.
   * @example
   * const off = thread.onStatus((s) => console.log(s));
   */
  onStatus(listener: (status: AgentStatus) => void): () => void {
    return this.rt.onStatus(listener);
  }

  /**
   * Adds input to the active regular turn (sent with its next model request).
   * The input is added at once (before this call returns); the promise resolves with the
   * active turn id, or rejects with `SteerInputError` (`kind` as Codex's `steer_input`) or
   * `ProtocolParseError` for malformed items.
   * @example
   * await thread.steerInput([{ type: 'text', text: 'also run the tests' }]);
   */
  async steerInput(items: readonly UserInputInit[], expectedTurnId?: string): Promise<string> {
    return steerActiveTurn(this.rt, items, expectedTurnId);
  }

  /**
   * Injects model-visible items: into the active turn's pending input (sent with its next
   * request), or, when idle, straight into history (flushed). Empty input is an error.
   * @example
   * await thread.injectResponseItems([{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'note' }] }]);
   */
  async injectResponseItems(items: readonly unknown[]): Promise<'pending_input' | 'history'> {
    const parsed: ResponseItem[] = parseAtEdge(ResponseItems, items, 'response items');
    if (parsed.length === 0) throw new InvalidRequestError('items must not be empty');
    const active = this.rt.activeTurn();
    if (active && this.rt.turnRef(active.turnId)?.getSnapshot().hasTag('steerable')) {
      const pending = parsed.flatMap((item) => (item.type === 'message' ? [{ type: 'message' as const, role: item.role, content: item.content }] : []));
      const direct = parsed.filter((item) => item.type !== 'message');
      if (pending.length) this.rt.actor.send({ type: 'STEER', items: pending });
      if (direct.length) this.rt.recordItems(direct);
      return 'pending_input';
    }
    this.rt.recordItems(parsed);
    await this.rt.flushRollout();
    return 'history';
  }

  /**
   * Runs a host-defined task as a turn, replacing (aborting with `replaced`) any active
   * turn first. Resolves with the new turn id once the task has started.
   * @example
   * const turnId = await thread.spawnTask({ kind: 'lint', async run(ctx) { return 'clean'; } }, null);
   */
  async spawnTask<I>(task: SessionTask<I>, input: I): Promise<string> {
    if (this.closed) throw new ThreadClosedError(this.id);
    const turnId = this.rt.config.newId();
    const spec = { turnId, kind: task.kind, steerable: task.steerable ?? task.kind === 'regular', announcesStart: task.announcesStart ?? true };
    await this.runJob(async () => {
      this.rt.startTurn(spec, task as SessionTask<unknown>, input);
      await this.rt.waitSettled();
    });
    return turnId;
  }

  /**
   * Sets (or replaces) the thread goal as seed 003's external set does: the running usage is
   * settled first, then the goal changes (same objective: same goal id and usage; a new one
   * starts a new goal) and is announced with `thread_goal_updated`, stored, and — when active
   * on an idle thread — continued. Resolves once the goal is stored.
   * Throws `ProtocolParseError` for an empty objective or a non-positive budget.
   * @example
   * await thread.setGoal({ objective: 'Make the test suite pass', token_budget: 50_000 });
   */
  async setGoal(spec: GoalSpec): Promise<ThreadGoal> {
    const parsed = parseAtEdge(GoalSpec, spec, 'goal');
    let goal: ThreadGoal | null = null;
    await this.runJob(async () => {
      goal = await applyExternalGoalSet(this.rt, parsed);
    });
    if (!goal) throw new TurnstateError('goal_not_set', 'engine', 'the goal could not be set');
    if ((goal as ThreadGoal).status === 'active') this.scheduleContinuation();
    return goal;
  }

  /** The current goal (with its id and usage so far), if any. */
  getGoal(): ThreadGoal | null {
    return this.rt.goalRef().getSnapshot().context.goal;
  }

  /**
   * Removes the goal after settling the running usage (no event, as in Codex); resolves once
   * the removal is stored.
   * @example
   * await thread.clearGoal();
   */
  async clearGoal(): Promise<void> {
    await this.runJob(() => applyExternalGoalClear(this.rt));
  }

  /**
   * Continues an active goal on an idle thread (seed 003 `continue_active_goal_if_idle`): starts
   * a turn for queued work if any, else a goal continuation turn. A resumed thread never
   * continues its goal by itself; the host calls this. Resolves with the started turn's id, or
   * null when nothing started.
   * @example
   * const resumed = await createThread({ model, resume: { threadId } });
   * await resumed.continueActiveGoalIfIdle();
   */
  async continueActiveGoalIfIdle(): Promise<string | null> {
    let started: string | null = null;
    await this.runJob(async () => {
      started = this.maybeContinueIfIdle();
      if (started !== null) await this.rt.waitSettled();
    });
    return started;
  }

  /**
   * Counts an out-of-band elicitation (a prompt shown outside the turn). While the count is
   * above zero the thread is paused; no events are emitted.
   */
  incrementOutOfBandElicitationCount(): number {
    const n = this.rt.session().outOfBandElicitations + 1;
    if (!Number.isSafeInteger(n)) throw new TurnstateError('elicitation_overflow', 'engine', 'out-of-band elicitation count overflowed');
    this.rt.updateSession({ outOfBandElicitations: n });
    return n;
  }

  /** Decrements the count; throws `InvalidRequestError` at zero. */
  decrementOutOfBandElicitationCount(): number {
    const n = this.rt.session().outOfBandElicitations;
    if (n === 0) throw new InvalidRequestError('out-of-band elicitation count is already zero');
    this.rt.updateSession({ outOfBandElicitations: n - 1 });
    return n - 1;
  }

  /** Whether out-of-band elicitations currently pause the thread. */
  isPausedForElicitation(): boolean {
    return this.rt.session().outOfBandElicitations > 0;
  }

  /**
   * Calls a tool of one of the thread's MCP servers directly (no approval, no events), as
   * Codex's `call_mcp_tool`; waits for the server if it is still starting. Throws `McpError`
   * (`mcp_unknown_server`, `mcp_server_unavailable`) or the server's error.
   * @example
   * const result = await thread.callMcpTool('docs', 'search', { query: 'xstate' });
   * console.log(result.content);
   */
  callMcpTool(server: string, tool: string, args?: Record<string, unknown>): Promise<CallToolResult> {
    return this.rt.mcp.callTool(server, tool, args);
  }

  /**
   * Reads a resource of one of the thread's MCP servers (Codex `read_mcp_resource`).
   * Throws `McpError` or the server's error.
   * @example
   * const { contents } = await thread.readMcpResource('docs', 'docs://readme');
   */
  readMcpResource(server: string, uri: string): Promise<ReadResourceResult> {
    return this.rt.mcp.readResource(server, uri);
  }

  /**
   * The state of each MCP server: `starting`, `ready`, `failed`, `cancelled`, or `closed`
   * (the connection dropped after startup).
   * @example
   * thread.mcpServerStatus(); // { docs: 'ready' }
   */
  mcpServerStatus(): Record<string, string> {
    return this.rt.mcp.statuses();
  }

  /**
   * Shuts the thread down (aborting any turn) and resolves when `shutdown_complete` was
   * emitted. Safe to call more than once.
   * @example
   * await thread.shutdown();
   */
  async shutdown(): Promise<void> {
    if (!this.closed) await this.submit({ type: 'shutdown' }).catch(() => undefined);
    await this.loop;
  }

  /**
   * Resolves once every op submitted before this call has been handled, including any turn
   * it aborted (a barrier hosts and tests use to wait for a quiescent thread).
   * @example
   * await thread.submit({ type: 'interrupt' }); await thread.whenProcessed();
   */
  whenProcessed(): Promise<void> {
    if (this.closed) return this.loop;
    return this.runJob(async () => {}).catch(() => this.loop);
  }

  /** Runs internal work in the submission order. */
  private runJob(fn: () => Promise<void>): Promise<void> {
    if (this.closed) return Promise.reject(new ThreadClosedError(this.id));
    return new Promise((resolve, reject) => {
      this.jobs.put(() => fn().then(resolve, reject)).catch(reject);
    });
  }

  /** Called when a turn ended and the thread is idle: starts queued work or goal continuation. */
  onTurnEnded(outcome: 'completed' | 'aborted'): void {
    if (outcome === 'completed') this.scheduleContinuation();
    else this.schedulePendingWork();
  }

  private schedulePendingWork(): void {
    if (this.closed) return;
    void this.runJob(async () => {
      this.startPendingWork();
    }).catch(() => undefined);
  }

  private scheduleContinuation(): void {
    if (this.closed) return;
    void this.runJob(async () => {
      if (this.maybeContinueIfIdle() !== null) await this.rt.waitSettled();
    }).catch(() => undefined);
  }

  /** `MaybeContinueIfIdle`: queued work first, else the active goal's continuation; the started turn id. */
  private maybeContinueIfIdle(): string | null {
    return this.startPendingWork() ?? startGoalContinuation(this.rt, this.tasks.regular());
  }

  /** Starts a turn for queued next-turn items or trigger-turn mail; its id if one started. */
  private startPendingWork(): string | null {
    const session = this.rt.session();
    const regular = this.tasks.regular();
    if (!regular || this.rt.activeTurn() !== null) return null;
    const hasWork = session.idlePendingInput.length > 0 || session.mailbox.some((m) => m.trigger_turn);
    if (!hasWork) return null;
    const turnId = this.rt.config.newId();
    return this.rt.startTurn({ turnId, kind: 'regular', steerable: true, announcesStart: true }, regular, [], { ifIdle: true }) ? turnId : null;
  }

  private async runLoop(): Promise<void> {
    for (;;) {
      let job: Job;
      try {
        job = await this.jobs.take();
      } catch {
        return;
      }
      try {
        await job();
      } catch (err) {
        this.rt.logger.warn('submission handling failed', { error: String(err) });
      }
      if (this.rt.actor.getSnapshot().status !== 'active') {
        this.closed = true;
        this.jobs.close();
        return;
      }
    }
  }
}

/**
 * `Thread`: the host-facing handle, a facade over the thread's services. A queue pair —
 * `submit` ops in (the `SubmissionLoop`), `nextEvent` events out — plus direct calls: runs
 * (`turn-run`), steering and injection, spawned tasks (`spawn-task`), goals (`GoalPolicy`),
 * out-of-band elicitations (`ElicitationCounter`), MCP calls, and the live actor for inspection.
 */
import { GoalSpec, Op, ResponseItems, Submission, parseAtEdge, type AgentStatus, type UserInputInit, type DeepReadonly, type Event } from '../protocol/index.js';
import type { OpInput, ResponseItem, SubmissionInput, ThreadGoal } from '../protocol/index.js';
import { InvalidRequestError, ThreadClosedError } from '../errors.js';
import type { SessionTask } from '../tasks/session-task.js';
import type { CallToolResult, ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import { QueueClosedError } from './async-queue.js';
import { OpHandlers, type TaskFactory, type ThreadServices } from './op-handlers.js';
import type { ThreadRuntime } from './thread-runtime.js';
import type { ThreadActor } from './thread-host.js';
import type { ViewStore } from './view.js';
import { approvalOp, type ApprovalRequestEvent, type ReviewDecisionInit } from './approve.js';
import type { OutputSchema, StructuredOutputOf } from './output-schema.js';
import { steerActiveTurn } from './steer.js';
import { runStreamed, startRun, type RunInput, type RunOptions, type RunResult, type RunStream } from './turn-run.js';
import { SubmissionLoop } from './submission-loop.js';
import { GoalPolicy } from './goal-policy.js';
import { ElicitationCounter } from './elicitation-counter.js';
import { injectItems } from './inject.js';
import { spawnTask } from './spawn-task.js';

/**
 * A running thread; made by `createThread` (or its resume and fork options).
 * @example
 * const thread = await createThread({ model });
 * const { finalMessage } = await thread.run('hi');
 */
export class Thread {
  private readonly handlers: OpHandlers;
  private readonly loop: SubmissionLoop;
  private readonly goals: GoalPolicy;
  private readonly elicitations: ElicitationCounter;

  /** @internal Use `createThread`. */
  constructor(private readonly rt: ThreadRuntime, tasks: TaskFactory, services: ThreadServices) {
    this.handlers = new OpHandlers(rt, tasks, services);
    this.loop = new SubmissionLoop(rt, this.handlers);
    this.goals = new GoalPolicy(rt, tasks, this.loop);
    this.elicitations = new ElicitationCounter(rt);
    this.subAgentList = () => services.subAgents?.list() ?? [];
    this.subAgentSpawned = (listener) => services.subAgents?.onSpawned((agent) => listener({ threadId: agent.threadId, depth: agent.depth, thread: agent.thread as Thread })) ?? (() => {});
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
   * Submits an op; resolves with its submission id (a UUIDv7) once queued. A malformed op rejects
   * with `ProtocolParseError` and changes nothing; a closed thread with `ThreadClosedError`.
   * @example
   * const id = await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'hi' }] });
   */
  async submit(op: OpInput | DeepReadonly<OpInput>): Promise<string> {
    const parsed = parseAtEdge(Op, op, 'op');
    const id = this.rt.config.newId();
    await this.loop.submit({ id, op: parsed });
    return id;
  }

  /**
   * Submits with a caller-chosen id.
   * @example
   * await thread.submitWithId({ id: 'turn-1', op: { type: 'interrupt' } });
   */
  async submitWithId(sub: SubmissionInput | DeepReadonly<SubmissionInput>): Promise<string> {
    const parsed = parseAtEdge(Submission, sub, 'submission');
    await this.loop.submit(parsed);
    return parsed.id;
  }

  /**
   * Runs one regular turn to its end: starts it (the thread must be idle, else `TurnActiveError`),
   * streams its events as usual, and resolves with its outcome. Aborting `signal` interrupts exactly
   * this turn (status `interrupted`); with `outputSchema` (zod or JSON Schema) the final message is
   * parsed into `structuredOutput` (status `failed` with a `StructuredOutputError` when it does not
   * match). Malformed input rejects with `ProtocolParseError`.
   * @example
   * const { status, finalMessage } = await thread.run('Summarise README.md', { signal: AbortSignal.timeout(60_000) });
   */
  run<S extends OutputSchema | undefined = undefined>(input: RunInput, options: RunOptions<S> = {}): Promise<RunResult<StructuredOutputOf<S>>> {
    return startRun(this.runHost(), input, options).result;
  }

  /**
   * Like `run`, as an async iterable of this turn's events only (ending with its `task_complete`
   * or `turn_aborted`); `result` resolves like `run`.
   * @example
   * const stream = thread.runStreamed('Fix the failing test');
   * for await (const { msg } of stream) if (msg.type === 'agent_message_delta') process.stdout.write(msg.delta);
   */
  runStreamed<S extends OutputSchema | undefined = undefined>(input: RunInput, options: RunOptions<S> = {}): RunStream<StructuredOutputOf<S>> {
    return runStreamed(this.runHost(), input, options);
  }

  private runHost() {
    return { rt: this.rt, handlers: this.handlers, runJob: (fn: () => Promise<void>) => this.loop.runJob(fn) };
  }

  /**
   * Answers an approval request (the `msg` of an `exec_approval_request` or
   * `apply_patch_approval_request` event) with the right op and id; resolves with the submission id.
   * @example
   * if (msg.type === 'exec_approval_request') await thread.approve(msg, 'approved_for_session');
   */
  approve(request: ApprovalRequestEvent, decision: ReviewDecisionInit = 'approved'): Promise<string> {
    return this.submit(approvalOp(request, decision));
  }

  /**
   * The next event; rejects with `ThreadClosedError` once the thread shut down and every event was read.
   * @example
   * const { id, msg } = await thread.nextEvent();
   */
  async nextEvent(): Promise<Event> {
    try {
      return await this.rt.events.take();
    } catch (err) {
      throw err instanceof QueueClosedError ? new ThreadClosedError(this.id) : err;
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
   * Adds input to the active regular turn (sent with its next model request) before this call
   * returns; resolves with the active turn id, or rejects with `SteerInputError` (`kind` as Codex's
   * `steer_input`) or `ProtocolParseError` for malformed items.
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
    return injectItems(this.rt, parsed);
  }

  /**
   * Runs a host-defined task as a turn, replacing (aborting with `replaced`) any active turn
   * first. Resolves with the new turn id once the task has started.
   * @example
   * const turnId = await thread.spawnTask({ kind: 'lint', async run(ctx) { return 'clean'; } }, null);
   */
  spawnTask<I>(task: SessionTask<I>, input: I): Promise<string> {
    return spawnTask(this.rt, this.loop, task, input);
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
    return this.goals.set(parseAtEdge(GoalSpec, spec, 'goal'));
  }

  /** The current goal (with its id and usage so far), if any. */
  getGoal(): ThreadGoal | null {
    return this.goals.get();
  }

  /**
   * Removes the goal after settling the running usage (no event, as in Codex); resolves once
   * the removal is stored.
   * @example
   * await thread.clearGoal();
   */
  async clearGoal(): Promise<void> {
    await this.goals.clear();
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
  continueActiveGoalIfIdle(): Promise<string | null> {
    return this.goals.continueIfIdle();
  }

  /**
   * Counts an out-of-band elicitation (a prompt shown outside the turn). While the count is
   * above zero the thread is paused; no events are emitted.
   */
  incrementOutOfBandElicitationCount(): number {
    return this.elicitations.increment();
  }

  /** Decrements the count; throws `InvalidRequestError` at zero. */
  decrementOutOfBandElicitationCount(): number {
    return this.elicitations.decrement();
  }

  /** Whether out-of-band elicitations currently pause the thread. */
  isPausedForElicitation(): boolean {
    return this.elicitations.paused;
  }

  /**
   * Calls a tool of one of the thread's MCP servers directly (no approval, no events), as
   * Codex's `call_mcp_tool`; waits for the server if it is still starting. Throws `McpError`
   * (`mcp_unknown_server`, `mcp_server_unavailable`) or the server's error.
   * @example
   * const result = await thread.callMcpTool('docs', 'search', { query: 'xstate' });
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
    if (!this.loop.isClosed) await this.submit({ type: 'shutdown' }).catch(() => undefined);
    await this.loop.finished;
  }

  /**
   * Resolves once every op submitted before this call has been handled, including any turn
   * it aborted (a barrier hosts and tests use to wait for a quiescent thread).
   * @example
   * await thread.submit({ type: 'interrupt' }); await thread.whenProcessed();
   */
  whenProcessed(): Promise<void> {
    return this.loop.whenProcessed();
  }

  /** Called when a turn ended and the thread is idle: starts queued work or goal continuation. */
  onTurnEnded(outcome: 'completed' | 'aborted'): void {
    this.goals.onTurnEnded(outcome);
  }
}

/**
 * `SubAgentControl`: what one thread can do with the agents it spawns (Codex `AgentControl`,
 * SPEC §11.2): spawn a child thread, send it input, wait for agents, close one agent and its
 * descendants, and take every live child down with the thread.
 *
 * Invariants: a child notifies its parent once, at its first final status, with a
 * `<subagent_notification>` message that starts no turn; once `shutdownAll` began no
 * notification reaches the parent; a closed agent is no longer in the tree; a thread reaches
 * (by id) only its own descendants, never its parent, a sibling or a cousin; a child still
 * being created when the thread is interrupted or shut down is taken down as soon as it exists.
 */
import { isFinalStatus, type AgentStatus, type ReasoningEffort, type ResponseItem, type UserInput } from '../protocol/index.js';
import type { Thread } from '../runtime/thread.js';
import type { Logger } from '../logger.js';
import { CollabToolError, subagentNotification } from './args.js';
import { forkedHistory } from './fork.js';
import type { AgentTree, SpawnedAgent } from './tree.js';

/** What a child thread is created with. */
export interface ChildThreadRequest {
  parentThreadId: string;
  /** The child's depth (parent depth + 1). */
  depth: number;
  /** Model slug override (null: the parent's model). */
  model: string | null;
  /** Reasoning effort override (null: the parent's). */
  reasoningEffort: ReasoningEffort | null;
}

/** Timers for `wait` (an XState `SimulatedClock` in tests, so waits never sleep for real). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(id: unknown): void;
}

/** A started child: its thread, and how to take it down. */
export interface ChildAgentHandle {
  thread: Thread;
  /** Interrupts and shuts the child down; resolves once it has closed. */
  stop(): Promise<void>;
  /** Interrupts the child's turn (a parent decision it waits for resolves with `abort`). */
  interrupt(): Promise<void>;
}

/** What the thread that owns a `SubAgentControl` provides. */
export interface SubAgentHost {
  readonly threadId: string;
  /** This thread's depth (root = 0). */
  readonly depth: number;
  readonly tree: AgentTree;
  /** Creates and starts a child thread (the same engine, its own history and rollout) with its delegate. */
  startChild(request: ChildThreadRequest): Promise<ChildAgentHandle>;
  /** This thread's handle (notifications are injected into it); null before it exists. */
  thread(): Thread | null;
  /** This thread's model-visible history (for `fork_context`). */
  history(): readonly ResponseItem[];
  timers: Timers;
  logger: Logger;
}

/** The `wait` result the model reads: Codex's `WaitResult`. */
export interface WaitResult {
  status: Record<string, AgentStatus>;
  timed_out: boolean;
}

/**
 * The sub-agent side of one thread.
 * @example
 * const control = new SubAgentControl(host);
 * const agent = await control.spawn([{ type: 'text', text: 'count the files', text_elements: [] }], { callId: 'c1', model: null, reasoningEffort: null, forkContext: false });
 * await control.wait([agent.threadId], 30_000, signal);
 */
export class SubAgentControl {
  private closing = false;
  /** Bumped by every `interruptAll`: a spawn that started before it must not leave a live child. */
  private interrupts = 0;
  /** Spawns still creating their child (settle once it is registered or taken down). */
  private readonly starting = new Set<Promise<unknown>>();
  private readonly spawnListeners = new Set<(agent: SpawnedAgent) => void>();

  constructor(private readonly host: SubAgentHost) {}

  /** The depth a child of this thread gets. */
  get childDepth(): number {
    return this.host.depth + 1;
  }

  /** Whether this thread may spawn (its children would not pass `maxDepth`). */
  get canSpawn(): boolean {
    return this.childDepth <= this.host.tree.limits.maxDepth;
  }

  /**
   * Creates a child thread, registers it, and submits its first input.
   * @throws CollabToolError at the depth or thread limit, or when the child could not start
   */
  async spawn(
    items: UserInput[],
    opts: { callId: string; model: string | null; reasoningEffort: ReasoningEffort | null; forkContext: boolean },
  ): Promise<SpawnedAgent> {
    if (!this.canSpawn) throw new CollabToolError('Agent depth limit reached. Solve the task yourself.');
    if (this.closing) throw new CollabToolError('collab spawn failed: this thread is shutting down');
    const release = this.host.tree.reserve();
    const interrupts = this.interrupts;
    const starting = this.startChild(opts, release, interrupts);
    this.starting.add(starting);
    let child: ChildAgentHandle;
    try {
      child = await starting;
    } finally {
      this.starting.delete(starting);
    }
    const { thread } = child;
    const agent: SpawnedAgent = { threadId: thread.id, parentThreadId: this.host.threadId, depth: this.childDepth, thread, stop: () => child.stop(), interrupt: () => child.interrupt() };
    this.host.tree.commit(agent, release);
    this.watch(agent);
    for (const listener of this.spawnListeners) listener(agent);
    if (opts.forkContext) {
      const forked = forkedHistory(this.host.history(), opts.callId);
      if (forked.length > 0) await thread.injectResponseItems(forked);
    }
    await thread.submit({ type: 'user_input', items });
    return agent;
  }

  /**
   * Creates the child in the slot `release` holds. A child that comes up after this thread was
   * interrupted or began shutting down is taken down at once and the spawn fails.
   */
  private async startChild(opts: { model: string | null; reasoningEffort: ReasoningEffort | null }, release: () => void, interrupts: number): Promise<ChildAgentHandle> {
    let child: ChildAgentHandle;
    try {
      child = await this.host.startChild({ parentThreadId: this.host.threadId, depth: this.childDepth, model: opts.model, reasoningEffort: opts.reasoningEffort });
    } catch (err) {
      release();
      throw new CollabToolError(`collab spawn failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (this.closing || this.interrupts !== interrupts) {
      await child.stop().catch((err: unknown) => this.host.logger.warn('could not stop a sub-agent created during an interrupt', { error: String(err) }));
      release();
      throw new CollabToolError(`collab spawn failed: this thread was ${this.closing ? 'shut down' : 'interrupted'} while the agent started`);
    }
    return child;
  }

  /** The agent's last known status (`not_found` for an id that is not a live descendant of this thread). */
  status(id: string): AgentStatus {
    return this.descendant(id)?.thread.status() ?? 'not_found';
  }

  /**
   * Gives input to an agent (queued behind its current work, or after interrupting it);
   * resolves with the submission id.
   * @throws CollabToolError when the agent is unknown or closed
   */
  async sendInput(id: string, items: UserInput[], interrupt: boolean): Promise<string> {
    const agent = this.agent(id);
    try {
      if (interrupt) await agent.interrupt();
      return await agent.thread.submit({ type: 'user_input', items });
    } catch {
      // The agent's thread is gone (Codex `InternalAgentDied`): it leaves the tree.
      this.host.tree.remove(id);
      throw new CollabToolError(`agent with id ${id} is closed`);
    }
  }

  /**
   * Waits until one of `ids` has a final status (or is unknown), at most `timeoutMs`.
   * Agents already final are reported at once; otherwise the first to finish, with any
   * other that finished by then. Rejects with an AbortError when `signal` aborts.
   */
  wait(ids: readonly string[], timeoutMs: number, signal: AbortSignal): Promise<WaitResult> {
    const ready = (): Record<string, AgentStatus> => {
      const out: Record<string, AgentStatus> = {};
      for (const id of ids) {
        const status = this.status(id);
        if (isFinalStatus(status)) out[id] = status;
      }
      return out;
    };
    const initial = ready();
    if (Object.keys(initial).length > 0) return Promise.resolve({ status: initial, timed_out: false });
    return new Promise<WaitResult>((resolve, reject) => {
      const offs: Array<() => void> = [];
      const finish = (result: WaitResult | Error) => {
        for (const off of offs.splice(0)) off();
        this.host.timers.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const onAbort = () => finish(Object.assign(new Error('the wait was cancelled'), { name: 'AbortError' }));
      const timer = this.host.timers.setTimeout(() => finish({ status: {}, timed_out: true }), timeoutMs);
      // Final statuses as delivered (an agent that shut down leaves the tree, but reports `shutdown`).
      const seen: Record<string, AgentStatus> = {};
      for (const id of new Set(ids)) {
        const thread = this.descendant(id)?.thread;
        if (!thread) continue;
        offs.push(
          thread.onStatus((status) => {
            if (!isFinalStatus(status)) return;
            seen[id] = status;
            // The status listener runs inside the child's delivery: answer after it.
            queueMicrotask(() => finish({ status: { ...ready(), ...seen }, timed_out: false }));
          }),
        );
      }
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Shuts one agent down with its descendants; resolves with its status before the close.
   * @throws CollabToolError when the id is unknown
   */
  async close(id: string): Promise<AgentStatus> {
    const agent = this.agent(id);
    const status = agent.thread.status();
    if (status !== 'shutdown') await this.takeDown(agent);
    this.host.tree.remove(id);
    return status;
  }

  /** Interrupts and shuts down every live child of this thread (each takes its own children down). */
  async interruptAll(): Promise<void> {
    this.interrupts++;
    const children = this.host.tree.childrenOf(this.host.threadId);
    await Promise.all([...children.map((agent) => this.takeDown(agent)), ...[...this.starting].map((spawn) => spawn.catch(() => undefined))]);
  }

  /** Like `interruptAll`, for a thread that is shutting down: no more notifications reach it. */
  async shutdownAll(): Promise<void> {
    this.closing = true;
    await this.interruptAll();
  }

  /**
   * Calls `listener` with each agent this thread spawns, once it is registered and before its
   * first input is submitted (so a listener sees every turn of the child). Returns the unsubscribe.
   */
  onSpawned(listener: (agent: SpawnedAgent) => void): () => void {
    this.spawnListeners.add(listener);
    return () => this.spawnListeners.delete(listener);
  }

  /** The live children of this thread, oldest first. */
  list(): Array<{ threadId: string; depth: number; status: AgentStatus }> {
    return this.host.tree.childrenOf(this.host.threadId).map((agent) => ({ threadId: agent.threadId, depth: agent.depth, status: agent.thread.status() }));
  }

  /** Whether this thread has live children, or a spawn still creating one. */
  get hasChildren(): boolean {
    return this.starting.size > 0 || this.host.tree.childrenOf(this.host.threadId).length > 0;
  }

  private agent(id: string): SpawnedAgent {
    const agent = this.descendant(id);
    if (!agent) throw new CollabToolError(`agent with id ${id} not found`);
    return agent;
  }

  /**
   * The live agent `id` when it descends from this thread. The tree is shared by every depth,
   * so without this check a spawned agent could close or steer its own parent or a sibling.
   */
  private descendant(id: string): SpawnedAgent | undefined {
    const agent = this.host.tree.get(id);
    for (let up = agent; up; up = this.host.tree.get(up.parentThreadId)) {
      if (up.parentThreadId === this.host.threadId) return agent;
    }
    return undefined;
  }

  /** Interrupt, then shutdown (which takes the child's own children down first), through its delegate. */
  private async takeDown(agent: SpawnedAgent): Promise<void> {
    await agent.stop();
    this.host.tree.remove(agent.threadId);
  }

  /** Starts the completion watcher (the child's delegate reads its events and routes its approvals). */
  private watch(agent: SpawnedAgent): void {
    const { thread } = agent;
    let notified = false;
    let off: () => void = () => {};
    const check = (status: AgentStatus) => {
      // A thread that shut down (by itself or through its delegate) is no longer live: its slot is free.
      if (status === 'shutdown') {
        this.host.tree.remove(agent.threadId);
        queueMicrotask(() => off());
      }
      if (notified || !isFinalStatus(status)) return;
      notified = true;
      queueMicrotask(() => void this.notify(agent.threadId, status));
    };
    off = thread.onStatus(check);
    check(thread.status());
  }

  /** Injects the `<subagent_notification>` into this thread without starting a turn. */
  private async notify(childId: string, status: AgentStatus): Promise<void> {
    const parent = this.host.thread();
    if (!parent || this.closing) return;
    const text = subagentNotification(childId, status);
    await parent.injectResponseItems([{ type: 'message', role: 'user', content: [{ type: 'input_text', text }] }]).catch((err: unknown) => {
      this.host.logger.warn('could not notify the parent of a finished sub-agent', { childId, error: String(err) });
    });
  }
}

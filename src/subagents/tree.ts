/**
 * The registry of live spawned agents under one root thread (Codex's per-root `Guards`):
 * every thread of the tree shares it, so the thread limit counts all depths together.
 *
 * Invariant: live agents plus reserved slots never exceed `maxThreads`; a slot is taken
 * before a child is created and given back when it fails to start or is shut down.
 */
import type { Thread } from '../runtime/thread.js';
import { CollabToolError } from './args.js';
import type { SubAgentLimits } from './options.js';

/** One live spawned agent: its thread and where it hangs in the tree. */
export interface SpawnedAgent {
  readonly threadId: string;
  readonly parentThreadId: string;
  /** Root = 0; a root's children are at depth 1. */
  readonly depth: number;
  readonly thread: Thread;
  /** Interrupts and shuts the agent down through its delegate; resolves once it has closed. */
  stop(): Promise<void>;
  /** Interrupts the agent's turn through its delegate (a parent decision it waits for is aborted). */
  interrupt(): Promise<void>;
}

/**
 * Live spawned agents of one root thread, and their slots.
 * @example
 * const tree = new AgentTree(resolveSubAgentLimits({}));
 * const release = tree.reserve(); // throws CollabToolError past maxThreads
 */
export class AgentTree {
  private readonly agents = new Map<string, SpawnedAgent>();
  private reserved = 0;

  constructor(readonly limits: SubAgentLimits) {}

  /**
   * Takes a slot for an agent about to be created; returns the function that gives it back
   * (call it when creation failed).
   * @throws CollabToolError when `maxThreads` agents are live or starting
   */
  reserve(): () => void {
    if (this.agents.size + this.reserved >= this.limits.maxThreads) {
      throw new CollabToolError(`collab spawn failed: agent thread limit reached (max ${this.limits.maxThreads})`);
    }
    this.reserved++;
    let held = true;
    return () => {
      if (held) this.reserved--;
      held = false;
    };
  }

  /** Registers a created agent in the slot `release` held. */
  commit(agent: SpawnedAgent, release: () => void): void {
    release();
    this.agents.set(agent.threadId, agent);
  }

  /** Forgets an agent (it was shut down); frees its slot. */
  remove(threadId: string): void {
    this.agents.delete(threadId);
  }

  get(threadId: string): SpawnedAgent | undefined {
    return this.agents.get(threadId);
  }

  /** Live agents whose parent is `parentThreadId`, oldest first. */
  childrenOf(parentThreadId: string): SpawnedAgent[] {
    return [...this.agents.values()].filter((agent) => agent.parentThreadId === parentThreadId);
  }

  /** Number of live agents in the tree. */
  get size(): number {
    return this.agents.size;
  }
}

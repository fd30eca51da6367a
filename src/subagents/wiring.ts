/**
 * How `createThread` equips a thread with sub-agents: the control, its tools, and the
 * options a child thread is created with — the same engine, sharing the parent's model
 * client, host tools, store, clocks and inspector; its own history and rollout, recorded
 * with `source = { subagent: { thread_spawn: { parent_thread_id, depth, … } } }` as Codex
 * records a spawned agent.
 */
import type { ModelClient } from '../model/types.js';
import type { ResponseItem } from '../protocol/index.js';
import type { ThreadOptions } from '../runtime/thread-options.js';
import type { Logger } from '../logger.js';
import type { TurnSettings } from '../history/session-data.js';
import type { Thread } from '../runtime/thread.js';
import type { ThreadStore } from '../persistence/index.js';
import type { ToolDefinition } from '../tools/router.js';
import { startDelegate, type DelegateParent } from '../delegates/index.js';
import { SubAgentControl, type ChildAgentHandle, type ChildThreadRequest, type Timers } from './control.js';
import { resolveSubAgentLimits } from './options.js';
import { subAgentTools } from './tools.js';
import { AgentTree } from './tree.js';

/** Where a thread hangs in a sub-agent tree (given to the children `createThread` makes). */
export interface SubAgentLink {
  tree: AgentTree;
  depth: number;
}

/** Creates a thread inside a tree (the engine's `createThread` with a link). */
export type CreateLinkedThread = (options: ThreadOptions, link: SubAgentLink) => Promise<Thread>;

/** What the wiring needs from the thread being created. */
export interface SubAgentWiringInput {
  options: ThreadOptions;
  /** The tree this thread belongs to (null: a root thread; a new tree is made). */
  link: SubAgentLink | null;
  threadId: string;
  /** The model client after capability overrides. */
  model: ModelClient | undefined;
  store: ThreadStore;
  home: string;
  logger: Logger;
  settings(): TurnSettings;
  history(): readonly ResponseItem[];
  createThread: CreateLinkedThread;
  /** The thread's id source (a child's thread id comes from it). */
  newId(): string;
  /** Where a child's delegate asks its approvals and lives in the actor tree. */
  delegateParent: DelegateParent;
}

/** The sub-agent parts of one thread. */
export interface SubAgentWiring {
  control: SubAgentControl;
  tools: ToolDefinition<unknown>[];
  /** Gives the control the thread's handle once it exists. */
  bind(thread: Thread): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id as ReturnType<typeof setTimeout>),
};

/** A model client that asks for another slug from the same provider. */
function withModelSlug(model: ModelClient, slug: string): ModelClient {
  return { model: slug, providerId: model.providerId, stream: (request, signal) => model.stream(request, signal) };
}

/**
 * Builds the sub-agent control and tools of a thread, or null when the thread has none
 * (no `subAgents` option and not itself a spawned agent).
 * @throws SubAgentsConfigError for invalid `subAgents` options
 * @example
 * const wiring = subAgentWiring({ options, link: null, threadId, model, store, home, logger, settings, history, createThread: createLinkedThread });
 */
export function subAgentWiring(input: SubAgentWiringInput): SubAgentWiring | null {
  const { options, link } = input;
  if (!options.subAgents && !link) return null;
  const tree = link?.tree ?? new AgentTree(resolveSubAgentLimits(options.subAgents ?? {}));
  const depth = link?.depth ?? 0;
  const actorClock = options.actorClock as Partial<Timers> | undefined;
  const timers: Timers =
    actorClock?.setTimeout && actorClock.clearTimeout
      ? { setTimeout: (fn, ms) => actorClock.setTimeout!(fn, ms), clearTimeout: (id) => actorClock.clearTimeout!(id) }
      : realTimers;
  let thread: Thread | null = null;
  const childOptions = (request: ChildThreadRequest, threadId: string): ThreadOptions => {
    const parent = input.settings();
    const { limits } = tree;
    const model = input.model && request.model ? withModelSlug(input.model, request.model) : input.model;
    const child: ThreadOptions = {
      ...(model ? { model } : {}),
      ...(options.tools ? { tools: options.tools } : {}),
      ...(options.builtinTools === undefined ? {} : { builtinTools: options.builtinTools }),
      home: input.home,
      cwd: parent.cwd,
      approvalPolicy: limits.approvalPolicy ?? parent.approval_policy,
      sandboxPolicy: limits.sandboxPolicy ?? parent.sandbox_policy,
      effort: request.reasoningEffort ?? parent.effort,
      summary: parent.summary,
      baseInstructions: parent.base_instructions,
      developerInstructions: parent.developer_instructions,
      userInstructions: parent.user_instructions,
      projectDoc: false,
      source: { subagent: { thread_spawn: { parent_thread_id: request.parentThreadId, depth: request.depth, agent_nickname: null, agent_role: null } } },
      store: input.store,
      ephemeral: options.ephemeral === true || options.recorder !== undefined,
      ...(options.persistence ? { persistence: options.persistence } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.actorClock ? { actorClock: options.actorClock } : {}),
      ...(options.inspect ? { inspect: options.inspect } : {}),
      logger: input.logger,
      ...(options.showRawReasoning === undefined ? {} : { showRawReasoning: options.showRawReasoning }),
      ...(options.engine ? { engine: options.engine } : {}),
      ...(options.newId ? { newId: options.newId } : {}),
      ...(options.mcpServers ? { mcpServers: options.mcpServers } : {}),
      ghostSnapshots: false,
      threadId,
    };
    return child;
  };
  // The child runs behind a thread-level delegate (systemId `delegate:<childThreadId>`), which
  // reads its events, routes its approvals to this thread, and shuts it down when cancelled.
  const startChild = async (request: ChildThreadRequest): Promise<ChildAgentHandle> => {
    let opened: (thread: Thread) => void = () => {};
    let failed: (error: unknown) => void = () => {};
    const created = new Promise<Thread>((resolve, reject) => {
      opened = resolve;
      failed = reject;
    });
    const threadId = input.newId();
    const handle = startDelegate({
      parent: input.delegateParent,
      openChild: async (spec) => {
        try {
          const child = await input.createThread(childOptions(request, spec.threadId), { tree, depth: request.depth });
          opened(child);
          return child;
        } catch (error) {
          failed(error);
          throw error;
        }
      },
      child: { threadId, source: { subagent: { thread_spawn: { parent_thread_id: request.parentThreadId, depth: request.depth } } }, cwd: input.settings().cwd },
      kind: 'thread_spawn',
      // A spawned agent's own events stay on its stream and in its rollout; only approvals reach the parent.
      onEvent: () => {},
    });
    void handle.done.then((out) => failed(new Error(out?.failure?.message ?? 'the sub-agent stopped before it started')));
    const thread = await created;
    return {
      thread,
      stop: async () => {
        handle.cancel();
        await handle.childClosed;
        await thread.shutdown();
      },
      interrupt: async () => {
        await handle.interrupt();
      },
    };
  };
  const control = new SubAgentControl({
    threadId: input.threadId,
    depth,
    tree,
    startChild,
    thread: () => thread,
    history: input.history,
    timers,
    logger: input.logger,
  });
  return {
    control,
    tools: subAgentTools(control),
    bind: (t) => {
      thread = t;
    },
  };
}

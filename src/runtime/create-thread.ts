/**
 * `createThread`: wiring only. It builds the session settings, the recorder, the runtime and
 * the engine's tasks, starts the actor tree and emits `session_configured`.
 */
import os from 'node:os';
import {
  AskForApproval,
  SandboxPolicy,
  parseAtEdge,
} from '../protocol/index.js';
import type { ModelClient } from '../model/types.js';
import { withCapabilities } from '../model/capabilities.js';
import { defaultBaseInstructions } from '../prompts/base-instructions.js';
import { resolveUserInstructions } from '../prompts/project-doc.js';
import { ToolRouter, type ToolDefinition } from '../tools/router.js';
import { compactTask } from '../tasks/compaction.js';
import { builtinTools } from '../tools/builtin/index.js';
import { userShellCommands } from '../tasks/user-shell.js';
import {
  JsonlThreadStore,
  MessageHistory,
  SessionSource,
  describeSkipped,
  resolveTurnstateHome,
  type RolloutItem as StoredItem,
  type SessionMeta,
  type StoredRollout,
  type ThreadLease,
  type ThreadStore,
  ThreadExistsError,
} from '../persistence/index.js';
import { regularTask } from '../tasks/regular.js';
import { systemClock, uuidv7, type Clock } from './ids.js';
import { defaultLogger } from '../logger.js';
import { MemoryRecorder } from './recorder.js';
import { ENGINE_VERSION, StoreRecorder, forkedItems, loadThreadState, type ForkSpec, type LoadedThreadState } from './persistence-wiring.js';
import { initialSessionData, type TurnSettings } from '../history/session-data.js';
import { Thread } from './thread.js';
import { applyGoalResumeRuntimeEffects } from './thread-goals.js';
import { InvalidRequestError } from '../errors.js';
import { ghostSnapshotSettings } from './ghost-snapshots.js';
import { ThreadRuntime } from './thread-runtime.js';
import { loadMcpServersFromConfig, resolveMcpServer } from '../mcp/config.js';
import { mcpToolSource } from '../mcp/tools.js';
import { ThreadTracing } from './tracing.js';
import { attachBuddyObserver, buddySettings } from '../buddy/index.js';
import { subAgentWiring, type SubAgentLink } from '../subagents/wiring.js';
import { threadDelegateParent } from '../subagents/parent.js';
import type { ChildThreadSpec } from '../delegates/types.js';
import { reviewTask } from '../tasks/review/task.js';
import type { ThreadOptions } from './thread-options.js';

export type { CreateThreadOptions, ThreadOptions } from './thread-options.js';


/**
 * Creates a thread and starts it; the first event is `session_configured` (id `""`).
 * A thread that will be written (not ephemeral, no custom `recorder`) is opened under the
 * store's single-writer lease, released by `shutdown()`.
 * @throws `ThreadBusyError` (naming the holder) when another live writer holds the thread;
 * `ThreadExistsError` when an explicit `threadId` of a new or forked thread is already stored.
 * @example
 * const thread = await createThread({ model: openaiModel({ model: 'gpt-5.1' }) });
 * await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'hi' }] });
 */
export async function createThread(options: ThreadOptions = {}): Promise<Thread> {
  return createLinkedThread(options, null);
}

/** `createThread` for a thread inside a sub-agent tree (`link`: the tree and the thread's depth). */
async function createLinkedThread(options: ThreadOptions, link: SubAgentLink | null): Promise<Thread> {
  const held: { lease: ThreadLease | null } = { lease: null };
  try {
    return await openThread(options, held, link);
  } catch (error) {
    await held.lease?.release().catch(() => undefined);
    throw error;
  }
}

async function openThread(options: ThreadOptions, held: { lease: ThreadLease | null }, link: SubAgentLink | null): Promise<Thread> {
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? (() => uuidv7(clock.now()));
  const model = options.model && options.modelCapabilities ? withCapabilities(options.model, options.modelCapabilities) : options.model;
  const buddy = options.buddy === undefined ? null : buddySettings(options.buddy);
  const home = options.home ?? resolveTurnstateHome(process.env);
  const cwd = options.cwd ?? process.cwd();
  const userInstructions = await resolveUserInstructions({ cwd, home, userInstructions: options.userInstructions, projectDoc: options.projectDoc });
  const settings: TurnSettings = {
    model: model?.model ?? 'unconfigured',
    cwd,
    approval_policy: parseAtEdge(AskForApproval, options.approvalPolicy, 'approval policy'),
    sandbox_policy: parseAtEdge(SandboxPolicy, options.sandboxPolicy ?? { type: 'workspace-write' }, 'sandbox policy'),
    effort: options.effort ?? null,
    summary: options.summary ?? 'auto',
    collaboration_mode: null,
    personality: null,
    service_tier: null,
    base_instructions: options.baseInstructions ?? defaultBaseInstructions(),
    developer_instructions: options.developerInstructions ?? null,
    user_instructions: userInstructions,
  };
  const mcpConfigs = { ...(await loadMcpServersFromConfig(home)), ...options.mcpServers };
  const mcpServers = Object.entries(mcpConfigs).map(([name, config]) => resolveMcpServer(name, config));
  const store = options.store ?? new JsonlThreadStore({ home });
  // One writer per thread (ThreadStore contract): the lease is taken before anything is written,
  // and before a resumed rollout is read, so no other writer's lines can follow that read.
  const writes = !options.ephemeral && !options.recorder;
  if (writes && options.resume && 'threadId' in options.resume) held.lease = await store.acquire(options.resume.threadId, options.lease);
  let start = await loadStart(options, store, newId);
  const threadId = start?.threadId ?? options.threadId ?? newId();
  if (writes && !held.lease) {
    held.lease = await store.acquire(threadId, options.lease);
    // Resumed by path: the thread id was known only after reading; read again under the lease.
    if (start?.resumePath) start = await loadStart(options, store, newId);
  }
  // A resumed thread keeps the instructions it was started with, unless the host overrides them.
  if (start?.baseInstructions !== undefined && options.baseInstructions === undefined) settings.base_instructions = start.baseInstructions;
  if (held.lease && !start?.resumePath && options.threadId !== undefined && (await store.findPath(threadId)) !== null) {
    throw new ThreadExistsError(threadId);
  }
  const session = initialSessionData(settings);
  if (start) {
    session.history = start.state.history;
    session.previousModel = start.state.lastModel;
    // A resumed thread keeps its name; a fork is a new thread and starts unnamed.
    session.threadName = start.resumePath ? start.state.threadName : null;
  }
  const warnings: string[] = [];
  const meta: SessionMeta = {
    id: threadId,
    forked_from_id: start?.forkedFrom ?? null,
    timestamp: new Date(clock.now()).toISOString(),
    cwd: settings.cwd,
    originator: 'turnstate',
    cli_version: ENGINE_VERSION,
    source: parseAtEdge(SessionSource, options.source ?? 'unknown', 'session source'),
    model_provider: options.modelProvider === undefined ? (model?.providerId ?? null) : options.modelProvider,
    base_instructions: { text: settings.base_instructions },
  };
  let emitWarning: (message: string) => void = (message) => warnings.push(message);
  const ownMemoryRecorder = !options.recorder && options.ephemeral === true;
  const recorder =
    options.recorder ??
    (options.ephemeral
      ? new MemoryRecorder(options.persistence)
      : new StoreRecorder({
          store,
          meta,
          ...(options.persistence ? { mode: options.persistence } : {}),
          ...(start?.resumePath ? { resumePath: start.resumePath } : {}),
          ...(start?.nextOrdinal === undefined ? {} : { nextOrdinal: start.nextOrdinal }),
          ...(held.lease ? { lease: held.lease } : {}),
          onWarning: (m) => emitWarning(m),
        }));
  const history = new MessageHistory({ home });
  const tracing = ThreadTracing.start(threadId, { model: settings.model, cwd: settings.cwd });
  let thread: Thread | null = null;
  // The tools are made after the runtime (sub-agent tools need it); the router is built on first use.
  let tools: ToolDefinition[] = [];
  const rt = new ThreadRuntime({
    threadId,
    session,
    clock,
    recorder,
    ownMemoryRecorder,
    logger: options.logger ?? defaultLogger,
    showRawReasoning: options.showRawReasoning ?? false,
    contextWindow: model?.contextWindow ?? null,
    actorClock: options.actorClock,
    inspect: options.inspect,
    onTurnEnded: (_turnId, outcome) => thread?.onTurnEnded(outcome),
    newId,
    home,
    // The goal is durable with the rollout (not for ephemeral threads or custom recorders).
    goalStore: options.recorder || options.ephemeral ? null : store,
    ghostSnapshots: ghostSnapshotSettings(options.ghostSnapshots, cwd),
    tracing,
    openChild: (spec) => createThread(childThreadOptions(options, { model, store, clock, newId, home }, spec)),
    toolRouter: (mcp) => new ToolRouter(tools, mcpToolSource(mcp)),
  });
  rt.onEvent((event) => tracing.observe(event));
  emitWarning = (message) => rt.emit(rt.activeTurn()?.turnId ?? '', { type: 'warning', message });
  const engine = { shell: process.env.SHELL ?? (os.platform() === 'win32' ? 'powershell' : 'bash'), ...options.engine };
  const builtins = options.builtinTools === false ? [] : builtinTools({ shell: true, applyPatch: true, updatePlan: true, ...options.builtinTools });
  const subAgents = subAgentWiring({
    options,
    link,
    threadId,
    model,
    store,
    home,
    logger: options.logger ?? defaultLogger,
    settings: () => rt.session().settings,
    history: () => rt.session().history.items,
    createThread: createLinkedThread,
    newId,
    delegateParent: threadDelegateParent(rt),
  });
  tools = [...builtins, ...(options.tools ?? []), ...(subAgents?.tools ?? [])];
  const regular = model ? regularTask({ model, router: rt.toolRouter, ...engine }) : null;
  const compact = model ? compactTask({ model, ...engine }) : null;
  const userShell = userShellCommands({ shell: engine.shell });
  const review = model ? reviewTask() : null;
  thread = new Thread(
    rt,
    { regular: () => regular, compact: () => compact, userShell: () => userShell, review: () => review },
    { store, history, subAgents: subAgents?.control ?? null },
  );
  subAgents?.bind(thread);
  if (buddy && model) attachBuddyObserver({ onEvent: (l) => rt.onEvent(l), emit: (id, msg) => rt.emit(id, msg), model, logger: rt.logger, inspect: options.inspect }, buddy);
  const historyMeta = await history.metadata().catch(() => ({ logId: 0, entryCount: 0 }));
  rt.start();
  rt.emit('', {
    type: 'session_configured',
    session_id: threadId,
    forked_from_id: start?.forkedFrom ?? null,
    thread_name: session.threadName,
    model: settings.model,
    model_provider_id: model === undefined ? 'none' : (model.providerId ?? 'unknown'),
    service_tier: null,
    approval_policy: settings.approval_policy,
    approvals_reviewer: 'user',
    sandbox_policy: settings.sandbox_policy,
    cwd: settings.cwd,
    reasoning_effort: settings.effort,
    history_log_id: historyMeta.logId,
    history_entry_count: historyMeta.entryCount,
    initial_messages: start ? start.state.initialMessages : null,
    rollout_path: recorder.rolloutPath,
  });
  for (const message of warnings.splice(0)) rt.emit('', { type: 'warning', message });
  rt.mcp.start(mcpServers);
  if (start) {
    if (start.unreadLines > 0) {
      rt.emit('', { type: 'warning', message: `Skipped ${start.unreadLines} unreadable line(s) while loading the rollout.` });
    }
    if (start.unknownKinds !== '') {
      rt.emit('', { type: 'warning', message: `Skipped rollout lines of kinds this engine does not read (${start.unknownKinds}); they stay in the file.` });
    }
    if (start.state.lastModel && start.state.lastModel !== settings.model) {
      rt.emit('', {
        type: 'warning',
        message: `This thread was recorded with model \`${start.state.lastModel}\` but is resuming with \`${settings.model}\`. Expect some differences in behaviour.`,
      });
    }
    // A fork is a new thread and starts without a goal (goals are per thread, SPEC §7.1).
    if (start.resumePath) await applyGoalResumeRuntimeEffects(rt, options.reactivatePausedGoalOnResume ?? false);
    if (start.forkItems) {
      recorder.record(start.forkItems);
      await rt.persistRollout();
      await rt.flushRollout();
    }
  }
  watchSignal(thread, options.signal);
  return thread;
}

/**
 * A child thread's options (delegates, SPEC §11.1): it shares the parent's model client,
 * store, home (exec policy rules, message history), clocks, id source, tools, logger and
 * inspector, and has its own id, history and rollout (`source` = the sub-agent kind). It
 * takes no ghost snapshots (the parent's turn already did) and no host signal.
 */
function childThreadOptions(
  parent: ThreadOptions,
  shared: { model: ModelClient | undefined; store: ThreadStore; clock: Clock; newId: () => string; home: string },
  spec: ChildThreadSpec,
): ThreadOptions {
  return {
    model: shared.model,
    store: shared.store,
    clock: shared.clock,
    newId: shared.newId,
    home: shared.home,
    ...pick(parent, ['tools', 'builtinTools', 'actorClock', 'inspect', 'logger', 'showRawReasoning', 'engine', 'ephemeral', 'persistence', 'modelProvider', 'effort', 'summary']),
    ghostSnapshots: false,
    // A parent with a host-supplied recorder keeps no store-backed rollout; neither does its child.
    ...(parent.recorder ? { ephemeral: true } : {}),
    threadId: spec.threadId,
    source: spec.source,
    cwd: spec.cwd,
    ...(spec.approvalPolicy === undefined ? {} : { approvalPolicy: spec.approvalPolicy as ThreadOptions['approvalPolicy'] }),
    ...(spec.sandboxPolicy === undefined ? {} : { sandboxPolicy: spec.sandboxPolicy as ThreadOptions['sandboxPolicy'] }),
    ...(spec.baseInstructions === undefined ? {} : { baseInstructions: spec.baseInstructions }),
    ...(spec.developerInstructions === undefined ? {} : { developerInstructions: spec.developerInstructions }),
    ...(spec.userInstructions === undefined ? {} : { userInstructions: spec.userInstructions }),
    ...(spec.projectDoc === undefined ? {} : { projectDoc: spec.projectDoc }),
  };
}

function pick<T extends object, K extends keyof T>(from: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (from[key] !== undefined) out[key] = from[key];
  return out;
}

/** Shuts the thread down when the host's signal aborts (at once if it already has). */
function watchSignal(thread: Thread, signal: AbortSignal | undefined): void {
  if (!signal) return;
  const stop = () => void thread.shutdown().catch(() => undefined);
  if (signal.aborted) return stop();
  signal.addEventListener('abort', stop, { once: true });
  // A thread shut down otherwise no longer needs the listener (nor should the signal keep it alive).
  const off = thread.onEvent(({ msg }) => {
    if (msg.type !== 'shutdown_complete') return;
    signal.removeEventListener('abort', stop);
    off();
  });
}

interface StartState {
  threadId: string;
  state: LoadedThreadState;
  resumePath?: string;
  forkedFrom?: string;
  forkItems?: StoredItem[];
  /** The source rollout's `session_meta.base_instructions`. */
  baseInstructions?: string;
  /** Where numbering continues when appending to a paginated rollout. */
  nextOrdinal?: number;
  /** Lines skipped because they do not parse (not JSON, torn, bad payload). */
  unreadLines: number;
  /** Counts of the lines skipped because their kind is unknown (`world_state ×2, …`), or `''`. */
  unknownKinds: string;
}

/** What a rollout read for resume or fork says besides its items. */
function startFacts(rollout: StoredRollout): Pick<StartState, 'baseInstructions' | 'unreadLines' | 'unknownKinds'> {
  const unknown = rollout.skipped.filter((line) => line.reason === 'unknown_kind');
  const text = rollout.meta.base_instructions?.text;
  return { ...(text === undefined ? {} : { baseInstructions: text }), unreadLines: rollout.skipped.length - unknown.length, unknownKinds: describeSkipped(unknown) };
}

/** Reads the rollout a resumed or forked thread starts from. */
async function loadStart(options: ThreadOptions, store: ThreadStore, newId: () => string): Promise<StartState | null> {
  if (options.resume && options.fork) throw new InvalidRequestError('resume and fork cannot be combined');
  if (options.resume) {
    const rollout = await store.read(options.resume);
    return {
      threadId: rollout.threadId,
      state: loadThreadState(rollout.items, rollout.skipped.length),
      resumePath: rollout.path,
      ...(rollout.lastOrdinal === null ? {} : { nextOrdinal: rollout.lastOrdinal + 1 }),
      ...startFacts(rollout),
    };
  }
  if (options.fork) {
    const { threadId: _t, path: _p, ...spec } = options.fork as { threadId?: string; path?: string } & ForkSpec;
    const ref = 'path' in options.fork ? { path: options.fork.path } : { threadId: options.fork.threadId };
    const source = await store.read(ref);
    const items = forkedItems(source, spec as ForkSpec);
    const state = loadThreadState(items, source.skipped.length);
    return { threadId: options.threadId ?? newId(), state, forkedFrom: source.threadId, forkItems: items, ...startFacts(source) };
  }
  return null;
}

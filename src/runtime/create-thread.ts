/**
 * `createThread`: wiring only. It builds the session settings, the recorder, the runtime and
 * the engine's tasks, starts the actor tree and emits `session_configured`.
 */
import os from 'node:os';
import type { InspectionEvent, Observer } from 'xstate';
import type { z } from 'zod';
import {
  AskForApproval,
  SandboxPolicy,
  parseAtEdge,
  type ReasoningEffort,
  type ReasoningSummary,
} from '../protocol/index.js';
import type { ModelClient } from '../model/types.js';
import type { ToolDefinition } from '../tasks/tools.js';
import { compactTask } from '../tasks/compaction.js';
import { builtinTools, userShellRunner, type BuiltinToolsConfig } from '../tools/builtin/index.js';
import {
  JsonlThreadStore,
  MessageHistory,
  resolveTurnstateHome,
  type PersistenceMode,
  type RolloutItem as StoredItem,
  type SessionMeta,
  type ThreadStore,
} from '../persistence/index.js';
import { regularTask, type TurnEngineOptions } from '../tasks/regular.js';
import { systemClock, uuidv7, type Clock } from './ids.js';
import { defaultLogger, type Logger } from './logger.js';
import { MemoryRecorder, type Recorder } from './recorder.js';
import { ENGINE_VERSION, StoreRecorder, forkedItems, loadThreadState, type ForkSpec, type LoadedThreadState } from './persistence-wiring.js';
import { initialSessionData, type TurnSettings } from './session-data.js';
import { Thread } from './thread.js';
import { applyGoalResumeRuntimeEffects } from './thread-goals.js';
import { InvalidRequestError } from '../errors.js';
import { ThreadRuntime } from './thread-runtime.js';
import { ThreadTracing } from './tracing.js';

/** Options for `createThread`. Everything is optional; a model is needed for user turns. */
export interface ThreadOptions {
  /** The model provider (e.g. `openaiModel(...)` or `scriptedModel(...)`). */
  model?: ModelClient;
  /** Host-defined tools the model may call. */
  tools?: ToolDefinition[];
  /** Built-in tools offered to the model (default: all on). */
  builtinTools?: Partial<BuiltinToolsConfig> | false;
  /** turnstate home: sessions, message history, exec policy rules (default TURNSTATE_HOME or ~/.turnstate). */
  home?: string;
  /** Working directory of the session (default: `process.cwd()`). */
  cwd?: string;
  /** When commands need approval (default `on-request`); validated at run time too. */
  approvalPolicy?: z.input<typeof AskForApproval>;
  /** Where commands may write (default `{ type: 'workspace-write' }`). */
  sandboxPolicy?: z.input<typeof SandboxPolicy>;
  effort?: ReasoningEffort | null;
  summary?: ReasoningSummary;
  /** System instructions sent with every request. */
  baseInstructions?: string;
  developerInstructions?: string | null;
  userInstructions?: string | null;
  /** Thread id (default: a fresh UUIDv7). */
  threadId?: string;
  /** Thread store for the rollout (default: JSONL files under the turnstate home). */
  store?: ThreadStore;
  /** Keep no rollout at all (in memory only; rollback is unavailable). */
  ephemeral?: boolean;
  /** Which events the rollout keeps (default `limited`). */
  persistence?: PersistenceMode;
  /** Resume a stored thread (same id; new lines are appended to its rollout). */
  resume?: { threadId: string } | { path: string };
  /** Start a new thread from a prefix of a stored one. */
  fork?: ({ threadId: string } | { path: string }) & ForkSpec;
  /** A custom recorder (overrides `store` / `ephemeral`). */
  recorder?: Recorder;
  /** Time source for event timestamps and goal accounting. */
  clock?: Clock;
  /** XState clock for the machines' delays (a `SimulatedClock` in tests). */
  actorClock?: unknown;
  /** Stately inspector (or any inspection observer): sees the whole actor tree. */
  inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
  logger?: Logger;
  /** Project raw reasoning content into legacy events (default false). */
  showRawReasoning?: boolean;
  /** Turn-engine tuning (retries, compaction limit, ...). */
  engine?: Partial<TurnEngineOptions>;
  /** Id source (default UUIDv7). */
  newId?: () => string;
  /**
   * On resume, re-activate a paused goal and announce it (the REF behaviour of SPEC §7.2).
   * Default false: a paused goal stays paused (seed 003's version); the host resumes it with
   * `setGoal`.
   */
  reactivatePausedGoalOnResume?: boolean;
  /** Aborting it shuts the thread down (as `thread.shutdown()`). */
  signal?: AbortSignal;
}

/** The former name of `ThreadOptions`. */
export type CreateThreadOptions = ThreadOptions;

const DEFAULT_BASE_INSTRUCTIONS =
  'You are a coding agent running in a workspace on the user\'s machine. Use the available tools to inspect and change files and run commands. Keep the user informed with short messages and finish with a concise summary of what you did.';

/**
 * Creates a thread and starts it; the first event is `session_configured` (id `""`).
 * @example
 * const thread = await createThread({ model: openaiModel({ model: 'gpt-5.1' }) });
 * await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'hi' }] });
 */
export async function createThread(options: ThreadOptions = {}): Promise<Thread> {
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? (() => uuidv7(clock.now()));
  const model = options.model;
  const home = options.home ?? resolveTurnstateHome(process.env);
  const settings: TurnSettings = {
    model: model?.model ?? 'unconfigured',
    cwd: options.cwd ?? process.cwd(),
    approval_policy: parseAtEdge(AskForApproval, options.approvalPolicy, 'approval policy'),
    sandbox_policy: parseAtEdge(SandboxPolicy, options.sandboxPolicy ?? { type: 'workspace-write' }, 'sandbox policy'),
    effort: options.effort ?? null,
    summary: options.summary ?? 'auto',
    collaboration_mode: null,
    personality: null,
    service_tier: null,
    base_instructions: options.baseInstructions ?? DEFAULT_BASE_INSTRUCTIONS,
    developer_instructions: options.developerInstructions ?? null,
    user_instructions: options.userInstructions ?? null,
  };
  const store = options.store ?? new JsonlThreadStore({ home });
  const start = await loadStart(options, store, newId);
  const threadId = start?.threadId ?? options.threadId ?? newId();
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
    source: 'custom',
    model_provider: model?.providerId ?? null,
    base_instructions: { text: settings.base_instructions },
  };
  let emitWarning: (message: string) => void = (message) => warnings.push(message);
  const recorder =
    options.recorder ??
    (options.ephemeral
      ? new MemoryRecorder(options.persistence)
      : new StoreRecorder({
          store,
          meta,
          ...(options.persistence ? { mode: options.persistence } : {}),
          ...(start?.resumePath ? { resumePath: start.resumePath } : {}),
          onWarning: (m) => emitWarning(m),
        }));
  const history = new MessageHistory({ home });
  const tracing = ThreadTracing.start(threadId, { model: settings.model, cwd: settings.cwd });
  let thread: Thread | null = null;
  const rt = new ThreadRuntime({
    threadId,
    session,
    clock,
    recorder,
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
    tracing,
  });
  rt.onEvent((event) => tracing.observe(event));
  emitWarning = (message) => rt.emit(rt.activeTurn()?.turnId ?? '', { type: 'warning', message });
  const engine = { shell: process.env.SHELL ?? (os.platform() === 'win32' ? 'powershell' : 'bash'), ...options.engine };
  const builtins = options.builtinTools === false ? [] : builtinTools({ shell: true, applyPatch: true, updatePlan: true, ...options.builtinTools });
  const tools = [...builtins, ...(options.tools ?? [])];
  const regular = model ? regularTask({ model, tools, ...engine }) : null;
  const compact = model ? compactTask({ model, ...engine }) : null;
  const userShell = userShellRunner({ shell: engine.shell });
  thread = new Thread(rt, { regular: () => regular, compact: () => compact, userShell: () => userShell }, { store, history });
  const historyMeta = await history.metadata().catch(() => ({ logId: 0, entryCount: 0 }));
  rt.start();
  rt.emit('', {
    type: 'session_configured',
    session_id: threadId,
    forked_from_id: start?.forkedFrom ?? null,
    thread_name: session.threadName,
    model: settings.model,
    model_provider_id: model?.providerId ?? 'none',
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
  if (start) {
    if (start.state.skippedLines > 0) {
      rt.emit('', { type: 'warning', message: `Skipped ${start.state.skippedLines} unreadable line(s) while loading the rollout.` });
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
}

/** Reads the rollout a resumed or forked thread starts from. */
async function loadStart(options: ThreadOptions, store: ThreadStore, newId: () => string): Promise<StartState | null> {
  if (options.resume && options.fork) throw new InvalidRequestError('resume and fork cannot be combined');
  if (options.resume) {
    const rollout = await store.read(options.resume);
    return { threadId: rollout.threadId, state: loadThreadState(rollout.items, rollout.skipped.length), resumePath: rollout.path };
  }
  if (options.fork) {
    const { threadId: _t, path: _p, ...spec } = options.fork as { threadId?: string; path?: string } & ForkSpec;
    const ref = 'path' in options.fork ? { path: options.fork.path } : { threadId: options.fork.threadId };
    const source = await store.read(ref);
    const items = forkedItems(source, spec as ForkSpec);
    return { threadId: options.threadId ?? newId(), state: loadThreadState(items, source.skipped.length), forkedFrom: source.threadId, forkItems: items };
  }
  return null;
}

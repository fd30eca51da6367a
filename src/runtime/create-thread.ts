/**
 * `createThread`: wiring only. It builds the session settings, the recorder, the runtime and
 * the engine's tasks, starts the actor tree and emits `session_configured`.
 */
import os from 'node:os';
import type { InspectionEvent, Observer } from 'xstate';
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
import { resolveTurnstateHome } from '../persistence/index.js';
import { regularTask, type TurnEngineOptions } from '../tasks/regular.js';
import { systemClock, uuidv7, type Clock } from './ids.js';
import { defaultLogger, type Logger } from './logger.js';
import { MemoryRecorder, type Recorder } from './recorder.js';
import { initialSessionData, type TurnSettings } from './session-data.js';
import { Thread } from './thread.js';
import { ThreadRuntime } from './thread-runtime.js';

/** Options for `createThread`. Everything is optional; a model is needed for user turns. */
export interface CreateThreadOptions {
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
  approvalPolicy?: AskForApproval | string;
  sandboxPolicy?: SandboxPolicy | { type: string };
  effort?: ReasoningEffort | null;
  summary?: ReasoningSummary;
  /** System instructions sent with every request. */
  baseInstructions?: string;
  developerInstructions?: string | null;
  userInstructions?: string | null;
  /** Thread id (default: a fresh UUIDv7). */
  threadId?: string;
  /** Where the rollout goes (default: in memory). */
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
}

const DEFAULT_BASE_INSTRUCTIONS =
  'You are a coding agent running in a workspace on the user\'s machine. Use the available tools to inspect and change files and run commands. Keep the user informed with short messages and finish with a concise summary of what you did.';

/**
 * Creates a thread and starts it; the first event is `session_configured` (id `""`).
 * @example
 * const thread = await createThread({ model: openaiModel({ model: 'gpt-5.1' }) });
 * await thread.submit({ type: 'user_input', items: [{ type: 'text', text: 'hi' }] });
 */
export async function createThread(options: CreateThreadOptions = {}): Promise<Thread> {
  const clock = options.clock ?? systemClock;
  const newId = options.newId ?? (() => uuidv7(clock.now()));
  const threadId = options.threadId ?? newId();
  const model = options.model;
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
  const recorder = options.recorder ?? new MemoryRecorder();
  const home = options.home ?? resolveTurnstateHome(process.env);
  let thread: Thread | null = null;
  const rt = new ThreadRuntime({
    threadId,
    session: initialSessionData(settings),
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
  });
  const engine = { shell: process.env.SHELL ?? (os.platform() === 'win32' ? 'powershell' : 'bash'), ...options.engine };
  const builtins = options.builtinTools === false ? [] : builtinTools({ shell: true, applyPatch: true, updatePlan: true, ...options.builtinTools });
  const tools = [...builtins, ...(options.tools ?? [])];
  const regular = model ? regularTask({ model, tools, ...engine }) : null;
  const compact = model ? compactTask({ model, ...engine }) : null;
  const userShell = userShellRunner();
  thread = new Thread(rt, { regular: () => regular, compact: () => compact, userShell: () => userShell });
  rt.start();
  rt.emit('', {
    type: 'session_configured',
    session_id: threadId,
    forked_from_id: null,
    thread_name: null,
    model: settings.model,
    model_provider_id: model?.providerId ?? 'none',
    service_tier: null,
    approval_policy: settings.approval_policy,
    approvals_reviewer: 'user',
    sandbox_policy: settings.sandbox_policy,
    cwd: settings.cwd,
    reasoning_effort: settings.effort,
    history_log_id: 0,
    history_entry_count: 0,
    initial_messages: null,
    rollout_path: recorder.rolloutPath,
  });
  return thread;
}

/**
 * The options of `createThread`, declared apart from the wiring so that modules the wiring
 * imports (sub-agent wiring builds child options) can name them without importing it back.
 */
import type { InspectionEvent, Observer } from 'xstate';
import type { z } from 'zod';
import type { AskForApproval, SandboxPolicy, ReasoningEffort, ReasoningSummary } from '../protocol/index.js';
import type { ModelCapabilities, ModelClient } from '../model/types.js';
import type { ToolDefinition } from '../tools/router.js';
import type { BuiltinToolsConfig } from '../tools/builtin/index.js';
import type { SessionSource, PersistenceMode, AcquireOptions, ThreadStore } from '../persistence/index.js';
import type { TurnEngineOptions } from '../tasks/regular.js';
import type { Clock } from './ids.js';
import type { Logger } from '../logger.js';
import type { Recorder } from './recorder.js';
import type { ForkSpec } from './persistence-wiring.js';
import type { GhostSnapshotOptions } from './ghost-snapshots.js';
import type { McpServerConfig } from '../mcp/config.js';
import type { BuddyOptions } from '../buddy/index.js';
import type { SubAgentsOptions } from '../subagents/options.js';

/** Options for `createThread`. Everything is optional; a model is needed for user turns. */
export interface ThreadOptions {
  /** The model provider (e.g. `openaiModel(...)` or `scriptedModel(...)`). */
  model?: ModelClient;
  /** Corrections, for this thread, to what the model family table says about the model (see `modelCapabilities`). */
  modelCapabilities?: Partial<ModelCapabilities>;
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
  /**
   * System instructions sent with every request (default: `defaultBaseInstructions()`). A resumed
   * or forked thread without this option sends the instructions stored in its rollout's
   * `session_meta.base_instructions`.
   */
  baseInstructions?: string;
  developerInstructions?: string | null;
  /** The user's own instructions; replaces the turnstate home's `AGENTS.md`. Project `AGENTS.md` files still follow. */
  userInstructions?: string | null;
  /**
   * `AGENTS.md` discovery (see `discoverProjectDocs`): on by default with a 32 KiB budget for
   * the project files; `false` turns it off (no home or project files are read).
   */
  projectDoc?: false | { maxBytes?: number };
  /** Thread id (default: a fresh UUIDv7). */
  threadId?: string;
  /**
   * `session_meta.source` of a new thread: the kind of host that started it, `'cli'`, `'vscode'`,
   * `'exec'`, `'mcp'`, or `'unknown'` (default: an embedding host is not one Codex knows), or a
   * sub-agent object. Codex 0.169 resumes rollouts with any of these, and no other value.
   * Throws `ProtocolParseError` for anything else.
   */
  source?: SessionSource;
  /**
   * `session_meta.model_provider` of a new thread: the provider id the user configured (Codex's
   * `model_provider` key, e.g. `'openai'` or the name of a custom provider). Codex refuses to
   * resume a thread under a provider other than the one recorded. Default: the model client's
   * `providerId`, which `openaiModel` leaves `null` (not recorded) for a custom base URL.
   */
  modelProvider?: string | null;
  /** Thread store for the rollout (default: JSONL files under the turnstate home). */
  store?: ThreadStore;
  /** Keep no rollout at all (in memory only; rollback is unavailable). */
  ephemeral?: boolean;
  /** Which events the rollout keeps (default `limited`). */
  persistence?: PersistenceMode;
  /** Resume a stored thread (same id; new lines are appended to its rollout). */
  resume?: { threadId: string } | { path: string };
  /**
   * How the single-writer lease is taken (`ThreadStore.acquire`): the holder name recorded with
   * it, and how long to wait (ms) for a live holder to let go before `ThreadBusyError`.
   */
  lease?: AcquireOptions;
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
  /**
   * Git ghost snapshots of the working tree before each regular turn's tools run, so `undo`
   * can restore it (default on; silent outside a git repository). `false` turns them off.
   */
  ghostSnapshots?: boolean | GhostSnapshotOptions;
  /**
   * MCP servers by name (stdio `command` or streamable HTTP `url`), added to (and overriding)
   * the `[mcp_servers.<name>]` tables of `<home>/config.toml`. They start with the thread.
   */
  mcpServers?: Record<string, McpServerConfig>;
  /** Aborting it shuts the thread down (as `thread.shutdown()`). */
  signal?: AbortSignal;
  /**
   * A companion that reacts to each finished turn with a one-line `buddy_reaction` (seed 000):
   * `{ name, species?, muted?, observer?: { model?, maxReactionChars? } }` (see README "Buddy
   * observer"). Throws `ProtocolParseError` for options of the wrong shape.
   */
  buddy?: BuddyOptions;
  /**
   * Sub-agents (SPEC §11.2): offers the model `spawn_agent`, `send_input`, `wait` and
   * `close_agent`; each spawned agent is a thread of this engine. Off by default.
   */
  subAgents?: SubAgentsOptions;
}

/** The former name of `ThreadOptions`. */
export type CreateThreadOptions = ThreadOptions;

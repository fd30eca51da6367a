/**
 * turnstate: an embeddable engine that runs coding-agent sessions as XState v5 actors,
 * speaking the Codex op/event protocol.
 */
export * from './protocol/index.js';
export * from './errors.js';
export { createThread, type CreateThreadOptions, type ThreadOptions } from './runtime/create-thread.js';
export { Thread } from './runtime/thread.js';
export { SUBMISSION_QUEUE_CAPACITY } from './runtime/submission-loop.js';
export type { RunInput, RunOptions, RunResult, RunStream } from './runtime/turn-run.js';
export type { OutputSchema, StructuredOutputOf } from './runtime/output-schema.js';
export { approvalOp, type ApprovalRequestEvent, type ReviewDecisionInit } from './runtime/approve.js';
export type { SessionTask, TaskKind } from './tasks/session-task.js';
export type { TaskContext, ApprovalRequest } from './tools/turn-context.js';
export { defineTool, ToolRouter, type ToolDefinition, type ToolCallContext, type ToolResult, type DynamicToolSource } from './tools/router.js';
export type { TurnEngineOptions } from './tasks/engine-options.js';
export type { ModelCapabilities, ModelClient, ModelRequest, ResponseEvent, ToolSpec } from './model/types.js';
export { modelCapabilities, requestReasoning, withCapabilities } from './model/capabilities.js';
export { defaultBaseInstructions } from './prompts/base-instructions.js';
export {
  discoverProjectDocs,
  projectDocDirs,
  resolveUserInstructions,
  DEFAULT_PROJECT_DOC_MAX_BYTES,
  type ProjectDocOptions,
  type ProjectDocs,
} from './prompts/project-doc.js';
export { ModelError, type ModelErrorKind } from './model/types.js';
export { MemoryRecorder, type Recorder, type RolloutItem } from './runtime/recorder.js';
export type { ThreadView, TranscriptEntry, PendingApprovalView, ViewStore } from './runtime/view.js';
export type { TurnSettings } from './history/session-data.js';
export type { Clock } from './runtime/ids.js';
export type { Logger } from './logger.js';
export { TURN_ABORTED_MARKER_TEXT } from './runtime/markers.js';
export { GRACEFUL_INTERRUPTION_TIMEOUT_MS } from '../machines/task.machine.js';
export {
  JsonlThreadStore,
  InMemoryThreadStore,
  MessageHistory,
  listThreads,
  readThreadSummary,
  archiveThread,
  deleteThread,
  resolveTurnstateHome,
  parseRolloutText,
  serializeRollout,
  type ThreadStore,
  type PersistenceMode,
  type SessionSource,
  type ThreadSummary,
  type StoredRollout,
  spawnEdge,
  type SpawnEdge,
} from './persistence/index.js';
export type { ForkSpec } from './runtime/persistence-wiring.js';
export type { GhostSnapshotOptions } from './runtime/ghost-snapshots.js';
export { BuddyOptions, DEFAULT_MAX_REACTION_CHARS, BUDDY_OBSERVER_INSTRUCTIONS, parseBuddyReaction } from './buddy/index.js';
export { SubAgentsConfigError, DEFAULT_AGENT_MAX_DEPTH, DEFAULT_AGENT_MAX_THREADS, type SubAgentsOptions } from './subagents/options.js';
export { subagentNotification, DEFAULT_WAIT_TIMEOUT_MS, MIN_WAIT_TIMEOUT_MS, MAX_WAIT_TIMEOUT_MS } from './subagents/args.js';
export { GhostCommit, parseGhostCommit, NotAGitRepositoryError, GitCommandError, InvalidGhostCommitError } from './git/index.js';
export { McpConfigError, loadMcpServersFromConfig, type McpServerConfig, type McpTurnInfo, type McpToolApprovalMode } from './mcp/config.js';
export { McpError, type McpErrorCode } from './mcp/errors.js';
export { qualifyMcpTools, sanitizeToolName, MAX_TOOL_NAME_LENGTH } from './mcp/names.js';
export { requiresMcpToolApproval, MCP_TOOL_APPROVAL_ID_PREFIX } from './mcp/approval.js';
export { inspectorSanitizers, type InspectorSanitizerOptions, type RedactKind } from './inspect/sanitizers.js';

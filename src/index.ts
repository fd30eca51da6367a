/**
 * turnstate: an embeddable engine that runs coding-agent sessions as XState v5 actors,
 * speaking the Codex op/event protocol.
 */
export * from './protocol/index.js';
export * from './errors.js';
export { createThread, type CreateThreadOptions, type ThreadOptions } from './runtime/create-thread.js';
export { Thread, SUBMISSION_QUEUE_CAPACITY } from './runtime/thread.js';
export type { RunInput, RunOptions, RunResult, RunStream } from './runtime/turn-run.js';
export type { OutputSchema, StructuredOutputOf } from './runtime/output-schema.js';
export { approvalOp, type ApprovalRequestEvent, type ReviewDecisionInit } from './runtime/approve.js';
export type { SessionTask, TaskContext, ApprovalRequest, TaskKind } from './tasks/session-task.js';
export { defineTool, ToolRouter, type ToolDefinition, type ToolCallContext, type ToolResult } from './tasks/tools.js';
export type { TurnEngineOptions } from './tasks/engine-options.js';
export type { ModelClient, ModelRequest, ResponseEvent, ToolSpec } from './model/types.js';
export { ModelError, type ModelErrorKind } from './model/types.js';
export { MemoryRecorder, type Recorder, type RolloutItem } from './runtime/recorder.js';
export type { ThreadView, TranscriptEntry, PendingApprovalView, ViewStore } from './runtime/view.js';
export type { TurnSettings } from './runtime/session-data.js';
export type { Clock } from './runtime/ids.js';
export type { Logger } from './runtime/logger.js';
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
  type ThreadStore,
  type PersistenceMode,
  type ThreadSummary,
  type StoredRollout,
} from './persistence/index.js';
export type { ForkSpec } from './runtime/persistence-wiring.js';
export { inspectorSanitizers, type InspectorSanitizerOptions, type RedactKind } from './inspect/sanitizers.js';

/**
 * Persistence: the rollout format, what gets persisted, thread stores (JSONL files, memory),
 * the rollout recorder, resume/fork reconstruction, the message history, thread management.
 */
export * from './errors.js';
export * from './rollout-schema.js';
export * from './rollout-codec.js';
export * from './policy.js';
export * from './paths.js';
export * from './store.js';
export * from './file-store.js';
export * from './goal-file.js';
export * from './memory-store.js';
export * from './recorder.js';
export * from './history-ops.js';
export * from './reconstruct.js';
export * from './fork.js';
export * from './file-lock.js';
export { DEFAULT_LOCK_STALE_MS, THREAD_LOCKS_DIR } from './thread-lock.js';
export * from './message-history.js';
export * from './thread-manager.js';
export type { RolloutDurability } from './rollout-writer.js';
export * from './spawn-edge.js';

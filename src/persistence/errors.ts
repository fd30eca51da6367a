/**
 * Typed errors of the persistence layer. Each has a stable `code`; `fault` says whether the
 * host asked for something that is not there (`host`) or the engine could not do its I/O
 * (`engine`).
 */
import { TurnstateError, type Fault } from '../errors.js';
import type { SkippedLine } from './rollout-schema.js';

/**
 * Base class of every persistence error, for `instanceof` checks.
 * @example
 * try { await store.read({ threadId }); } catch (e) { if (e instanceof PersistenceError) console.log(e.code); }
 */
export class PersistenceError extends TurnstateError {
  constructor(code: string, fault: Fault, message: string, options?: { cause?: unknown }) {
    super(code, fault, message, options);
  }
}

/**
 * A rollout file (or stored thread) holds no lines at all.
 * @example
 * new RolloutEmptyError('/tmp/r.jsonl').code; // 'rollout_empty'
 */
export class RolloutEmptyError extends PersistenceError {
  readonly source: string;
  constructor(source: string) {
    super('rollout_empty', 'host', `rollout ${source} is empty`);
    this.source = source;
  }
}

/**
 * A rollout has lines but no `session_meta` line, so it names no thread.
 * @example
 * new RolloutMissingSessionMetaError('/tmp/r.jsonl', []).code; // 'rollout_missing_session_meta'
 */
export class RolloutMissingSessionMetaError extends PersistenceError {
  readonly source: string;
  readonly skipped: SkippedLine[];
  constructor(source: string, skipped: SkippedLine[]) {
    super('rollout_missing_session_meta', 'host', `rollout ${source} has no session_meta line (${skipped.length} line(s) skipped)`);
    this.source = source;
    this.skipped = skipped;
  }
}

/**
 * The file is JSONL but not in the rollout line format this engine reads (for example the
 * envelope-less format of early Codex versions: a bare session header, then bare items).
 * @example
 * new UnsupportedRolloutFormatError('/tmp/old.jsonl').code; // 'rollout_unsupported_format'
 */
export class UnsupportedRolloutFormatError extends PersistenceError {
  readonly source: string;
  constructor(source: string) {
    super(
      'rollout_unsupported_format',
      'host',
      `rollout ${source} is not in the {"timestamp","type","payload"} line format (it looks like an older rollout version); it cannot be resumed`,
    );
    this.source = source;
  }
}

/**
 * No stored thread has this id (or no rollout exists at this path).
 * @example
 * new ThreadNotFoundError('0193…').code; // 'thread_not_found'
 */
export class ThreadNotFoundError extends PersistenceError {
  readonly ref: string;
  constructor(ref: string, options?: { cause?: unknown }) {
    super('thread_not_found', 'host', `no stored thread for ${ref}`, options);
    this.ref = ref;
  }
}

/**
 * `ThreadStore.create` was asked to create a thread that already exists.
 * @example
 * new ThreadExistsError('0193…').code; // 'thread_exists'
 */
export class ThreadExistsError extends PersistenceError {
  readonly threadId: string;
  constructor(threadId: string) {
    super('thread_exists', 'engine', `thread ${threadId} already exists in the store`);
    this.threadId = threadId;
  }
}

/**
 * Another live writer holds the thread (SPEC: one writer per thread). `holder` names it.
 * @example
 * try { await createThread({ resume: { threadId } }); } catch (e) { if (e instanceof ThreadBusyError) console.log(e.holder); }
 */
export class ThreadBusyError extends PersistenceError {
  readonly threadId: string;
  readonly holder: string;
  constructor(threadId: string, holder: string, options?: { cause?: unknown }) {
    super('thread_busy', 'host', `thread ${threadId} is held by another writer (${holder})`, options);
    this.threadId = threadId;
    this.holder = holder;
  }
}

/**
 * A writer's lease on a thread was taken over (or expired) and a write was refused (fencing).
 * @example
 * new LeaseLostError('t1', 'worker-2').code; // 'lease_lost'
 */
export class LeaseLostError extends PersistenceError {
  readonly threadId: string;
  readonly holder: string;
  constructor(threadId: string, holder: string) {
    super('lease_lost', 'engine', `the write lease of thread ${threadId} was lost; it is now held by ${holder}`);
    this.threadId = threadId;
    this.holder = holder;
  }
}

/**
 * A list cursor that this store did not hand out (or that is corrupt).
 * @example
 * new InvalidCursorError('zzz').code; // 'invalid_cursor'
 */
export class InvalidCursorError extends PersistenceError {
  readonly cursor: string;
  constructor(cursor: string) {
    super('invalid_cursor', 'host', `invalid thread list cursor ${JSON.stringify(cursor)}`);
    this.cursor = cursor;
  }
}

/**
 * A store operation was given lines it cannot accept (e.g. `create` without `session_meta` first).
 * @example
 * new InvalidRolloutLinesError('first line must be session_meta').code; // 'invalid_rollout_lines'
 */
export class InvalidRolloutLinesError extends PersistenceError {
  constructor(message: string) {
    super('invalid_rollout_lines', 'engine', message);
  }
}

/**
 * Writing the rollout failed; the recorder keeps the items and retries on the next save.
 * @example
 * new RolloutWriteError('t1', new Error('ENOSPC')).code; // 'rollout_write_failed'
 */
export class RolloutWriteError extends PersistenceError {
  readonly threadId: string;
  constructor(threadId: string, cause: unknown) {
    super('rollout_write_failed', 'engine', `could not write the rollout of thread ${threadId}: ${errorMessage(cause)}`, { cause });
    this.threadId = threadId;
  }
}

/**
 * The recorder was used after `shutdown()`.
 * @example
 * new RecorderClosedError('t1').code; // 'recorder_closed'
 */
export class RecorderClosedError extends PersistenceError {
  constructor(threadId: string) {
    super('recorder_closed', 'engine', `the rollout recorder of thread ${threadId} has shut down`);
  }
}

/**
 * The message-history lock could not be taken in time.
 * @example
 * new LockTimeoutError('/home/u/.turnstate/history.jsonl.lock', 5000).code; // 'lock_timeout'
 */
export class LockTimeoutError extends PersistenceError {
  readonly lockPath: string;
  constructor(lockPath: string, waitedMs: number) {
    super('lock_timeout', 'engine', `could not take the lock ${lockPath} within ${waitedMs} ms`);
    this.lockPath = lockPath;
  }
}

/**
 * A readable message for any thrown value.
 * @example
 * errorMessage(new Error('boom')); // 'boom'
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A stored goal file could not be read back as a thread goal (not JSON, or not a goal).
 * @example
 * new GoalFileInvalidError('/home/u/.turnstate/sessions/…/rollout-…-t1.goal.json', 'not JSON').code; // 'goal_file_invalid'
 */
export class GoalFileInvalidError extends PersistenceError {
  readonly path: string;
  constructor(path: string, reason: string, options?: { cause?: unknown }) {
    super('goal_file_invalid', 'engine', `the goal file ${path} is not a valid thread goal: ${reason}`, options);
    this.path = path;
  }
}

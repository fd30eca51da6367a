/**
 * `ThreadStore`: where rollouts live. The JSONL file store is the default; the in-memory store
 * serves tests and ephemeral hosts; a database-backed store can implement the same interface.
 * Contract (checked by `runThreadStoreConformance`): one writer per thread; `append`ed lines
 * come back from `read` in order; `flush` resolves only when everything appended before it is
 * durable; `list` is newest first (creation time, then thread id) with an opaque cursor that
 * stays valid when newer threads are created between pages.
 */
import { InvalidCursorError, InvalidRolloutLinesError } from './errors.js';
import type { ThreadGoal } from '../protocol/goal.js';
import type { LoadedRollout } from './rollout-codec.js';
import type { RolloutLine, SessionMeta } from './rollout-schema.js';

/**
 * A stored thread, by id or by the path `findPath`/`pathFor` reported.
 * @example
 * await store.read({ threadId }); await store.read({ path });
 */
export type ThreadRef = { threadId: string } | { path: string };

/**
 * A rollout read back from a store.
 * @example
 * const { items, skipped, path, archived }: StoredRollout = await store.read(threadId);
 */
export interface StoredRollout extends LoadedRollout {
  path: string;
  archived: boolean;
}

/**
 * Options of `ThreadStore.list`.
 * @example
 * await store.list({ pageSize: 20, cursor: previous.nextCursor });
 */
export interface ListThreadsOptions {
  /** Threads per page (default 25, clamped to 1…1000). */
  pageSize?: number;
  /** `nextCursor` of the previous page; absent for the first page. */
  cursor?: string | null;
  /** List archived threads instead of active ones. */
  archived?: boolean;
}

/**
 * One thread in a listing. `createdAt` is an ISO-8601 UTC time.
 * @example
 * page.threads.map((t: ThreadListEntry) => t.threadId);
 */
export interface ThreadListEntry {
  threadId: string;
  path: string;
  createdAt: string;
  archived: boolean;
}

/**
 * A page of threads; `nextCursor` is `null` on the last page.
 * @example
 * const { threads, nextCursor }: ThreadPage = await store.list();
 */
export interface ThreadPage {
  threads: ThreadListEntry[];
  nextCursor: string | null;
}

/**
 * A writer's exclusive hold on one thread: a lock file in the file store, a lease row with a
 * fencing token in a database store. While a lease is held, no other `acquire` of the same
 * thread (in this process or another) succeeds; the store refuses appends it makes after the
 * lease was lost.
 * @example
 * const lease = await store.acquire(threadId);
 * try { await store.append(threadId, lines); } finally { await lease.release(); }
 */
export interface ThreadLease {
  readonly threadId: string;
  /** Who holds it, e.g. `host:pid:token`, or the `holder` given to `acquire`. */
  readonly holder: string;
  /** Grows with every takeover; stores with fencing refuse appends of an older token (file store: 0). */
  readonly fencingToken: number;
  /** Gives the thread up (idempotent). */
  release(): Promise<void>;
}

/**
 * Options of `ThreadStore.acquire`.
 * @example
 * await store.acquire(threadId, { waitMs: 2_000, holder: 'worker-3' });
 */
export interface AcquireOptions {
  /** Name of the holder recorded with the lease (default: host, pid and a random token). */
  holder?: string;
  /** Wait up to this long for a live holder to let go before throwing (default 0: fail at once). */
  waitMs?: number;
}

/**
 * Storage of thread rollouts.
 * @example
 * const store: ThreadStore = new JsonlThreadStore({ home: '/tmp/ts-home' });
 * await store.create([metaLine]);
 * await store.append(threadId, [line]);
 * await store.flush(threadId);
 */
export interface ThreadStore {
  /** Where a thread with this meta is (or will be) stored. Pure: no I/O. */
  pathFor(meta: SessionMeta): string;
  /** Creates a thread atomically from its first lines (`session_meta` first); returns its path. */
  create(lines: readonly RolloutLine[]): Promise<string>;
  /** Appends lines, in order, to an existing thread. */
  append(threadId: string, lines: readonly RolloutLine[]): Promise<void>;
  /** Durability barrier: resolves once every line appended before the call is durable. */
  flush(threadId: string): Promise<void>;
  /**
   * Optional: releases what the store keeps open for writing the thread (e.g. a file handle),
   * making its lines durable first. A later `append` reopens. Called when the recorder shuts down.
   */
  closeWriter?(threadId: string): Promise<void>;
  /** Reads a thread by id or path; a plain string is a path when it contains `/` or `\`, else an id. */
  read(ref: string | ThreadRef): Promise<StoredRollout>;
  /** Threads newest first, a page at a time. */
  list(options?: ListThreadsOptions): Promise<ThreadPage>;
  /** Moves a thread out of the active listing (idempotent for archived threads). */
  archive(threadId: string): Promise<void>;
  /** Removes a thread (active or archived) for good. */
  delete(threadId: string): Promise<void>;
  /** The path of a thread (active first, then archived), or `null` when it is not stored. */
  findPath(threadId: string): Promise<string | null>;
  /**
   * Takes the single-writer hold on a thread (stored or about to be created). Throws
   * `ThreadBusyError` (naming the holder) when another live writer holds it; a hold left by a
   * dead writer (killed process, expired lease) is taken over.
   */
  acquire(threadId: string, options?: AcquireOptions): Promise<ThreadLease>;
  /**
   * The thread's stored goal (SPEC §7.1: id, objective, status, budget, usage, times), or
   * `null` when it has none or the thread is not stored. Archiving keeps it; deleting removes it.
   */
  readGoal(threadId: string): Promise<ThreadGoal | null>;
  /**
   * Stores (or with `null` removes) the thread's goal; atomic: a reader sees the old or the new
   * goal. Throws `ThreadNotFoundError` when the thread is not stored (its rollout comes first).
   */
  writeGoal(threadId: string, goal: ThreadGoal | null): Promise<void>;
}

/**
 * Default page size of `list`.
 * @example
 * clampPageSize(undefined) === DEFAULT_PAGE_SIZE; // true
 */
export const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 1000;

/**
 * Normalises a `read` argument.
 * @example
 * toThreadRef('0193-abc'); // { threadId: '0193-abc' }
 * toThreadRef('/tmp/rollout.jsonl'); // { path: '/tmp/rollout.jsonl' }
 */
export function toThreadRef(ref: string | ThreadRef): ThreadRef {
  if (typeof ref !== 'string') return ref;
  return /[/\\]/.test(ref) ? { path: ref } : { threadId: ref };
}

/**
 * The page size to use for a request.
 * @example
 * clampPageSize(undefined); // 25
 */
export function clampPageSize(pageSize: number | undefined): number {
  if (pageSize === undefined || !Number.isFinite(pageSize)) return DEFAULT_PAGE_SIZE;
  return Math.min(Math.max(Math.floor(pageSize), 1), MAX_PAGE_SIZE);
}

/**
 * The sort key of a listed thread: a store-specific time key, then the thread id.
 * @example
 * const key: ListKey = { time: '2026-04-25T10-00-00', threadId };
 */
export interface ListKey {
  time: string;
  threadId: string;
}

/**
 * Orders keys newest first (time descending, then thread id descending).
 * @example
 * [a, b].sort(compareNewestFirst);
 */
export function compareNewestFirst(a: ListKey, b: ListKey): number {
  if (a.time !== b.time) return a.time < b.time ? 1 : -1;
  if (a.threadId !== b.threadId) return a.threadId < b.threadId ? 1 : -1;
  return 0;
}

/**
 * Encodes the key of the last thread of a page as an opaque cursor.
 * @example
 * decodeCursor(encodeCursor({ time: 't', threadId: 'id' })); // { time: 't', threadId: 'id' }
 */
export function encodeCursor(key: ListKey): string {
  return Buffer.from(JSON.stringify([key.time, key.threadId]), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by `encodeCursor`; throws `InvalidCursorError` otherwise.
 * @example
 * decodeCursor('bad'); // throws InvalidCursorError
 */
export function decodeCursor(cursor: string): ListKey {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') {
      return { time: parsed[0], threadId: parsed[1] };
    }
  } catch {
    // fall through to the typed error
  }
  throw new InvalidCursorError(cursor);
}

/**
 * Takes one page from keys already sorted newest first.
 * @example
 * pageAfter(sortedEntries, { pageSize: 10, cursor: null });
 */
export function pageAfter<T extends ListKey>(sorted: readonly T[], pageSize: number, cursor: ListKey | null): { page: T[]; next: ListKey | null } {
  const start = cursor === null ? 0 : sorted.findIndex((entry) => compareNewestFirst(entry, cursor) > 0);
  if (start < 0) return { page: [], next: null };
  const page = sorted.slice(start, start + pageSize);
  const last = page[page.length - 1];
  const more = start + pageSize < sorted.length;
  return { page, next: more && last !== undefined ? { time: last.time, threadId: last.threadId } : null };
}

/**
 * Extracts the `session_meta` of the first line, as `create` requires.
 * @example
 * firstSessionMeta([metaLine]).id;
 */
export function firstSessionMeta(lines: readonly RolloutLine[]): SessionMeta {
  const first = lines[0];
  if (first?.type !== 'session_meta') throw new InvalidRolloutLinesError('the first line of a new thread must be session_meta');
  return first.payload;
}

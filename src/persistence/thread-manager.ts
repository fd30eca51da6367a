/**
 * Host-facing thread management over any `ThreadStore`: a paged, newest-first listing with
 * summaries (first user message preview, model), reading one summary, archiving, deleting.
 * A listed thread whose rollout cannot be read is reported in `unreadable`, never dropped
 * silently, and never fails the whole page.
 */
import { errorMessage } from './errors.js';
import type { StoredRollout, ThreadRef, ThreadStore } from './store.js';
import { spawnEdge, type SpawnEdge } from './spawn-edge.js';

/**
 * Longest preview kept, in characters.
 * @example
 * summary.preview === null || summary.preview.length <= PREVIEW_MAX_CHARS; // true
 */
export const PREVIEW_MAX_CHARS = 200;

/**
 * What a thread list shows about one thread.
 * @example
 * const { preview, model }: ThreadSummary = await readThreadSummary(store, threadId);
 */
export interface ThreadSummary {
  threadId: string;
  path: string;
  /** Creation time from `session_meta` (ISO-8601). */
  createdAt: string;
  /** The first user message, cut to `PREVIEW_MAX_CHARS`; `null` when the user never wrote. */
  preview: string | null;
  /** Model of the newest `turn_context`; `null` before the first turn. */
  model: string | null;
  forkedFromId: string | null;
  /** For a spawned sub-agent: the thread that spawned it and its depth (from `session_meta.source`); else null. */
  spawnedBy: SpawnEdge | null;
  cwd: string;
  archived: boolean;
  /** Lines the reader had to skip. */
  skippedLines: number;
}

/**
 * A listed thread that could not be read.
 * @example
 * // { threadId, path, code: 'rollout_empty', message: 'rollout … is empty' }
 */
export interface UnreadableThread {
  threadId: string;
  path: string;
  code: string;
  message: string;
}

/**
 * A page of `listThreads`.
 * @example
 * const { threads, unreadable, nextCursor }: ThreadSummaryPage = await listThreads(store);
 */
export interface ThreadSummaryPage {
  threads: ThreadSummary[];
  unreadable: UnreadableThread[];
  nextCursor: string | null;
}

const cut = (text: string): string => (text.length <= PREVIEW_MAX_CHARS ? text : `${text.slice(0, PREVIEW_MAX_CHARS - 1)}…`);

/**
 * Summarises a rollout that was read back.
 * @example
 * summarizeRollout(await store.read({ threadId })).preview; // 'fix the build'
 */
export function summarizeRollout(rollout: StoredRollout): ThreadSummary {
  let preview: string | null = null;
  let model: string | null = null;
  for (const item of rollout.items) {
    if (preview === null && item.type === 'event_msg' && item.payload.type === 'user_message') preview = cut(item.payload.message);
    if (item.type === 'turn_context') model = item.payload.model;
  }
  return {
    threadId: rollout.threadId,
    path: rollout.path,
    createdAt: rollout.meta.timestamp,
    preview,
    model,
    forkedFromId: rollout.meta.forked_from_id ?? null,
    spawnedBy: spawnEdge(rollout.meta.source),
    cwd: rollout.meta.cwd,
    archived: rollout.archived,
    skippedLines: rollout.skipped.length,
  };
}

/**
 * Lists threads newest first with summaries; pass `nextCursor` back for the next page.
 * @example
 * let page = await listThreads(store, { pageSize: 20 });
 * while (page.nextCursor) page = await listThreads(store, { pageSize: 20, cursor: page.nextCursor });
 */
export async function listThreads(
  store: ThreadStore,
  options: { pageSize?: number; cursor?: string | null; archived?: boolean } = {},
): Promise<ThreadSummaryPage> {
  const page = await store.list(options);
  const results = await Promise.allSettled(page.threads.map((entry) => store.read({ path: entry.path })));
  const threads: ThreadSummary[] = [];
  const unreadable: UnreadableThread[] = [];
  results.forEach((result, index) => {
    const entry = page.threads[index];
    if (entry === undefined) return;
    if (result.status === 'fulfilled') {
      threads.push({ ...summarizeRollout(result.value), archived: entry.archived });
      return;
    }
    const reason: unknown = result.reason;
    const code = typeof reason === 'object' && reason !== null && 'code' in reason ? String(reason.code) : 'unknown';
    unreadable.push({ threadId: entry.threadId, path: entry.path, code, message: errorMessage(reason) });
  });
  return { threads, unreadable, nextCursor: page.nextCursor };
}

/**
 * Reads one thread's summary by id or path.
 * @example
 * (await readThreadSummary(store, { threadId })).model; // 'gpt-5'
 */
export async function readThreadSummary(store: ThreadStore, ref: string | ThreadRef): Promise<ThreadSummary> {
  return summarizeRollout(await store.read(ref));
}

/**
 * Archives a thread: it leaves the active listing but can still be read.
 * @example
 * await archiveThread(store, threadId);
 */
export async function archiveThread(store: ThreadStore, threadId: string): Promise<void> {
  await store.archive(threadId);
}

/**
 * Deletes a thread for good.
 * @example
 * await deleteThread(store, threadId);
 */
export async function deleteThread(store: ThreadStore, threadId: string): Promise<void> {
  await store.delete(threadId);
}

/**
 * A `ThreadStore` in process memory, for tests and hosts that need no durability. Lines are
 * kept serialised, so reading goes through the same parser as the file store and a round trip
 * has the same fidelity. Paths are `memory://<thread id>`.
 */
import type { ThreadGoal } from '../protocol/goal.js';
import { InvalidRolloutLinesError, ThreadBusyError, ThreadExistsError, ThreadNotFoundError } from './errors.js';
import { loadRollout, serializeRolloutLine } from './rollout-codec.js';
import type { RolloutLine, SessionMeta } from './rollout-schema.js';
import { clampPageSize, compareNewestFirst, decodeCursor, encodeCursor, firstSessionMeta, pageAfter, toThreadRef } from './store.js';
import type { AcquireOptions, ListThreadsOptions, StoredRollout, ThreadLease, ThreadPage, ThreadRef, ThreadStore } from './store.js';

const SCHEME = 'memory://';

interface MemoryThread {
  threadId: string;
  createdAt: string;
  lines: string[];
  archived: boolean;
}

/**
 * Stores rollouts in a `Map`.
 * @example
 * const store = new InMemoryThreadStore();
 * await store.create([metaLine]);
 * (await store.read({ threadId: metaLine.payload.id })).items.length; // 1
 */
export class InMemoryThreadStore implements ThreadStore {
  readonly #threads = new Map<string, MemoryThread>();
  /** Held leases by thread id (this store is one process, so a lease dies only by `release`). */
  readonly #leases = new Map<string, { holder: string; token: number }>();
  readonly #goals = new Map<string, ThreadGoal>();
  #lastToken = 0;

  pathFor(meta: SessionMeta): string {
    return `${SCHEME}${meta.id}`;
  }

  async create(lines: readonly RolloutLine[]): Promise<string> {
    const meta = firstSessionMeta(lines);
    const created = new Date(meta.timestamp);
    if (Number.isNaN(created.getTime())) throw new InvalidRolloutLinesError(`thread ${meta.id} has an invalid creation time`);
    if (this.#threads.has(meta.id)) throw new ThreadExistsError(meta.id);
    this.#threads.set(meta.id, {
      threadId: meta.id,
      createdAt: created.toISOString(),
      lines: lines.map(serializeRolloutLine),
      archived: false,
    });
    return this.pathFor(meta);
  }

  async append(threadId: string, lines: readonly RolloutLine[]): Promise<void> {
    this.#require(threadId).lines.push(...lines.map(serializeRolloutLine));
  }

  async flush(threadId: string): Promise<void> {
    this.#require(threadId);
  }

  async read(ref: string | ThreadRef): Promise<StoredRollout> {
    const target = toThreadRef(ref);
    const threadId = 'threadId' in target ? target.threadId : target.path.startsWith(SCHEME) ? target.path.slice(SCHEME.length) : null;
    const thread = threadId === null ? undefined : this.#threads.get(threadId);
    if (thread === undefined) throw new ThreadNotFoundError('path' in target ? target.path : (threadId ?? ''));
    const path = `${SCHEME}${thread.threadId}`;
    return { ...loadRollout(thread.lines.join(''), path), path, archived: thread.archived };
  }

  async list(options: ListThreadsOptions = {}): Promise<ThreadPage> {
    const pageSize = clampPageSize(options.pageSize);
    const cursor = options.cursor ? decodeCursor(options.cursor) : null;
    const archived = options.archived === true;
    const sorted = [...this.#threads.values()]
      .filter((thread) => thread.archived === archived)
      .map((thread) => ({ time: thread.createdAt, threadId: thread.threadId }))
      .sort(compareNewestFirst);
    const { page, next } = pageAfter(sorted, pageSize, cursor);
    return {
      threads: page.map((key) => ({ threadId: key.threadId, path: `${SCHEME}${key.threadId}`, createdAt: key.time, archived })),
      nextCursor: next === null ? null : encodeCursor(next),
    };
  }

  async archive(threadId: string): Promise<void> {
    this.#require(threadId).archived = true;
  }

  async delete(threadId: string): Promise<void> {
    this.#require(threadId);
    this.#threads.delete(threadId);
    this.#goals.delete(threadId);
  }

  async findPath(threadId: string): Promise<string | null> {
    return this.#threads.has(threadId) ? `${SCHEME}${threadId}` : null;
  }

  async acquire(threadId: string, options: AcquireOptions = {}): Promise<ThreadLease> {
    const held = this.#leases.get(threadId);
    if (held !== undefined) throw new ThreadBusyError(threadId, held.holder);
    const lease = { holder: options.holder ?? `memory:${this.#lastToken + 1}`, token: ++this.#lastToken };
    this.#leases.set(threadId, lease);
    return {
      threadId,
      holder: lease.holder,
      fencingToken: lease.token,
      release: async () => {
        if (this.#leases.get(threadId) === lease) this.#leases.delete(threadId);
      },
    };
  }

  async readGoal(threadId: string): Promise<ThreadGoal | null> {
    const goal = this.#goals.get(threadId);
    return goal === undefined ? null : structuredClone(goal);
  }

  async writeGoal(threadId: string, goal: ThreadGoal | null): Promise<void> {
    this.#require(threadId);
    if (goal === null) this.#goals.delete(threadId);
    else this.#goals.set(threadId, structuredClone(goal));
  }

  #require(threadId: string): MemoryThread {
    const thread = this.#threads.get(threadId);
    if (thread === undefined) throw new ThreadNotFoundError(threadId);
    return thread;
  }
}

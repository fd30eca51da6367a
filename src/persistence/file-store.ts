/**
 * The default `ThreadStore`: one JSONL rollout file per thread under the turnstate home.
 * Invariants: a rollout file appears atomically (written to a hidden temporary file, fsynced,
 * then hard-linked into place, which also refuses to overwrite); an append is one write of
 * whole lines, and a failed append is truncated back so no half line stays behind; operations
 * on one thread run one at a time, in call order.
 */
import { link, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { ThreadGoal } from '../protocol/goal.js';
import { LeaseLostError, ThreadExistsError, ThreadNotFoundError } from './errors.js';
import { isErrno, KeyedQueue, sortedEntries, syncDirectory, writeAll } from './fs-utils.js';
import { goalPathFor, moveGoalFile, readGoalFile, writeGoalFile } from './goal-file.js';
import { ARCHIVED_SESSIONS_DIR, localTimeKeyToDate, parseRolloutFileName, resolveTurnstateHome, rolloutRelativePath, SESSIONS_DIR } from './paths.js';
import { loadRollout, serializeRolloutLines } from './rollout-codec.js';
import { RolloutWriters, type RolloutDurability } from './rollout-writer.js';
import { acquireThreadLock, DEFAULT_LOCK_STALE_MS, THREAD_LOCKS_DIR } from './thread-lock.js';
import type { RolloutLine, SessionMeta } from './rollout-schema.js';
import type { AcquireOptions, ThreadLease } from './store.js';
import { clampPageSize, compareNewestFirst, decodeCursor, encodeCursor, firstSessionMeta, pageAfter, toThreadRef } from './store.js';
import type { ListKey, ListThreadsOptions, StoredRollout, ThreadListEntry, ThreadPage, ThreadRef, ThreadStore } from './store.js';

/**
 * Options of `JsonlThreadStore`.
 * @example
 * new JsonlThreadStore({ home: process.env.TURNSTATE_HOME });
 */
export interface JsonlThreadStoreOptions {
  /** The turnstate home (default: `TURNSTATE_HOME`, else `~/.turnstate`). */
  home?: string;
  /**
   * A thread lock not refreshed for this long (ms) is taken over, e.g. after its holder was
   * killed (default 10 000, at least 2 000; the holder refreshes it every `lockStaleMs / 2`).
   */
  lockStaleMs?: number;
  /**
   * When appended lines are fsynced: only when the rollout's handle closes (`'close'`, the
   * default, as Codex does: appended lines still reach the OS at once) or also at every
   * `flush` (`'flush'`: once per turn, survives a power loss). See `RolloutDurability`.
   */
  durability?: RolloutDurability;
}

type FileEntry = ListKey & { path: string };

/**
 * Rollouts as JSONL files under `<home>/sessions/YYYY/MM/DD/`, archived ones under
 * `<home>/archived_sessions/`.
 * @example
 * const store = new JsonlThreadStore({ home: '/tmp/turnstate-home' });
 * const page = await store.list({ pageSize: 10 });
 */
export class JsonlThreadStore implements ThreadStore {
  readonly home: string;
  readonly sessionsDir: string;
  readonly archivedDir: string;
  readonly #paths = new Map<string, string>();
  readonly #queue = new KeyedQueue();
  /** Leases this store holds, by thread id; `lost` once another writer took the lock over. */
  readonly #leases = new Map<string, { lost: boolean }>();
  readonly #lockStaleMs: number;
  /** Long-lived append handles, one per rollout written by this store. */
  readonly #writers = new RolloutWriters();
  readonly durability: RolloutDurability;

  constructor(options: JsonlThreadStoreOptions = {}) {
    this.#lockStaleMs = options.lockStaleMs ?? DEFAULT_LOCK_STALE_MS;
    this.durability = options.durability ?? 'close';
    this.home = options.home ?? resolveTurnstateHome();
    this.sessionsDir = join(this.home, SESSIONS_DIR);
    this.archivedDir = join(this.home, ARCHIVED_SESSIONS_DIR);
  }

  pathFor(meta: SessionMeta): string {
    return join(this.home, rolloutRelativePath(meta.id, new Date(meta.timestamp)));
  }

  async create(lines: readonly RolloutLine[]): Promise<string> {
    const meta = firstSessionMeta(lines);
    const path = this.pathFor(meta);
    return this.#queue.run(meta.id, async () => {
      this.#checkLease(meta.id);
      if (this.#paths.has(meta.id) && (await exists(this.#paths.get(meta.id) ?? ''))) throw new ThreadExistsError(meta.id);
      const dir = dirname(path);
      await mkdir(dir, { recursive: true });
      const temp = join(dir, `.${basename(path)}.${process.pid}.${randomUUID()}.tmp`);
      try {
        const handle = await open(temp, 'wx', 0o600);
        try {
          await writeAll(handle, Buffer.from(serializeRolloutLines(lines), 'utf8'));
          await handle.sync();
        } finally {
          await handle.close();
        }
        await placeWithoutOverwrite(temp, path, meta.id);
      } finally {
        // Once linked, the thread exists; a leftover temporary name must not fail the create.
        await rm(temp, { force: true }).catch(() => undefined);
      }
      await syncDirectory(dir);
      this.#paths.set(meta.id, path);
      return path;
    });
  }

  append(threadId: string, lines: readonly RolloutLine[]): Promise<void> {
    return this.#queue.run(threadId, async () => {
      this.#checkLease(threadId);
      const path = this.#paths.get(threadId) ?? (await this.#requirePath(threadId));
      if (lines.length === 0) return;
      try {
        await this.#writers.append(threadId, path, serializeRolloutLines(lines));
      } catch (error) {
        if (!isErrno(error, 'ENOENT')) throw error;
        this.#paths.delete(threadId);
        // Moved (e.g. archived by another store): look it up again, once.
        const found = await this.findPath(threadId);
        if (found === null) throw new ThreadNotFoundError(threadId, { cause: error });
        await this.#writers.append(threadId, found, serializeRolloutLines(lines));
      }
    });
  }

  /** Durability barrier: fsyncs the rollout (with `durability: 'close'`, only checks it exists). */
  flush(threadId: string): Promise<void> {
    return this.#queue.run(threadId, async () => {
      if (this.durability === 'close') {
        // Lines written through an open handle are already with the operating system.
        if (!this.#writers.has(threadId)) await this.#requirePath(threadId);
        return;
      }
      if (this.#writers.has(threadId)) {
        await this.#writers.sync(threadId);
        return;
      }
      const path = await this.#requirePath(threadId);
      const handle = await this.#openExisting(threadId, path);
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    });
  }

  /**
   * Closes the thread's append handle, fsyncing what it wrote (any durability). The next
   * append reopens it. Called by the recorder's shutdown and the lease's release.
   */
  closeWriter(threadId: string): Promise<void> {
    return this.#queue.run(threadId, () => this.#writers.close(threadId, true));
  }

  read(ref: string | ThreadRef): Promise<StoredRollout> {
    const target = toThreadRef(ref);
    if ('path' in target) return this.#readPath(target.path, target.path);
    // Reading by id waits for pending appends to that thread, so it never sees half a batch.
    return this.#queue.run(target.threadId, async () => this.#readPath(await this.#requirePath(target.threadId), target.threadId));
  }

  async #readPath(path: string, ref: string): Promise<StoredRollout> {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (isErrno(error, 'ENOENT', 'ENOTDIR', 'EISDIR')) throw new ThreadNotFoundError(ref, { cause: error });
      throw error;
    }
    const loaded = loadRollout(text, path);
    if (!this.#paths.has(loaded.threadId)) this.#paths.set(loaded.threadId, path);
    return { ...loaded, path, archived: dirname(path) === this.archivedDir };
  }

  async list(options: ListThreadsOptions = {}): Promise<ThreadPage> {
    const pageSize = clampPageSize(options.pageSize);
    const cursor = options.cursor ? decodeCursor(options.cursor) : null;
    const archived = options.archived === true;
    const candidates = archived ? await this.#archivedEntries() : await this.#activeEntries(cursor, pageSize + 1);
    const { page, next } = pageAfter(candidates, pageSize, cursor);
    const threads: ThreadListEntry[] = page.map((entry) => ({
      threadId: entry.threadId,
      path: entry.path,
      createdAt: localTimeKeyToDate(entry.time).toISOString(),
      archived,
    }));
    return { threads, nextCursor: next === null ? null : encodeCursor(next) };
  }

  archive(threadId: string): Promise<void> {
    return this.#queue.run(threadId, async () => {
      const path = await this.#requirePath(threadId);
      if (dirname(path) === this.archivedDir) return;
      await this.#writers.close(threadId, true);
      await mkdir(this.archivedDir, { recursive: true });
      // The goal moves first: a crash in between leaves it where `readGoal` still looks.
      await moveGoalFile(path, this.archivedDir);
      const target = join(this.archivedDir, basename(path));
      await rename(path, target);
      await syncDirectory(this.archivedDir);
      this.#paths.set(threadId, target);
    });
  }

  delete(threadId: string): Promise<void> {
    return this.#queue.run(threadId, async () => {
      const path = await this.#requirePath(threadId);
      await this.#writers.close(threadId, false);
      await rm(goalPathFor(path), { force: true });
      await rm(join(this.archivedDir, basename(goalPathFor(path))), { force: true });
      await rm(path);
      this.#paths.delete(threadId);
      await syncDirectory(dirname(path));
    });
  }

  async findPath(threadId: string): Promise<string | null> {
    const cached = this.#paths.get(threadId);
    if (cached !== undefined && (await exists(cached))) return cached;
    this.#paths.delete(threadId);
    const found = (await this.#searchActive(threadId)) ?? (await this.#searchArchived(threadId));
    if (found !== null) this.#paths.set(threadId, found);
    return found;
  }

  /**
   * Takes the thread's lock (`<home>/locks/threads/<threadId>.lock`, via `proper-lockfile`).
   * Throws `ThreadBusyError` naming the holder while another live writer holds it; a lock
   * not refreshed for `lockStaleMs` (its holder was killed) is taken over. Once the lock is
   * lost to another writer, `create` and `append` of the thread throw `LeaseLostError`.
   */
  async acquire(threadId: string, options: AcquireOptions = {}): Promise<ThreadLease> {
    const state = { lost: false };
    const lease = await acquireThreadLock(join(this.home, THREAD_LOCKS_DIR), threadId, options, this.#lockStaleMs, () => {
      state.lost = true;
    });
    this.#leases.set(threadId, state);
    return {
      ...lease,
      release: async () => {
        if (this.#leases.get(threadId) === state) this.#leases.delete(threadId);
        await this.closeWriter(threadId);
        await lease.release();
      },
    };
  }

  #checkLease(threadId: string): void {
    if (this.#leases.get(threadId)?.lost) throw new LeaseLostError(threadId, 'another writer');
  }

  /** Reads `<rollout>.goal.json` (beside the rollout; after an interrupted archive, in the archive). */
  readGoal(threadId: string): Promise<ThreadGoal | null> {
    return this.#queue.run(threadId, async () => {
      const path = await this.findPath(threadId);
      if (path === null) return null;
      const goal = await readGoalFile(goalPathFor(path));
      if (goal !== null || dirname(path) === this.archivedDir) return goal;
      return readGoalFile(join(this.archivedDir, basename(goalPathFor(path))));
    });
  }

  /** Replaces `<rollout>.goal.json` atomically (`write-file-atomic`), or removes it for `null`. */
  writeGoal(threadId: string, goal: ThreadGoal | null): Promise<void> {
    return this.#queue.run(threadId, async () => {
      const path = await this.#requirePath(threadId);
      await writeGoalFile(goalPathFor(path), goal);
      // A removed goal must not reappear from a copy an interrupted archive left behind.
      if (goal === null && dirname(path) !== this.archivedDir) await rm(join(this.archivedDir, basename(goalPathFor(path))), { force: true });
    });
  }

  async #requirePath(threadId: string): Promise<string> {
    const path = await this.findPath(threadId);
    if (path === null) throw new ThreadNotFoundError(threadId);
    return path;
  }

  async #openExisting(threadId: string, path: string) {
    try {
      return await open(path, 'r+');
    } catch (error) {
      if (!isErrno(error, 'ENOENT')) throw error;
      this.#paths.delete(threadId);
      throw new ThreadNotFoundError(threadId, { cause: error });
    }
  }

  /** Active rollouts newest first, stopping once `limit` entries after the cursor are known. */
  async #activeEntries(cursor: ListKey | null, limit: number): Promise<FileEntry[]> {
    const found: FileEntry[] = [];
    for (const year of await sortedEntries(this.sessionsDir, 'desc')) {
      for (const month of await sortedEntries(join(this.sessionsDir, year), 'desc')) {
        for (const day of await sortedEntries(join(this.sessionsDir, year, month), 'desc')) {
          const dir = join(this.sessionsDir, year, month, day);
          const entries = fileEntries(dir, await sortedEntries(dir)).sort(compareNewestFirst);
          found.push(...entries.filter((entry) => cursor === null || compareNewestFirst(entry, cursor) > 0));
          if (found.length >= limit) return found;
        }
      }
    }
    return found;
  }

  async #archivedEntries(): Promise<FileEntry[]> {
    return fileEntries(this.archivedDir, await sortedEntries(this.archivedDir)).sort(compareNewestFirst);
  }

  async #searchActive(threadId: string): Promise<string | null> {
    for (const year of await sortedEntries(this.sessionsDir, 'desc')) {
      for (const month of await sortedEntries(join(this.sessionsDir, year), 'desc')) {
        for (const day of await sortedEntries(join(this.sessionsDir, year, month), 'desc')) {
          const dir = join(this.sessionsDir, year, month, day);
          const hit = fileEntries(dir, await sortedEntries(dir)).find((entry) => entry.threadId === threadId);
          if (hit !== undefined) return hit.path;
        }
      }
    }
    return null;
  }

  async #searchArchived(threadId: string): Promise<string | null> {
    const hit = (await this.#archivedEntries()).find((entry) => entry.threadId === threadId);
    return hit?.path ?? null;
  }
}

function fileEntries(dir: string, names: readonly string[]): FileEntry[] {
  const entries: FileEntry[] = [];
  for (const name of names) {
    const parsed = parseRolloutFileName(name);
    if (parsed !== null) entries.push({ ...parsed, path: join(dir, name) });
  }
  return entries;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Moves `temp` to `path`, failing with `ThreadExistsError` when `path` exists. */
async function placeWithoutOverwrite(temp: string, path: string, threadId: string): Promise<void> {
  try {
    await link(temp, path);
  } catch (error) {
    if (isErrno(error, 'EEXIST')) throw new ThreadExistsError(threadId);
    if (!isErrno(error, 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'ENOSYS')) throw error;
    // File systems without hard links: check, then rename (not atomic against a racing creator).
    if (await exists(path)) throw new ThreadExistsError(threadId);
    await rename(temp, path);
  }
}

/**
 * The open append handles of a `JsonlThreadStore`: one long-lived `O_APPEND` handle per
 * rollout, so an append is one `stat` of the path plus one `write` instead of
 * open/fstat/pread/write/close. Invariants: an append is one write of whole lines; a failed
 * append is truncated back and its handle closed, so no half line stays behind; a rollout
 * whose last line is torn (a crash mid-write) gets a newline before the next line; a handle
 * whose path now names another file (deleted, replaced, moved) or a file grown behind its
 * back is re-checked or reopened, never written blindly.
 *
 * The per-append `stat` and `write` are synchronous on purpose: a write of a few kilobytes to
 * the page cache takes microseconds, far less than two thread-pool round trips and their
 * promises; the slow part, fsync, stays asynchronous.
 */
import { constants, ftruncateSync, readSync, statSync, writeSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open } from 'node:fs/promises';

/**
 * When a `JsonlThreadStore` makes appended lines durable (fsync):
 * - `'close'` (default): when the rollout's handle closes (recorder shutdown, lease release,
 *   archive, delete). Every append is a `write` to the operating system, and the recorder
 *   writes what it recorded at least once per event-loop turn and always before a turn ends,
 *   so a killed process (SIGKILL, crash) loses no finished turn; a power loss or kernel crash
 *   can lose the turns since the last close. This is Codex's choice: its rollout recorder
 *   writes and flushes each line to the OS and never fsyncs (`codex-rs/core/src/rollout/recorder.rs`).
 * - `'flush'`: also at every `flush` — the recorder flushes at the end of each turn and
 *   before an explicit save, so a finished turn survives a power loss, for one fsync per turn
 *   (a few milliseconds on most disks, more than the rest of a turn's engine cost).
 * @example
 * new JsonlThreadStore({ durability: 'flush' });
 */
export type RolloutDurability = 'flush' | 'close';

interface OpenRollout {
  path: string;
  handle: FileHandle;
  ino: number;
  dev: number;
  /** File size after the last write through this handle. */
  size: number;
  /** Whether something was written since the last fsync. */
  dirty: boolean;
}

/**
 * Long-lived append handles by thread id. Not synchronised: the store calls it from its
 * per-thread queue, one operation at a time per thread.
 * @example
 * const writers = new RolloutWriters();
 * await writers.append('t1', '/home/u/.turnstate/sessions/…/rollout-….jsonl', 'line\n');
 * await writers.close('t1', true);
 */
export class RolloutWriters {
  readonly #open = new Map<string, OpenRollout>();
  /** Handles whose file is known to end in a newline (their last write was whole lines). */
  readonly #knownClean = new WeakSet<OpenRollout>();

  /** Appends `text` (whole lines) to the rollout at `path`; throws the open's error (e.g. `ENOENT`) as is. */
  async append(threadId: string, path: string, text: string): Promise<void> {
    const entry = this.#checked(threadId, path) ?? (await this.#reopen(threadId, path));
    const fd = entry.handle.fd;
    let data = text;
    if (entry.size > 0 && !this.#knownClean.has(entry)) {
      // A torn last line (crash mid-write, or an external append) must not swallow the first new line.
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, entry.size - 1);
      if (last[0] !== 0x0a) data = `\n${text}`;
    }
    const length = Buffer.byteLength(data, 'utf8');
    try {
      // The string goes to the kernel as is (no Buffer copy); a short write, which a regular
      // file gives only when it runs out of room, continues from a Buffer of the rest.
      const written = writeSync(fd, data);
      if (written < length) writeRest(fd, Buffer.from(data, 'utf8'), written);
    } catch (error) {
      try {
        ftruncateSync(fd, entry.size);
      } catch {
        // The write error is the one to report.
      }
      await this.close(threadId, false);
      throw error;
    }
    entry.size += length;
    entry.dirty = true;
    // What this handle wrote ends in a newline: no need to read the last byte back next time.
    this.#knownClean.add(entry);
  }

  /** Whether the thread's rollout has an open handle. */
  has(threadId: string): boolean {
    return this.#open.has(threadId);
  }

  /** Fsyncs the rollout's handle if it wrote something since the last fsync. */
  async sync(threadId: string): Promise<boolean> {
    const entry = this.#open.get(threadId);
    if (entry === undefined) return false;
    if (entry.dirty) await entry.handle.sync();
    entry.dirty = false;
    return true;
  }

  /** Closes the rollout's handle (fsyncing first when asked and something is unsynced). */
  async close(threadId: string, sync: boolean): Promise<void> {
    const entry = this.#open.get(threadId);
    if (entry === undefined) return;
    this.#open.delete(threadId);
    this.#knownClean.delete(entry);
    try {
      if (sync && entry.dirty) await entry.handle.sync();
    } finally {
      await entry.handle.close();
    }
  }

  /** Closes every handle (fsyncing when asked). */
  async closeAll(sync: boolean): Promise<void> {
    for (const threadId of [...this.#open.keys()]) await this.close(threadId, sync);
  }

  /**
   * The open handle of the rollout, if the path still names the file it has open (one `stat`);
   * null when there is none or the path now names another file (or none).
   */
  #checked(threadId: string, path: string): OpenRollout | null {
    const current = this.#open.get(threadId);
    if (current === undefined || current.path !== path) return null;
    const now = statSync(path, { throwIfNoEntry: false });
    if (now === undefined || now.ino !== current.ino || now.dev !== current.dev) return null;
    // Grown behind our back (an external append): the last byte must be checked again.
    if (now.size !== current.size) {
      current.size = now.size;
      this.#knownClean.delete(current);
    }
    return current;
  }

  /** Closes the thread's handle, if any (fsyncing it), and opens the file now at `path`. */
  async #reopen(threadId: string, path: string): Promise<OpenRollout> {
    await this.close(threadId, true);
    const handle = await open(path, constants.O_RDWR | constants.O_APPEND);
    try {
      const info = await handle.stat();
      const entry: OpenRollout = { path, handle, ino: info.ino, dev: info.dev, size: info.size, dirty: false };
      this.#open.set(threadId, entry);
      return entry;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }
}

/** Writes `bytes` from `offset` to the end, however many writes it takes. */
function writeRest(fd: number, bytes: Buffer, offset: number): void {
  for (let at = offset; at < bytes.length; ) {
    const written = writeSync(fd, bytes, at, bytes.length - at);
    if (written <= 0) throw new Error('write made no progress');
    at += written;
  }
}

/**
 * Small file-system helpers shared by the file store and the message history: whole-buffer
 * writes, best-effort directory fsync, sorted directory listings, errno checks, and a
 * per-key promise queue that runs operations on one key strictly one after another.
 */
import type { FileHandle } from 'node:fs/promises';
import { open, readdir } from 'node:fs/promises';

/**
 * Whether an error is a Node system error with one of these codes.
 * @example
 * isErrno(error, 'ENOENT');
 */
export function isErrno(error: unknown, ...codes: string[]): boolean {
  return typeof error === 'object' && error !== null && codes.includes(String((error as { code?: unknown }).code));
}

/**
 * Writes a whole buffer at the handle's position (the end, for handles opened to append),
 * looping over short writes.
 * @example
 * await writeAll(handle, Buffer.from('line\n'));
 */
export async function writeAll(handle: FileHandle, data: Buffer): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, null);
    if (bytesWritten <= 0) throw new Error('write made no progress');
    offset += bytesWritten;
  }
}

/**
 * Makes a directory entry change (create, rename, link) durable. Best effort: file systems
 * that refuse to fsync a directory are ignored.
 * @example
 * await syncDirectory('/home/u/.turnstate/sessions/2026/04/25');
 */
export async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Not every platform or file system supports fsync on a directory.
  }
}

/**
 * Names in a directory, sorted (descending when asked); `[]` when it does not exist.
 * @example
 * await sortedEntries('/home/u/.turnstate/sessions', 'desc'); // ['2026', '2025']
 */
export async function sortedEntries(dir: string, order: 'asc' | 'desc' = 'asc'): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT', 'ENOTDIR')) return [];
    throw error;
  }
  names.sort();
  return order === 'desc' ? names.reverse() : names;
}

/**
 * Runs async operations one at a time per key, in call order; different keys run concurrently.
 * @example
 * const queue = new KeyedQueue();
 * await queue.run('thread-1', () => appendLines());
 */
export class KeyedQueue {
  readonly #tails = new Map<string, Promise<void>>();

  run<T>(key: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const result = previous.then(operation);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, tail);
    void tail.then(() => {
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return result;
  }
}

/**
 * The cross-session message history behind `add_to_history` / `get_history_entry_request`:
 * `history.jsonl` under the home, one `{session_id, ts, text}` object per line. Safe for
 * several processes appending at once: each append holds an exclusive lock file and is a
 * single write of one whole line to a file opened for appending. An entry is addressed by
 * the file's identity (`logId`, its inode) and its 0-based line offset, so a lookup against a
 * file that was replaced since the metadata was read finds nothing instead of a wrong entry.
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { withFileLock, type FileLockOptions } from './file-lock.js';
import { isErrno, writeAll } from './fs-utils.js';
import { MESSAGE_HISTORY_FILE, resolveTurnstateHome } from './paths.js';

/**
 * One history entry: the session it came from, Unix seconds, and the text.
 * @example
 * HistoryEntry.parse({ session_id: 't1', ts: 1767225600, text: 'fix the build' });
 */
export const HistoryEntry = z.object({ session_id: z.string(), ts: z.number().int(), text: z.string() });
export type HistoryEntry = z.infer<typeof HistoryEntry>;

/**
 * What `SessionConfigured` reports: the file identity and how many entries it holds.
 * @example
 * const { logId, entryCount } = await history.metadata(); // history_log_id, history_entry_count
 */
export interface MessageHistoryMetadata {
  logId: number;
  entryCount: number;
}

/**
 * Options of `MessageHistory`.
 * @example
 * new MessageHistory({ home: '/tmp/ts-home', lock: { timeoutMs: 2_000 } });
 */
export interface MessageHistoryOptions {
  /** The turnstate home (default: `TURNSTATE_HOME`, else `~/.turnstate`). */
  home?: string;
  /** The history file itself (default `<home>/history.jsonl`). */
  path?: string;
  lock?: FileLockOptions;
  now?: () => Date;
}

/**
 * Appends to and reads from `history.jsonl`.
 * @example
 * const history = new MessageHistory({ home: '/tmp/ts-home' });
 * await history.append(threadId, 'fix the build');
 * const { logId, entryCount } = await history.metadata();
 * await history.lookup(logId, entryCount - 1); // { session_id: threadId, ts: …, text: 'fix the build' }
 */
export class MessageHistory {
  readonly path: string;
  readonly lockPath: string;
  readonly #lock: FileLockOptions;
  readonly #now: () => Date;

  constructor(options: MessageHistoryOptions = {}) {
    this.path = options.path ?? join(options.home ?? resolveTurnstateHome(), MESSAGE_HISTORY_FILE);
    this.lockPath = `${this.path}.lock`;
    this.#lock = options.lock ?? {};
    this.#now = options.now ?? (() => new Date());
  }

  /** Appends one entry under the lock, as a single write. */
  async append(sessionId: string, text: string): Promise<void> {
    const entry: HistoryEntry = { session_id: sessionId, ts: Math.floor(this.#now().getTime() / 1000), text };
    const data = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
    await mkdir(dirname(this.path), { recursive: true });
    await withFileLock(
      this.lockPath,
      async () => {
        const handle = await open(this.path, 'a', 0o600);
        try {
          await writeAll(handle, data);
        } finally {
          await handle.close();
        }
      },
      this.#lock,
    );
  }

  /** The file identity (`0` when there is no file yet) and its entry count. */
  async metadata(): Promise<MessageHistoryMetadata> {
    const logId = await this.#logId();
    if (logId === null) return { logId: 0, entryCount: 0 };
    let entryCount = 0;
    for await (const chunk of createReadStream(this.path)) {
      const bytes = chunk as Buffer;
      for (let i = bytes.indexOf(0x0a); i !== -1; i = bytes.indexOf(0x0a, i + 1)) entryCount++;
    }
    return { logId, entryCount };
  }

  /** The entry at a 0-based offset, or `null` (other file, out of range, unreadable line). */
  async lookup(logId: number, offset: number): Promise<HistoryEntry | null> {
    if (!Number.isInteger(offset) || offset < 0 || (await this.#logId()) !== logId) return null;
    const input = createReadStream(this.path);
    const lines = createInterface({ input, crlfDelay: Infinity });
    let index = 0;
    try {
      for await (const line of lines) {
        if (index++ !== offset) continue;
        try {
          const parsed = HistoryEntry.safeParse(JSON.parse(line));
          return parsed.success ? parsed.data : null;
        } catch {
          return null;
        }
      }
    } finally {
      lines.close();
      input.destroy();
    }
    return null;
  }

  async #logId(): Promise<number | null> {
    try {
      return (await stat(this.path)).ino;
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return null;
      throw error;
    }
  }
}

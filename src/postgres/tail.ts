/**
 * Following a thread's lines from another process: every append NOTIFYs the store's channel
 * with `<thread id> <line count>`; one LISTEN connection per store wakes the tails of that
 * thread. Tails also poll, so a lost connection or a missed notification only delays them.
 */
import type { Pool, PoolClient } from 'pg';
import { ThreadNotFoundError } from '../persistence/errors.js';
import { parseRolloutLine } from '../persistence/rollout-codec.js';
import type { RolloutLine } from '../persistence/rollout-schema.js';
import { storeError } from './errors.js';
import { LINE_COLUMNS, lineText, type LineRow } from './lines.js';
import type { SchemaNames } from './migrations.js';

/**
 * One line of a tailed thread; `ordinal` is its 0-based position (0 is `session_meta`).
 * @example
 * for await (const { ordinal, line } of store.tail(threadId)) console.log(ordinal, line.type);
 */
export interface TailedLine {
  ordinal: number;
  line: RolloutLine;
}

/**
 * Options of `tail`.
 * @example
 * store.tail(threadId, 0, { signal: controller.signal, pollMs: 500 });
 */
export interface TailOptions {
  /** Ends the iteration when aborted. */
  signal?: AbortSignal;
  /** Poll interval when no notification arrives (default: the store's `tailPollMs`). */
  pollMs?: number;
}

const PAGE = 500;

/**
 * The LISTEN side: one connection shared by the tails of one store.
 * @example
 * const unsubscribe = await listener.subscribe(threadId, () => wake());
 */
export class LineListener {
  readonly #wakers = new Map<string, Set<() => void>>();
  #client: Promise<PoolClient> | null = null;

  constructor(
    private readonly ready: () => Promise<Pool>,
    private readonly names: SchemaNames,
  ) {}

  /** Calls `wake` on every append to `threadId` until the returned function is called. */
  async subscribe(threadId: string, wake: () => void): Promise<() => void> {
    const set = this.#wakers.get(threadId) ?? new Set();
    set.add(wake);
    this.#wakers.set(threadId, set);
    const unsubscribe = () => {
      set.delete(wake);
      if (set.size === 0 && this.#wakers.get(threadId) === set) this.#wakers.delete(threadId);
      if (this.#wakers.size === 0) void this.close();
    };
    try {
      await this.#connect();
    } catch {
      // No LISTEN connection: the tail still polls.
    }
    return unsubscribe;
  }

  /** Stops listening and returns the connection to the pool. */
  async close(): Promise<void> {
    const pending = this.#client;
    this.#client = null;
    if (pending === null) return;
    const client = await pending.catch(() => null);
    if (client === null) return;
    try {
      await client.query('UNLISTEN *');
      client.release();
    } catch (error) {
      client.release(error instanceof Error ? error : true);
    }
  }

  #connect(): Promise<PoolClient> {
    if (this.#client !== null) return this.#client;
    const connecting = (async () => {
      const client = await (await this.ready()).connect();
      client.on('notification', (message) => {
        const threadId = (message.payload ?? '').split(' ')[0] ?? '';
        for (const wake of this.#wakers.get(threadId) ?? []) wake();
      });
      client.on('error', () => {
        // The connection broke: forget it (the next subscriber reconnects); tails keep polling.
        if (this.#client === connecting) this.#client = null;
        client.release(true);
      });
      await client.query(`LISTEN "${this.names.channel}"`);
      return client;
    })();
    this.#client = connecting;
    connecting.catch(() => {
      if (this.#client === connecting) this.#client = null;
    });
    return connecting;
  }
}

/**
 * Yields the thread's lines from `fromOrdinal` on, then each new line as it is committed; ends
 * when `signal` aborts or the thread is deleted. Throws `ThreadNotFoundError` when the thread
 * does not exist at the start. Lines the codec cannot read are passed over.
 * @example
 * for await (const { line } of tailLines(ready, names, listener, threadId, 0, { pollMs: 1000 })) render(line);
 */
export async function* tailLines(
  ready: () => Promise<Pool>,
  names: SchemaNames,
  listener: LineListener,
  threadId: string,
  fromOrdinal: number,
  options: TailOptions & { pollMs: number },
): AsyncGenerator<TailedLine, void, undefined> {
  const { signal, pollMs } = options;
  const aborted = () => signal?.aborted === true;
  let next = Math.max(0, Math.floor(fromOrdinal));
  // Set by a notification; checked after each fetch so one that arrived meanwhile is not missed.
  const pending = { woken: false, wake: () => undefined as void };
  const unsubscribe = await listener.subscribe(threadId, () => {
    pending.woken = true;
    pending.wake();
  });
  let first = true;
  try {
    while (!aborted()) {
      pending.woken = false;
      const rows = await fetchFrom(await ready(), names, threadId, next);
      if (rows === null) {
        if (first) throw new ThreadNotFoundError(threadId);
        return;
      }
      first = false;
      for (const row of rows) {
        next = row.ordinal + 1;
        const parsed = parseRolloutLine(lineText(row).trimEnd());
        if (parsed.ok) yield { ordinal: row.ordinal, line: parsed.line };
      }
      if (rows.length === PAGE || pending.woken) continue;
      if (aborted()) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, pollMs);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          pending.wake = () => undefined;
          resolve();
        }
        pending.wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  } finally {
    unsubscribe();
  }
}

/** A page of rows from `ordinal` on, or `null` when the thread does not exist. */
async function fetchFrom(pool: Pool, names: SchemaNames, threadId: string, ordinal: number): Promise<Array<LineRow & { ordinal: number }> | null> {
  try {
    const { rows } = await pool.query<Partial<LineRow> & { ordinal: number | null }>(
      `SELECT l.ordinal, l.ts, l.kind, l.payload FROM ${names.threads} t
       LEFT JOIN LATERAL (SELECT ordinal, ${LINE_COLUMNS} FROM ${names.lines}
         WHERE thread_id = t.id AND ordinal >= $2 ORDER BY ordinal LIMIT ${PAGE}) l ON true
       WHERE t.id = $1 ORDER BY l.ordinal`,
      [threadId, ordinal],
    );
    if (rows.length === 0) return null;
    return rows.flatMap((row) => (row.ordinal === null || row.ordinal === undefined ? [] : [row as LineRow & { ordinal: number }]));
  } catch (error) {
    throw storeError(error, 'tail', threadId);
  }
}

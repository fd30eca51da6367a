/**
 * The rollout writer of one thread (SPEC §8.3). Invariants:
 * - lazy materialisation: nothing is stored until `persist()`, or a `flush()` with something
 *   buffered; then `session_meta` is the first line and the buffered items follow in order;
 * - after materialisation recorded lines are written promptly, in order, by one queue: the
 *   `record` calls of one event-loop turn are coalesced into one append (a flush, persist or
 *   shutdown writes whatever is still buffered first);
 * - `flush()` resolves only after everything recorded before it is durable;
 * - a failed write keeps the items buffered, warns through `onWarning`, and is retried (once
 *   immediately) by the next `persist()` / `flush()`; nothing recorded is dropped on failure;
 * - appending to a paginated rollout (`nextOrdinal` set), every line gets the next `ordinal`,
 *   assigned when recorded, so the file's numbering stays contiguous in write order.
 * The lead wraps this plain class in an actor; it never throws from `persist`/`flush`.
 */
import { RecorderClosedError, RolloutWriteError, errorMessage } from './errors.js';
import { filterForPersistence, type PersistenceMode } from './policy.js';
import { formatRolloutTimestamp } from './rollout-codec.js';
import { ROLLOUT_TIMESTAMP_PATTERN, type RolloutItem, type RolloutLine, type SessionMeta } from './rollout-schema.js';
import type { ThreadStore } from './store.js';

/**
 * Options of `RolloutRecorder`.
 * @example
 * new RolloutRecorder({ store, meta, mode: 'extended', resumePath: stored.path, onWarning: warn });
 */
export interface RolloutRecorderOptions {
  store: ThreadStore;
  /** The thread's `session_meta` payload; `meta.id` is the thread id. */
  meta: SessionMeta;
  /** Which events are kept (default `limited`). */
  mode?: PersistenceMode;
  /** Set when resuming: the rollout already exists here and new lines are appended to it. */
  resumePath?: string;
  /**
   * Set when resuming a paginated rollout (one whose lines carry `ordinal`s, as Codex ≥ 0.155
   * writes them): the ordinal of the first appended line, i.e. the file's last ordinal + 1.
   */
  nextOrdinal?: number;
  /** Told about write failures ("Failed to save the conversation transcript; …"). */
  onWarning?: (message: string) => void;
  /** Clock for line timestamps (default `new Date()`). */
  now?: () => Date;
}

/**
 * Result of `persist` / `flush` / `shutdown`.
 * @example
 * const outcome = await recorder.flush();
 * if (!outcome.ok) console.warn(outcome.error.code); // 'rollout_write_failed'
 */
export type SaveOutcome = { ok: true } | { ok: false; error: RolloutWriteError };

const OK: SaveOutcome = { ok: true };

/**
 * Records a thread's rollout through a `ThreadStore`.
 * @example
 * const recorder = new RolloutRecorder({ store, meta, onWarning: (m) => console.warn(m) });
 * recorder.record([{ type: 'event_msg', payload: { type: 'task_started', turn_id: 't1' } }]);
 * await recorder.persist(); // the file now exists, session_meta first
 * await recorder.flush();   // and everything above is durable
 */
export class RolloutRecorder {
  readonly threadId: string;
  readonly rolloutPath: string;
  readonly mode: PersistenceMode;
  readonly #store: ThreadStore;
  readonly #meta: SessionMeta;
  readonly #now: () => Date;
  readonly #onWarning: (message: string) => void;
  #pending: RolloutLine[] = [];
  #materialized: boolean;
  #failed = false;
  #closed = false;
  #tail: Promise<unknown> = Promise.resolve();
  #nextOrdinal: number | undefined;
  /** Whether a background write of the buffer is scheduled (one per event-loop turn). */
  #writeScheduled = false;
  #lastStamp = { ms: Number.NaN, text: '' };

  constructor(options: RolloutRecorderOptions) {
    this.#store = options.store;
    this.#meta = options.meta;
    this.threadId = options.meta.id;
    this.mode = options.mode ?? 'limited';
    this.#now = options.now ?? (() => new Date());
    this.#onWarning = options.onWarning ?? (() => undefined);
    this.#materialized = options.resumePath !== undefined;
    this.#nextOrdinal = options.nextOrdinal;
    this.rolloutPath = options.resumePath ?? options.store.pathFor(options.meta);
  }

  /** Whether the rollout exists in the store. */
  get materialized(): boolean {
    return this.#materialized;
  }

  /** Whether the last write failed; its lines stay buffered until a `persist` / `flush` retries them. */
  get failed(): boolean {
    return this.#failed;
  }

  /** Lines recorded but not yet written. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Filters items by the persistence policy, buffers them, and (once materialised) schedules a write. */
  record(items: readonly RolloutItem[]): void {
    if (this.#closed) throw new RecorderClosedError(this.threadId);
    const kept = filterForPersistence(items, this.mode);
    if (kept.length === 0) return;
    const timestamp = this.#timestamp(this.#now());
    for (const item of kept) this.#pending.push(this.#numbered({ timestamp, type: item.type, payload: item.payload } as RolloutLine));
    if (this.#materialized && !this.#failed && !this.#writeScheduled) {
      this.#writeScheduled = true;
      // The events of one burst (a streamed reply, a turn's end) become one append.
      setImmediate(() => {
        this.#writeScheduled = false;
        void this.#enqueue(() => this.#writeInBackground());
      });
    }
  }

  /** Materialises the rollout (if needed) and writes everything buffered. */
  persist(): Promise<SaveOutcome> {
    return this.#enqueue(() => this.#save(false));
  }

  /** Durability barrier; a no-op for a rollout that is not materialised and has nothing buffered. */
  flush(): Promise<SaveOutcome> {
    return this.#enqueue(() => (!this.#materialized && this.#pending.length === 0 ? Promise.resolve(OK) : this.#save(true)));
  }

  /**
   * Drains and stops. A rollout that was never materialised stays absent (its buffer is
   * dropped, as for a session that never got a prompt); later `record` calls throw.
   */
  shutdown(): Promise<SaveOutcome> {
    // A repeated shutdown retries what a failed one left buffered.
    if (this.#closed) return this.#enqueue(() => (this.#materialized && this.#pending.length > 0 ? this.#save(true) : Promise.resolve(OK)));
    this.#closed = true;
    return this.#enqueue(async () => {
      if (!this.#materialized) {
        this.#pending = [];
        return OK;
      }
      const outcome = await this.#save(true);
      // The store may keep the rollout open between appends; a shut-down recorder lets it go.
      if (outcome.ok) await this.#store.closeWriter?.(this.threadId).catch((cause: unknown) => this.#warn(cause));
      return outcome;
    });
  }

  #enqueue<T>(operation: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(operation);
    this.#tail = result.catch(() => undefined);
    return result;
  }

  async #save(sync: boolean): Promise<SaveOutcome> {
    const failure = (await this.#attempt(sync)) ?? null;
    const retryFailure = failure === null ? null : await this.#attempt(sync);
    if (retryFailure === null) {
      this.#failed = false;
      return OK;
    }
    this.#failed = true;
    const error = new RolloutWriteError(this.threadId, retryFailure.cause);
    this.#warn(error.cause);
    return { ok: false, error };
  }

  /** One try at materialise + drain (+ sync); returns the failure instead of throwing. */
  async #attempt(sync: boolean): Promise<{ cause: unknown } | null> {
    try {
      if (!this.#materialized) await this.#materialize();
      await this.#drain();
      if (sync) await this.#store.flush(this.threadId);
      return null;
    } catch (cause) {
      return { cause };
    }
  }

  async #materialize(): Promise<void> {
    const batch = this.#pending.slice();
    await this.#store.create([this.#metaLine(), ...batch]);
    this.#materialized = true;
    this.#pending.splice(0, batch.length);
  }

  /** Writes buffered lines until none are left (items recorded meanwhile included). */
  async #drain(): Promise<void> {
    while (this.#pending.length > 0) {
      const batch = this.#pending.slice();
      await this.#store.append(this.threadId, batch);
      this.#pending.splice(0, batch.length);
    }
  }

  async #writeInBackground(): Promise<void> {
    if (!this.#materialized || this.#failed || this.#pending.length === 0) return;
    try {
      await this.#drain();
    } catch (cause) {
      this.#failed = true;
      this.#warn(cause);
    }
  }

  /** The rollout timestamp of `at`, formatted once per millisecond (a burst of records shares one). */
  #timestamp(at: Date): string {
    const ms = at.getTime();
    if (ms !== this.#lastStamp.ms) this.#lastStamp = { ms, text: formatRolloutTimestamp(at) };
    return this.#lastStamp.text;
  }

  #numbered(line: RolloutLine): RolloutLine {
    if (this.#nextOrdinal === undefined) return line;
    return { ...line, ordinal: this.#nextOrdinal++ };
  }

  #metaLine(): RolloutLine {
    const created = new Date(this.#meta.timestamp);
    const timestamp = ROLLOUT_TIMESTAMP_PATTERN.test(this.#meta.timestamp)
      ? this.#meta.timestamp
      : formatRolloutTimestamp(Number.isNaN(created.getTime()) ? this.#now() : created);
    return { timestamp, type: 'session_meta', payload: this.#meta };
  }

  #warn(cause: unknown): void {
    const message = `Failed to save the conversation transcript; ${this.#pending.length} item(s) are kept and will be retried on the next save (${errorMessage(cause)})`;
    try {
      this.#onWarning(message);
    } catch {
      // A failing listener must not break the writer queue.
    }
  }
}

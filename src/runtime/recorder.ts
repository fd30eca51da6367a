/**
 * The recorder contract the runtime writes the rollout through, and an in-memory recorder
 * for ephemeral threads. Every event that some persistence mode keeps passes through
 * `record` before delivery; the recorder decides (by its own mode) what is kept.
 */
import { shouldPersist, type PersistenceMode, type RolloutItem as StoredRolloutItem } from '../persistence/index.js';

/** One rollout item (a rollout line without its timestamp). */
export type RolloutItem = StoredRolloutItem;

/** Where a thread's rollout goes. */
export interface Recorder {
  /** Precomputed rollout path (null for ephemeral threads). */
  readonly rolloutPath: string | null;
  /** Whether this thread keeps a durable history (rollback needs one). */
  readonly durable: boolean;
  /** Whether the rollout exists in its store yet (lazy materialisation). */
  readonly materialized?: boolean;
  /**
   * Whether `persist()` has work to do: materialising the rollout, or retrying a failed write.
   * When false, a persist point costs nothing (recorded lines are being written already).
   * Left undefined, every persist goes to the recorder.
   */
  readonly needsPersist?: boolean;
  /** Records items (filtered by the persistence policy); writing happens in order. */
  record(items: RolloutItem[]): void;
  /** Materialises the rollout now (explicit persist points: first prompt, rename, ...). */
  persist(): Promise<void>;
  /** Durability barrier: resolves when everything recorded so far is durable. */
  flush(): Promise<void>;
  /** Drains and stops. */
  shutdown(): Promise<void>;
}

/**
 * Keeps the rollout in memory (ephemeral threads, tests), with the same persistence policy
 * as the durable recorder.
 * @example
 * const r = new MemoryRecorder(); r.record([{ type: 'response_item', payload: item }]); r.items.length; // 1
 */
export class MemoryRecorder implements Recorder {
  readonly rolloutPath = null;
  readonly durable = false;
  readonly items: RolloutItem[] = [];
  flushes = 0;
  constructor(private readonly mode: PersistenceMode = 'limited') {}
  record(items: RolloutItem[]): void {
    for (const item of items) if (shouldPersist(item, this.mode)) this.items.push(item);
  }
  async persist(): Promise<void> {}
  async flush(): Promise<void> {
    this.flushes++;
  }
  async shutdown(): Promise<void> {}
}

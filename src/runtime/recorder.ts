/**
 * The recorder contract the runtime writes the rollout through, and an in-memory recorder
 * for ephemeral threads. Every event passes through `record` before delivery; the recorder
 * decides (by its persistence policy) what is kept.
 */

/** One rollout item (a rollout line without its timestamp). */
export type RolloutItem =
  | { type: 'session_meta'; payload: Record<string, unknown> }
  | { type: 'response_item'; payload: unknown }
  | { type: 'compacted'; payload: { message: string; replacement_history?: unknown[] | null } }
  | { type: 'turn_context'; payload: Record<string, unknown> }
  | { type: 'event_msg'; payload: unknown };

/** Where a thread's rollout goes. */
export interface Recorder {
  /** Precomputed rollout path (null for ephemeral threads). */
  readonly rolloutPath: string | null;
  /** Whether this thread keeps a durable history (rollback needs one). */
  readonly durable: boolean;
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
 * Keeps the rollout in memory (ephemeral threads, tests).
 * @example
 * const r = new MemoryRecorder((item) => item.type !== 'event_msg'); r.record([{ type: 'response_item', payload: {} }]);
 */
export class MemoryRecorder implements Recorder {
  readonly rolloutPath = null;
  readonly durable = false;
  readonly items: RolloutItem[] = [];
  flushes = 0;
  constructor(private readonly keep: (item: RolloutItem) => boolean = () => true) {}
  record(items: RolloutItem[]): void {
    for (const item of items) if (this.keep(item)) this.items.push(item);
  }
  async persist(): Promise<void> {}
  async flush(): Promise<void> {
    this.flushes++;
  }
  async shutdown(): Promise<void> {}
}

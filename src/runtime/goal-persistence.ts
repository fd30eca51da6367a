/**
 * The durable copy of a thread's goal: every goal change the goal machine hands to `storeGoal`
 * is written to the thread store (SPEC §7.1), one write at a time, in order.
 *
 * Invariants: writes never overlap and never reorder; a burst of changes collapses to its
 * newest goal (each write is the whole row); the rollout is materialised before the first
 * goal write (the goal lives with a stored thread, as Codex reconciles the rollout into its
 * state DB before the first goal access); a failed write is reported, never thrown into a
 * transition.
 */
import type { ThreadGoal } from '../protocol/index.js';
import type { ThreadStore } from '../persistence/index.js';

/**
 * What goal writes need from the thread.
 * @example
 * const target: GoalPersistenceTarget = { store, threadId, materialize: async () => {} };
 */
export interface GoalPersistenceTarget {
  store: ThreadStore;
  threadId: string;
  /** Materialises the rollout if it is not stored yet. */
  materialize(): Promise<void>;
}

/**
 * Serialised goal writes of one thread.
 * @example
 * const goals = new GoalPersistence({ store, threadId, materialize: () => rt.persistRollout() }, console.warn);
 * goals.write(goal); await goals.settled();
 */
export class GoalPersistence {
  #next: { goal: ThreadGoal | null } | null = null;
  #draining: Promise<void> | null = null;

  /** `target` null: the thread keeps no durable goal (ephemeral, custom recorder). */
  constructor(
    private readonly target: GoalPersistenceTarget | null,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Whether goal changes reach a store. */
  get durable(): boolean {
    return this.target !== null;
  }

  /** Schedules a write of the goal (`null`: remove it). */
  write(goal: ThreadGoal | null): void {
    if (this.target === null) return;
    this.#next = { goal };
    this.#draining ??= this.#drain(this.target);
  }

  /** Resolves once every write scheduled before the call has finished (or failed and been reported). */
  settled(): Promise<void> {
    return this.#draining ?? Promise.resolve();
  }

  /** Like `settled`, but `undefined` (nothing to wait for) when no write is running. */
  pending(): Promise<void> | undefined {
    return this.#draining ?? undefined;
  }

  /** Reads the stored goal of the thread (`null` without a store or a goal). */
  async read(): Promise<ThreadGoal | null> {
    return this.target === null ? null : this.target.store.readGoal(this.target.threadId);
  }

  async #drain(target: GoalPersistenceTarget): Promise<void> {
    try {
      while (this.#next !== null) {
        const { goal } = this.#next;
        this.#next = null;
        try {
          await target.materialize();
          await target.store.writeGoal(target.threadId, goal);
        } catch (error) {
          this.onError(error);
        }
      }
    } finally {
      this.#draining = null;
    }
  }
}

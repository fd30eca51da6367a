/**
 * `thread_rollback` (SPEC §8.5): drop the last n user turns from the model's context.
 * The stored rollout is the source of truth: it is flushed, re-read with a synthetic
 * `thread_rolled_back` appended, and reconstructed, so rollbacks are cumulative and
 * replay the same way on resume. Files changed by those turns are not reverted.
 */
import { withEstimatedTokenUsage } from '../history/index.js';
import type { RolloutItem as StoredItem, ThreadStore } from '../persistence/index.js';
import { loadThreadState } from './persistence-wiring.js';
import type { ThreadRuntime } from './thread-runtime.js';

/** Performs a validated rollback; emits `token_count` then `thread_rolled_back`. */
export async function rollbackThread(rt: ThreadRuntime, store: ThreadStore, id: string, numTurns: number): Promise<void> {
  await rt.persistRollout();
  await rt.flushRollout();
  let items: StoredItem[];
  try {
    items = (await store.read({ threadId: rt.threadId })).items;
  } catch (err) {
    rt.emit(id, { type: 'error', message: `thread rollback failed: ${(err as Error).message}`, codex_error_info: 'thread_rollback_failed' });
    return;
  }
  const marker: StoredItem = { type: 'event_msg', payload: { type: 'thread_rolled_back', num_turns: numTurns } };
  const rebuilt = loadThreadState([...items, marker], 0);
  const history = withEstimatedTokenUsage(
    { items: rebuilt.history.items, tokenInfo: rebuilt.history.tokenInfo, referenceContextItem: rebuilt.history.referenceContextItem },
    rt.session().settings.base_instructions,
    rt.config.contextWindow,
  );
  rt.updateSession({ type: 'HISTORY.ROLLBACK', history, previousModel: rebuilt.lastModel });
  rt.emit(id, { type: 'token_count', info: history.tokenInfo, rate_limits: rt.session().rateLimits });
  rt.emit(id, { type: 'thread_rolled_back', num_turns: numTurns });
  await rt.flushRollout();
}

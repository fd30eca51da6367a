/**
 * Incremental call ↔ output pairing, so building a prompt costs O(new items) of pairing work
 * instead of re-keying the whole history on every request.
 *
 * A `PairIndex` describes one history array: which outputs the prompt drops (orphans and
 * repeats), which calls still wait for an output (they get a synthetic `"aborted"` output),
 * and which items are never sent (ghost snapshots, `other`). It gives the same answer as the
 * full walk in `pairCallsAndOutputs`, and is checked against it by a property test.
 *
 * Ownership: an index belongs to exactly one array (kept in a `WeakMap`). `recordItems` moves
 * the index of the previous array to the new one and extends it with the appended items, so
 * a thread that records then prompts never rebuilds it. Any other new array (rollback,
 * compaction, replace, resume, an older version of the history) has no index and gets a
 * fresh one on its first prompt. History arrays are never changed in place (see `state.ts`),
 * which is what makes keying by identity sound; the stored length guards against misuse.
 */
import type { ResponseItem } from '../protocol/items.js';
import { abortedOutputFor, callKey, outputKey, type PairKey } from './pairs.js';

interface PairIndex {
  /** Number of items of the owning array this index covers. */
  length: number;
  /** Call keys seen so far. */
  calls: Set<PairKey>;
  /** Keys whose output is kept. */
  answered: Set<PairKey>;
  /** Calls with no kept output yet: key → index of the first such call. */
  unanswered: Map<PairKey, number>;
  /** Outputs seen before any call of their key: key → index of the first one. */
  orphans: Map<PairKey, number>;
  /** Indices of outputs the prompt leaves out (orphans and repeats). */
  dropped: Set<number>;
  /** Indices of items never sent (ghost snapshots and `other`). */
  hidden: Set<number>;
}

const owners = new WeakMap<readonly ResponseItem[], PairIndex>();

function emptyIndex(): PairIndex {
  return { length: 0, calls: new Set(), answered: new Set(), unanswered: new Map(), orphans: new Map(), dropped: new Set(), hidden: new Set() };
}

/** Folds `items[index.length..]` into the index. */
function extend(index: PairIndex, items: readonly ResponseItem[]): void {
  for (let i = index.length; i < items.length; i++) {
    const item = items[i] as ResponseItem;
    if (item.type === 'ghost_snapshot' || item.type === 'other') {
      index.hidden.add(i);
      continue;
    }
    const asCall = callKey(item);
    if (asCall !== null) {
      if (index.calls.has(asCall)) continue;
      index.calls.add(asCall);
      const orphan = index.orphans.get(asCall);
      if (orphan === undefined) {
        index.unanswered.set(asCall, i);
      } else {
        // The first output that arrived before its call now has a call: it is kept.
        index.orphans.delete(asCall);
        index.dropped.delete(orphan);
        index.answered.add(asCall);
      }
      continue;
    }
    const asOutput = outputKey(item);
    if (asOutput === null) continue;
    if (index.answered.has(asOutput)) {
      index.dropped.add(i);
    } else if (index.calls.has(asOutput)) {
      index.answered.add(asOutput);
      index.unanswered.delete(asOutput);
    } else {
      index.dropped.add(i);
      if (!index.orphans.has(asOutput)) index.orphans.set(asOutput, i);
    }
  }
  index.length = items.length;
}

function indexOf(items: readonly ResponseItem[]): PairIndex {
  let index = owners.get(items);
  if (index === undefined || index.length > items.length) {
    index = emptyIndex();
    owners.set(items, index);
  }
  if (index.length < items.length) extend(index, items);
  return index;
}

/**
 * Hands the pairing state of `previous` to `next`, which must be `previous` followed by
 * more items; the new items are folded in. `previous` loses its index (it is rebuilt if it is
 * ever prompted again). Does nothing when `previous` has no index yet.
 * @example
 * const next = [...prev, call];
 * carryPairIndex(prev, next); // pairingFor(next) now costs O(1) more than pairingFor(prev)
 */
export function carryPairIndex(previous: readonly ResponseItem[], next: readonly ResponseItem[]): void {
  const index = owners.get(previous);
  if (index === undefined || index.length !== previous.length || next.length < previous.length) return;
  owners.delete(previous);
  owners.set(next, index);
  extend(index, next);
}

/**
 * The prompt-ready items of a history: calls and outputs paired (unanswered calls followed by
 * an `"aborted"` output, orphan and repeated outputs left out), ghost snapshots and `other`
 * items removed. Same result as `pairCallsAndOutputs` followed by that filter.
 * @example
 * pairedForPrompt([{ type: 'function_call', name: 'shell', arguments: '{}', call_id: 'c1' }]);
 * // [call, { type: 'function_call_output', call_id: 'c1', output: 'aborted' }]
 */
export function pairedForPrompt(items: readonly ResponseItem[]): ResponseItem[] {
  const index = indexOf(items);
  if (index.dropped.size === 0 && index.hidden.size === 0 && index.unanswered.size === 0) return items.slice();
  const abortAfter = new Set(index.unanswered.values());
  const result: ResponseItem[] = [];
  for (let i = 0; i < items.length; i++) {
    if (index.dropped.has(i) || index.hidden.has(i)) continue;
    const item = items[i] as ResponseItem;
    result.push(item);
    if (abortAfter.has(i)) {
      const aborted = abortedOutputFor(item);
      if (aborted !== null) result.push(aborted);
    }
  }
  return result;
}

/**
 * Incremental call ↔ output pairing, so building a prompt costs O(new items) of pairing work
 * instead of re-keying the whole history on every request.
 *
 * A `PairIndex` describes one history array: which outputs the prompt drops (orphans and
 * repeats), which calls still wait for an output (they get a synthetic `"aborted"` output),
 * and which items are never sent (ghost snapshots, `other`). It gives the same answer as the
 * full walk in `pairCallsAndOutputs`, and is checked against it by a property test.
 *
 * Ownership: an index belongs to one backing array (kept in a `WeakMap`) and covers its first
 * `length` items. The backing is a history's append-only log (`./append-log.ts`), shared by
 * every state `recordItems` derives from one another, so a thread that records then prompts
 * only folds in the new items; or a plain array given to `forPrompt`. Either way the first
 * `length` items of a backing never change (logs are only appended to, history arrays are
 * never changed in place), which is what makes keying by identity sound. Prompting a shorter
 * prefix than the index covers (an older version of the history) rebuilds it; any other new
 * array (rollback, compaction, replace, resume) gets a fresh index on its first prompt.
 */
import type { ResponseItem } from '../protocol/items.js';
import { asLogPrefix, type LogPrefix } from './append-log.js';
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

/** Folds `items[index.length..length]` into the index. */
function extend(index: PairIndex, items: readonly ResponseItem[], length: number): void {
  for (let i = index.length; i < length; i++) {
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
  index.length = length;
}

function indexOf(items: readonly ResponseItem[], length: number): PairIndex {
  let index = owners.get(items);
  if (index === undefined || index.length > length) {
    index = emptyIndex();
    owners.set(items, index);
  }
  if (index.length < length) extend(index, items, length);
  return index;
}

/**
 * The prompt-ready items of a history (an array, or a log prefix): calls and outputs paired (unanswered calls followed by
 * an `"aborted"` output, orphan and repeated outputs left out), ghost snapshots and `other`
 * items removed. Same result as `pairCallsAndOutputs` followed by that filter.
 * @example
 * pairedForPrompt([{ type: 'function_call', name: 'shell', arguments: '{}', call_id: 'c1' }]);
 * // [call, { type: 'function_call_output', call_id: 'c1', output: 'aborted' }]
 */
export function pairedForPrompt(items: readonly ResponseItem[] | LogPrefix<ResponseItem>): ResponseItem[] {
  const { log: backing, length } = Array.isArray(items) ? asLogPrefix(items as readonly ResponseItem[]) : (items as LogPrefix<ResponseItem>);
  const index = indexOf(backing, length);
  if (index.dropped.size === 0 && index.hidden.size === 0 && index.unanswered.size === 0) return backing.slice(0, length);
  const abortAfter = new Set(index.unanswered.values());
  const result: ResponseItem[] = [];
  for (let i = 0; i < length; i++) {
    if (index.dropped.has(i) || index.hidden.has(i)) continue;
    const item = backing[i] as ResponseItem;
    result.push(item);
    if (abortAfter.has(i)) {
      const aborted = abortedOutputFor(item);
      if (aborted !== null) result.push(aborted);
    }
  }
  return result;
}

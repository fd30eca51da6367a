/**
 * The thread's model-visible history as plain JSON, with immer-based updates.
 * Invariant: `items` holds only API items and ghost snapshots (see `isApiItem`), and tool
 * output recorded through `recordItems` is within its byte budget.
 * States are produced with immer (see `./immer.ts`) and treated as immutable: never change
 * a state or an item in place; the objects passed in become part of the new state.
 */
import { produce } from './immer.js';
import type { ResponseItem } from '../protocol/items.js';
import { appendTokenUsage, type TokenUsage, type TokenUsageInfo } from '../protocol/tokens.js';
import { isApiItem } from './classify.js';
import { carryPairIndex } from './pair-index.js';
import { removeWithPartners } from './pairs.js';
import { DEFAULT_TRUNCATION_BYTES, TRUNCATION_HEADROOM, truncateOutputBody } from './truncate.js';

/**
 * History of one thread: the items, the latest token accounting, and the settings snapshot the
 * last full context injection was made for (`null` means the next turn re-injects everything).
 * @example
 * const state: HistoryState = { items: [], tokenInfo: null, referenceContextItem: null };
 */
export interface HistoryState {
  items: ResponseItem[];
  tokenInfo: TokenUsageInfo | null;
  referenceContextItem: unknown | null;
}

/**
 * Options of `recordItems`.
 * @example
 * recordItems(state, items, { truncationBytes: 4_000 } satisfies RecordOptions);
 */
export interface RecordOptions {
  /** Byte budget per tool output before the 1.2 head-room (default 10 000). */
  truncationBytes?: number;
}

/**
 * A history with no items and no token accounting.
 * @example
 * emptyHistory(); // { items: [], tokenInfo: null, referenceContextItem: null }
 */
export function emptyHistory(): HistoryState {
  return { items: [], tokenInfo: null, referenceContextItem: null };
}

/**
 * Prepares one item for recording: function and custom tool outputs are cut to the budget.
 * @example
 * prepareForRecord({ type: 'function_call_output', call_id: 'c', output: 'x'.repeat(20_000) }, 12_000);
 */
export function prepareForRecord(item: ResponseItem, maxBytes: number): ResponseItem {
  if (item.type !== 'function_call_output' && item.type !== 'custom_tool_call_output') return item;
  const output = truncateOutputBody(item.output, maxBytes);
  return output === item.output ? item : { ...item, output };
}

/**
 * Appends items, keeping only API items and ghost snapshots (system messages and `other`
 * items are dropped) and truncating tool output to `truncationBytes × 1.2`.
 * @example
 * recordItems(emptyHistory(), [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }]).items.length; // 1
 */
export function recordItems(state: HistoryState, items: readonly ResponseItem[], opts: RecordOptions = {}): HistoryState {
  const maxBytes = Math.floor((opts.truncationBytes ?? DEFAULT_TRUNCATION_BYTES) * TRUNCATION_HEADROOM);
  const kept = items.filter(isApiItem).map((item) => prepareForRecord(item, maxBytes));
  if (kept.length === 0) return state;
  // A plain copy-and-append instead of an immer draft: immer's finalize walks every element
  // of a drafted array, which made each append cost grow with the history's length.
  const next = state.items.concat(kept);
  carryPairIndex(state.items, next);
  return { ...state, items: next };
}

/**
 * Replaces all items (after compaction, rollback or resume); token info and the reference
 * context item are kept.
 * @example
 * replaceHistory(state, []).items; // []
 */
export function replaceHistory(state: HistoryState, items: readonly ResponseItem[]): HistoryState {
  return produce(state, (draft) => {
    draft.items = [...items];
  });
}

/**
 * Drops the oldest item and, when it is a call or an output, its partner too. Used to shrink
 * a compaction request that overflowed the context window.
 * @example
 * removeFirstItem(state).items.length; // one or two fewer
 */
export function removeFirstItem(state: HistoryState): HistoryState {
  if (state.items.length === 0) return state;
  const items = removeWithPartners(state.items, [0]);
  return produce(state, (draft) => {
    draft.items = items;
  });
}

/**
 * Drops the newest item and, when it is a call or an output, its partner too.
 * @example
 * removeLastItem(state).items.length; // one or two fewer
 */
export function removeLastItem(state: HistoryState): HistoryState {
  if (state.items.length === 0) return state;
  const items = removeWithPartners(state.items, [state.items.length - 1]);
  return produce(state, (draft) => {
    draft.items = items;
  });
}

/**
 * Folds one response's usage into `tokenInfo` (added to the total, replaces the last).
 * @example
 * updateTokenInfo(emptyHistory(), { ...emptyTokenUsage(), total_tokens: 10 }, 200_000).tokenInfo?.last_token_usage.total_tokens; // 10
 */
export function updateTokenInfo(state: HistoryState, usage: TokenUsage, contextWindow?: number | null): HistoryState {
  const next = appendTokenUsage(state.tokenInfo, usage, contextWindow);
  return produce(state, (draft) => {
    draft.tokenInfo = next;
  });
}

/**
 * Sets `tokenInfo` outright (e.g. `fillToContextWindow` after a context-window error).
 * @example
 * setTokenInfo(state, fillToContextWindow(state.tokenInfo, 128_000));
 */
export function setTokenInfo(state: HistoryState, tokenInfo: TokenUsageInfo | null): HistoryState {
  return produce(state, (draft) => {
    draft.tokenInfo = tokenInfo;
  });
}

/**
 * Records the settings snapshot the current context was injected for (`null` forces a full
 * re-injection on the next turn).
 * @example
 * setReferenceContextItem(state, null).referenceContextItem; // null
 */
export function setReferenceContextItem(state: HistoryState, item: unknown): HistoryState {
  return produce(state, (draft) => {
    draft.referenceContextItem = item ?? null;
  });
}

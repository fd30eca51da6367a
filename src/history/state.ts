/**
 * The thread's model-visible history as plain JSON.
 * Invariant: `items` holds only API items and ghost snapshots (see `isApiItem`), and tool
 * output recorded through `recordItems` is within its byte budget.
 * States are treated as immutable: never change a state or an item in place; the objects
 * passed in become part of the new state.
 *
 * Appends cost O(1) amortized: a state made here keeps its items as a prefix of a shared
 * append-only log (`./append-log.ts`), and `items` is an enumerable getter that builds the
 * plain array on first read and returns that same array afterwards, so an array once read
 * never changes and the state still serialises (JSON, inspector, snapshots) as plain data.
 * Hot readers use `historyLength`, `historyItemAt`, `historyItemsSince` and `forPrompt` on the
 * state, which never build that array. A state written as a literal (`{ items, ... }`) works
 * everywhere; its first append copies its items once.
 */
import type { ResponseItem } from '../protocol/items.js';
import { appendTokenUsage, type TokenUsage, type TokenUsageInfo } from '../protocol/tokens.js';
import { appendToLog, logPrefix, prefixArray, prefixAt, prefixSlice, type LogPrefix } from './append-log.js';
import { isApiItem } from './classify.js';
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
  return historyState(logPrefix<ResponseItem>([]), null, null);
}

/** The log prefix behind each state made here (a literal state has none). */
const prefixes = new WeakMap<HistoryState, LogPrefix<ResponseItem>>();

function historyState(prefix: LogPrefix<ResponseItem>, tokenInfo: TokenUsageInfo | null, referenceContextItem: unknown): HistoryState {
  const state: HistoryState = {
    get items() {
      return prefixArray(prefix);
    },
    tokenInfo,
    referenceContextItem,
  };
  prefixes.set(state, prefix);
  return state;
}

/**
 * The items of `state` as a log prefix (a literal state's array is used as it is).
 * @example
 * historyPrefix(state).length === historyLength(state); // true
 */
export function historyPrefix(state: HistoryState): LogPrefix<ResponseItem> {
  let prefix = prefixes.get(state);
  if (prefix === undefined) {
    prefix = logPrefix(state.items);
    prefixes.set(state, prefix);
  }
  return prefix;
}

/** The same items with other token info or reference context. */
function withFields(state: HistoryState, tokenInfo: TokenUsageInfo | null, referenceContextItem: unknown): HistoryState {
  if (tokenInfo === state.tokenInfo && referenceContextItem === state.referenceContextItem) return state;
  return historyState(historyPrefix(state), tokenInfo, referenceContextItem);
}

/**
 * How many items `state` holds, without building its items array.
 * @example
 * historyLength(recordItems(emptyHistory(), [userMessage])); // 1
 */
export function historyLength(state: HistoryState): number {
  return historyPrefix(state).length;
}

/**
 * Item `index` of `state` (`undefined` out of range), without building its items array.
 * @example
 * historyItemAt(state, historyLength(state) - 1); // the newest item
 */
export function historyItemAt(state: HistoryState, index: number): ResponseItem | undefined {
  return prefixAt(historyPrefix(state), index);
}

/**
 * Items `start..` of `state` as a new array, without building its whole items array.
 * @example
 * const before = historyLength(state);
 * historyItemsSince(recordItems(state, items), before); // the items history kept
 */
export function historyItemsSince(state: HistoryState, start: number): ResponseItem[] {
  return prefixSlice(historyPrefix(state), start);
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
  return historyState(appendToLog(historyPrefix(state), kept), state.tokenInfo, state.referenceContextItem);
}

/**
 * Replaces all items (after compaction, rollback or resume); token info and the reference
 * context item are kept.
 * @example
 * replaceHistory(state, []).items; // []
 */
export function replaceHistory(state: HistoryState, items: readonly ResponseItem[]): HistoryState {
  return historyState(logPrefix([...items]), state.tokenInfo, state.referenceContextItem);
}

/**
 * Drops the oldest item and, when it is a call or an output, its partner too. Used to shrink
 * a compaction request that overflowed the context window.
 * @example
 * removeFirstItem(state).items.length; // one or two fewer
 */
export function removeFirstItem(state: HistoryState): HistoryState {
  if (historyLength(state) === 0) return state;
  const items = removeWithPartners(state.items, [0]);
  return historyState(logPrefix(items), state.tokenInfo, state.referenceContextItem);
}

/**
 * Drops the newest item and, when it is a call or an output, its partner too.
 * @example
 * removeLastItem(state).items.length; // one or two fewer
 */
export function removeLastItem(state: HistoryState): HistoryState {
  const length = historyLength(state);
  if (length === 0) return state;
  const items = removeWithPartners(state.items, [length - 1]);
  return historyState(logPrefix(items), state.tokenInfo, state.referenceContextItem);
}

/**
 * Folds one response's usage into `tokenInfo` (added to the total, replaces the last).
 * @example
 * updateTokenInfo(emptyHistory(), { ...emptyTokenUsage(), total_tokens: 10 }, 200_000).tokenInfo?.last_token_usage.total_tokens; // 10
 */
export function updateTokenInfo(state: HistoryState, usage: TokenUsage, contextWindow?: number | null): HistoryState {
  return withFields(state, appendTokenUsage(state.tokenInfo, usage, contextWindow), state.referenceContextItem);
}

/**
 * Sets `tokenInfo` outright (e.g. `fillToContextWindow` after a context-window error).
 * @example
 * setTokenInfo(state, fillToContextWindow(state.tokenInfo, 128_000));
 */
export function setTokenInfo(state: HistoryState, tokenInfo: TokenUsageInfo | null): HistoryState {
  return withFields(state, tokenInfo, state.referenceContextItem);
}

/**
 * Records the settings snapshot the current context was injected for (`null` forces a full
 * re-injection on the next turn).
 * @example
 * setReferenceContextItem(state, null).referenceContextItem; // null
 */
export function setReferenceContextItem(state: HistoryState, item: unknown): HistoryState {
  return withFields(state, state.tokenInfo, item ?? null);
}

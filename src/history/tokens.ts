/**
 * Token estimates for history (about four bytes per token) and the number compared with the
 * auto-compact limit. Estimates are deliberately cheap: no tokenizer, just serialized size.
 */
import { produce } from './immer.js';
import type { ResponseItem } from '../protocol/items.js';
import { emptyTokenUsage } from '../protocol/tokens.js';
import { isModelGeneratedItem, isUserTurnBoundary } from './classify.js';
import { isSummaryMessage } from './summary.js';
import { historyItemAt, historyItemsSince, historyLength, type HistoryState } from './state.js';
import { utf8Length } from './truncate.js';

/**
 * Bytes assumed for one inline (data URL) image, about 1 844 tokens.
 * @example
 * tokensFromBytes(INLINE_IMAGE_BYTES_ESTIMATE); // 1844
 */
export const INLINE_IMAGE_BYTES_ESTIMATE = 7_373;

/** Fixed overhead subtracted from the decoded size of encrypted reasoning or compaction payloads. */
const ENCRYPTED_OVERHEAD_BYTES = 650;

const INLINE_IMAGE = /^data:image\/[^;,]*;base64,/i;

/**
 * Tokens for a byte count: `ceil(bytes / 4)`, never negative.
 * @example
 * tokensFromBytes(9); // 3
 */
export function tokensFromBytes(bytes: number): number {
  return Math.ceil(Math.max(bytes, 0) / 4);
}

/** Bytes of an encrypted base64 payload once decoded, less the fixed overhead. */
function encryptedPayloadBytes(encrypted: string): number {
  return Math.max(Math.floor((encrypted.length * 3) / 4) - ENCRYPTED_OVERHEAD_BYTES, 0);
}

/** The `image_url`s of inline images in a message or a tool output. */
function inlineImageUrls(item: ResponseItem): string[] {
  let parts: readonly { type: string; image_url?: string }[] = [];
  if (item.type === 'message') parts = item.content;
  else if ((item.type === 'function_call_output' || item.type === 'custom_tool_call_output') && typeof item.output !== 'string')
    parts = item.output;
  const urls: string[] = [];
  for (const part of parts) {
    if (part.type === 'input_image' && part.image_url !== undefined && INLINE_IMAGE.test(part.image_url)) urls.push(part.image_url);
  }
  return urls;
}

/**
 * Estimated tokens of one item: its serialized JSON size / 4, except encrypted reasoning and
 * compaction items (decoded payload size − 650 bytes), ghost snapshots (0), and inline base64
 * images, each counted as 7 373 bytes instead of its length. Images with `detail: original`
 * get the same flat estimate (their pixel size is unknown here).
 * @example
 * estimateItemTokens({ type: 'ghost_snapshot', ghost_commit: {} }); // 0
 */
export function estimateItemTokens(item: ResponseItem): number {
  if (item.type === 'ghost_snapshot') return 0;
  if (item.type === 'compaction') return tokensFromBytes(encryptedPayloadBytes(item.encrypted_content));
  if (item.type === 'reasoning' && item.encrypted_content)
    return tokensFromBytes(encryptedPayloadBytes(item.encrypted_content));
  let bytes = utf8Length(JSON.stringify(item));
  // Base64 is ASCII and JSON leaves it unescaped, so its serialized size is its length.
  for (const url of inlineImageUrls(item)) bytes += INLINE_IMAGE_BYTES_ESTIMATE - url.length;
  return tokensFromBytes(bytes);
}

/**
 * Sum of item estimates.
 * @example
 * estimateItemsTokens([]); // 0
 */
export function estimateItemsTokens(items: Iterable<ResponseItem>): number {
  let total = 0;
  for (const item of items) total += estimateItemTokens(item);
  return total;
}

/**
 * Estimated size of a whole request: base instructions plus every item.
 * @example
 * estimateTokenCount('You are a coding agent.', state.items);
 */
export function estimateTokenCount(baseInstructions: string, items: readonly ResponseItem[]): number {
  return tokensFromBytes(utf8Length(baseInstructions)) + estimateItemsTokens(items);
}

/**
 * Whether the last usage report is known to cover this item: the model produced it, or it is
 * the summary a compaction left behind (its size was estimated into `tokenInfo` then).
 */
function isAccountedAnchor(item: ResponseItem): boolean {
  return isModelGeneratedItem(item) || isSummaryMessage(item);
}

/**
 * Items added after the last item the latest usage report covers. With no such anchor the
 * answer is every item when there is no usage report yet, and none otherwise (the report, or
 * the estimate stored after compaction, already includes them).
 * @example
 * itemsAfterLastAccountedItem(state); // e.g. [function_call_output, user message]
 */
export function itemsAfterLastAccountedItem(state: HistoryState): ResponseItem[] {
  const anchor = findLastIndex(state, isAccountedAnchor);
  if (anchor >= 0) return historyItemsSince(state, anchor + 1);
  return state.tokenInfo === null ? historyItemsSince(state, 0) : [];
}

/** `state.items.findLastIndex(test)` without building the items array. */
function findLastIndex(state: HistoryState, test: (item: ResponseItem) => boolean): number {
  for (let index = historyLength(state) - 1; index >= 0; index--) if (test(historyItemAt(state, index) as ResponseItem)) return index;
  return -1;
}

/**
 * The context size compared with the auto-compact limit:
 * `tokenInfo.last_token_usage.total_tokens` (the newest response's input + output, i.e. the
 * context as the API last measured it; 0 before any response), plus the estimate of items
 * recorded after the last model-generated item (tool outputs, new user input), plus — unless
 * the server said it already counts reasoning — the estimate of encrypted reasoning items before
 * the last user turn boundary. `total_token_usage` is not used: it is a running sum over all
 * responses, not a context size.
 * @example
 * getTotalTokenUsage(state, false) >= autoCompactTokenLimit(undefined, 200_000); // time to compact?
 */
export function getTotalTokenUsage(state: HistoryState, serverReasoningIncluded: boolean): number {
  const lastTotal = state.tokenInfo?.last_token_usage.total_tokens ?? 0;
  const pending = estimateItemsTokens(itemsAfterLastAccountedItem(state));
  if (serverReasoningIncluded) return lastTotal + pending;
  const lastBoundary = findLastIndex(state, isUserTurnBoundary);
  let reasoning = 0;
  for (let index = 0; index < lastBoundary; index++) {
    const item = historyItemAt(state, index);
    if (item?.type === 'reasoning' && item.encrypted_content) reasoning += estimateItemTokens(item);
  }
  return lastTotal + pending + reasoning;
}

/**
 * Replaces the last usage with a local estimate of the whole request (after a compaction or
 * rollback changed the history the API last measured). The running total is kept; the context
 * window is filled in when unknown.
 * @example
 * withEstimatedTokenUsage(compacted, baseInstructions, 200_000).tokenInfo?.last_token_usage.total_tokens;
 */
export function withEstimatedTokenUsage(state: HistoryState, baseInstructions: string, contextWindow?: number | null): HistoryState {
  const estimate = estimateTokenCount(baseInstructions, state.items);
  return produce(state, (draft) => {
    const info = draft.tokenInfo ?? { total_token_usage: emptyTokenUsage(), last_token_usage: emptyTokenUsage(), model_context_window: null };
    info.last_token_usage = { ...emptyTokenUsage(), total_tokens: estimate };
    info.model_context_window ??= contextWindow ?? null;
    draft.tokenInfo = info;
  });
}

/**
 * The auto-compact threshold: the smaller of the configured limit and 90 % of the context
 * window; `Infinity` when neither is known.
 * @example
 * autoCompactTokenLimit(undefined, 200_000); // 180_000
 * autoCompactTokenLimit(100_000, 200_000); // 100_000
 */
export function autoCompactTokenLimit(configLimit?: number | null, contextWindow?: number | null): number {
  const fromWindow = contextWindow == null ? Infinity : Math.floor((contextWindow * 9) / 10);
  return Math.min(configLimit ?? Infinity, fromWindow);
}

/**
 * Rebuilding history after a local compaction: the user's own recent messages (within a token
 * budget) followed by the model's handoff summary.
 * Invariant: the rebuilt history holds no contextual items and no earlier summaries other
 * than the new one, and it ends with the summary message.
 */
import type { ResponseItem } from '../protocol/items.js';
import { isContextualUserMessage, isMessage, isUserTurnBoundary } from './classify.js';
import { userMessageText } from './input.js';
import { isSummaryMessage, SUMMARY_PREFIX } from './summary.js';
import { tokensFromBytes } from './tokens.js';
import { truncateMiddle, utf8Length } from './truncate.js';

/**
 * Default token budget for the user messages kept by a compaction.
 * @example
 * buildCompactedHistory(messages, summary, { maxUserTokens: COMPACT_USER_MESSAGE_MAX_TOKENS / 2 });
 */
export const COMPACT_USER_MESSAGE_MAX_TOKENS = 20_000;

/**
 * Used when the model returned an empty summary.
 * @example
 * buildCompactedHistory([], '').at(-1); // user message `${SUMMARY_PREFIX}\n${EMPTY_SUMMARY_TEXT}`
 */
export const EMPTY_SUMMARY_TEXT = '(the previous context window did not produce a summary)';

/**
 * Options of `buildCompactedHistory`.
 * @example
 * const opts: CompactedHistoryOptions = { maxUserTokens: 5_000 };
 */
export interface CompactedHistoryOptions {
  /** Token budget for kept user messages (default 20 000). */
  maxUserTokens?: number;
}

const userText = (text: string): ResponseItem => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });

/**
 * The text the user typed in each real user message, oldest first: contextual messages,
 * earlier compaction summaries, inter-agent messages and empty texts are left out.
 * @example
 * collectUserMessages(state.items); // ['fix the build', 'now add a test']
 */
export function collectUserMessages(items: readonly ResponseItem[]): string[] {
  const messages: string[] = [];
  for (const item of items) {
    if (!isMessage(item, 'user') || isContextualUserMessage(item) || isSummaryMessage(item)) continue;
    const text = userMessageText(item);
    if (text !== null && text !== '') messages.push(text);
  }
  return messages;
}

/**
 * Picks user messages newest first while they fit in `maxTokens`; the oldest one kept is
 * middle-truncated to what is left. Returned in chronological order.
 * @example
 * selectUserMessages(['old', 'new'], 20_000); // ['old', 'new']
 */
export function selectUserMessages(userMessages: readonly string[], maxTokens: number): string[] {
  const selected: string[] = [];
  let remaining = maxTokens;
  for (let index = userMessages.length - 1; index >= 0 && remaining > 0; index--) {
    const message = userMessages[index] ?? '';
    const tokens = tokensFromBytes(utf8Length(message));
    if (tokens <= remaining) {
      selected.push(message);
      remaining -= tokens;
      continue;
    }
    const truncated = truncateMiddle(message, remaining * 4);
    if (utf8Length(truncated) <= remaining * 4) selected.push(truncated);
    break;
  }
  return selected.reverse();
}

/**
 * The replacement history of a local compaction: kept user messages (see `selectUserMessages`)
 * as `user` messages, then `SUMMARY_PREFIX + "\n" + summary` as a `user` message.
 * @example
 * buildCompactedHistory(['fix the build'], 'Build fixed; tests remain.');
 * // [user 'fix the build', user `${SUMMARY_PREFIX}\nBuild fixed; tests remain.`]
 */
export function buildCompactedHistory(
  userMessages: readonly string[],
  summaryText: string,
  opts: CompactedHistoryOptions = {},
): ResponseItem[] {
  const kept = selectUserMessages(userMessages, opts.maxUserTokens ?? COMPACT_USER_MESSAGE_MAX_TOKENS);
  const summary = summaryText.trim() === '' ? EMPTY_SUMMARY_TEXT : summaryText;
  return [...kept.map(userText), userText(`${SUMMARY_PREFIX}\n${summary}`)];
}

/**
 * Re-inserts the initial context after a mid-turn compaction: just above the last real user
 * message, else above the last summary message or `compaction` item, else at the end.
 * @example
 * insertInitialContextBeforeLastUserMessage(buildCompactedHistory(['go'], 'notes'), buildInitialContext(settings));
 * // [...context, user 'go', summary]
 */
export function insertInitialContextBeforeLastUserMessage(
  items: readonly ResponseItem[],
  context: readonly ResponseItem[],
): ResponseItem[] {
  let at = items.findLastIndex((item) => isMessage(item, 'user') && isUserTurnBoundary(item) && !isSummaryMessage(item));
  if (at < 0) at = items.findLastIndex((item) => isSummaryMessage(item) || item.type === 'compaction');
  if (at < 0) return [...items, ...context];
  return [...items.slice(0, at), ...context, ...items.slice(at)];
}

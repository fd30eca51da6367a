/**
 * User turns in history: counting them, and rolling the last ones back.
 * Invariant of `dropLastNUserTurns`: nothing at or before the first user turn boundary is
 * ever removed, so the initial context survives any rollback.
 */
import { produce } from './immer.js';
import type { ResponseItem } from '../protocol/items.js';
import {
  contentTexts,
  hasNonContextualDeveloperText,
  isContextualDeveloperMessage,
  isContextualUserMessage,
  isInterAgentMessage,
  isMessage,
  isUserTurnBoundary,
} from './classify.js';
import type { HistoryState } from './state.js';

/**
 * Indices of the user turn boundaries, oldest first.
 * @example
 * userTurnBoundaryIndices(items); // e.g. [3, 9]
 */
export function userTurnBoundaryIndices(items: readonly ResponseItem[]): number[] {
  const indices: number[] = [];
  items.forEach((item, index) => {
    if (isUserTurnBoundary(item)) indices.push(index);
  });
  return indices;
}

/**
 * Number of user turns in the items (one per boundary).
 * @example
 * userTurnCount([{ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] }]); // 1
 */
export function userTurnCount(items: readonly ResponseItem[]): number {
  return userTurnBoundaryIndices(items).length;
}

/**
 * Text of the newest assistant message that the model wrote (inter-agent messages are
 * skipped), its `output_text` parts joined; `null` when there is none.
 * @example
 * lastAssistantMessageText([{ type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'done' }] }]); // 'done'
 */
export function lastAssistantMessageText(items: readonly ResponseItem[]): string | null {
  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index];
    if (item === undefined || !isMessage(item, 'assistant') || isInterAgentMessage(item)) continue;
    return contentTexts(item.content).join('');
  }
  return null;
}

/**
 * Removes the last `n` user turns (thread rollback). The cut goes at the n-th boundary from the
 * end, or at the first boundary when `n` reaches the turn count; then settings fragments
 * (contextual developer messages) and contextual user messages directly above the cut are
 * removed too, never crossing the first boundary. When a removed developer message also held
 * ordinary instructions, `referenceContextItem` is cleared so the next turn re-injects the
 * full context. `n ≤ 0`, or history without boundaries, changes nothing.
 * @example
 * dropLastNUserTurns(state, 1); // the newest turn and the context injected for it are gone
 */
export function dropLastNUserTurns(state: HistoryState, n: number): HistoryState {
  if (n <= 0) return state;
  const boundaries = userTurnBoundaryIndices(state.items);
  const first = boundaries[0];
  if (first === undefined) return state;
  let cut = n >= boundaries.length ? first : (boundaries[boundaries.length - n] ?? first);
  let clearReference = false;
  while (cut > first) {
    const above = state.items[cut - 1];
    if (above === undefined) break;
    if (isContextualDeveloperMessage(above)) {
      if (hasNonContextualDeveloperText(above)) clearReference = true;
    } else if (!isContextualUserMessage(above)) {
      break;
    }
    cut--;
  }
  const kept = state.items.slice(0, cut);
  return produce(state, (draft) => {
    draft.items = kept;
    if (clearReference) draft.referenceContextItem = null;
  });
}

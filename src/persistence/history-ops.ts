/**
 * The history operations reconstruction and forking need, as an interface, so persistence
 * does not depend on how the context manager stores its state. `defaultHistoryOps` binds
 * them to `src/history`.
 */
import {
  buildCompactedHistory,
  collectUserMessages,
  dropLastNUserTurns,
  emptyHistory,
  isUserTurnBoundary,
  recordItems,
  replaceHistory,
  type HistoryState,
} from '../history/index.js';
import type { ResponseItem } from '../protocol/items.js';

/**
 * The least a history state must expose: its items.
 * @example
 * const state: HistoryLike = emptyHistory();
 */
export interface HistoryLike {
  readonly items: readonly ResponseItem[];
}

/**
 * Pure operations on a history state `S` (each returns a new state).
 * @example
 * const ops: HistoryOps<HistoryState> = defaultHistoryOps;
 * ops.recordItems(ops.emptyHistory(), [item]).items.length; // 1
 */
export interface HistoryOps<S extends HistoryLike = HistoryLike> {
  emptyHistory(): S;
  recordItems(state: S, items: readonly ResponseItem[]): S;
  replaceHistory(state: S, items: readonly ResponseItem[]): S;
  dropLastNUserTurns(state: S, n: number): S;
  isUserTurnBoundary(item: ResponseItem): boolean;
  buildCompactedHistory(userMessages: readonly string[], summary: string): ResponseItem[];
  collectUserMessages(items: readonly ResponseItem[]): string[];
}

/**
 * `HistoryOps` over `src/history`'s `HistoryState` (default truncation policy).
 * @example
 * reconstructHistoryFromRollout(items, defaultHistoryOps).history;
 */
export const defaultHistoryOps: HistoryOps<HistoryState> = {
  emptyHistory,
  recordItems: (state, items) => recordItems(state, items),
  replaceHistory,
  dropLastNUserTurns,
  isUserTurnBoundary,
  buildCompactedHistory: (userMessages, summary) => buildCompactedHistory(userMessages, summary),
  collectUserMessages,
};

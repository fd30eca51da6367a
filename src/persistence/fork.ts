/**
 * The rollout a forked thread starts from (SPEC §8.4, `fork_thread` snapshots), pure.
 * `truncate_before_nth_user_message` keeps the rollout strictly before the n-th (0-based) user
 * message, counting only messages that survived rollbacks; when there are not that many, it
 * drops an unfinished trailing turn and keeps the rest. `interrupted` keeps everything and,
 * when the source ends mid-turn, closes that turn the way a real interrupt would: the
 * `<turn_aborted>` marker message, then a `turn_aborted` event.
 */
import type { EventMsg } from '../protocol/events.js';
import type { ResponseItem } from '../protocol/items.js';
import type { HistoryOps } from './history-ops.js';
import type { RolloutItem } from './rollout-schema.js';

/**
 * How to cut the source rollout. `markerText` is the full `<turn_aborted>…</turn_aborted>` text.
 * @example
 * const mode: ForkMode = { kind: 'truncate_before_nth_user_message', n: 2 };
 */
export type ForkMode = { kind: 'truncate_before_nth_user_message'; n: number } | { kind: 'interrupted'; markerText: string };

/**
 * The predicate forking needs from the history operations.
 * @example
 * const ops: ForkOps = { isUserTurnBoundary };
 */
export type ForkOps = Pick<HistoryOps, 'isUserTurnBoundary'>;

/**
 * Indices of the user messages that survive rollbacks (each `thread_rolled_back{n}` forgets
 * the last n found so far).
 * @example
 * userMessagePositions(items, defaultHistoryOps); // e.g. [3, 11]
 */
export function userMessagePositions(items: readonly RolloutItem[], ops: ForkOps): number[] {
  const positions: number[] = [];
  items.forEach((item, index) => {
    if (item.type === 'response_item' && item.payload.type === 'message' && item.payload.role === 'user') {
      if (ops.isUserTurnBoundary(item.payload)) positions.push(index);
    } else if (item.type === 'event_msg' && item.payload.type === 'thread_rolled_back') {
      positions.length = Math.max(positions.length - Math.max(item.payload.num_turns, 0), 0);
    }
  });
  return positions;
}

/**
 * The last turn that started and never completed or aborted, or `null` when the rollout does
 * not end mid-turn.
 * @example
 * openTurn(items); // { index: 40, turnId: 'turn-7' }
 */
export function openTurn(items: readonly RolloutItem[]): { index: number; turnId: string } | null {
  const index = items.findLastIndex((item) => item.type === 'event_msg' && item.payload.type === 'task_started');
  const started = items[index];
  if (started?.type !== 'event_msg' || started.payload.type !== 'task_started') return null;
  const turnId = started.payload.turn_id;
  const closed = items.slice(index + 1).some((item) => {
    if (item.type !== 'event_msg') return false;
    const msg = item.payload;
    if (msg.type === 'task_complete') return msg.turn_id === turnId;
    return msg.type === 'turn_aborted' && (msg.turn_id == null || msg.turn_id === turnId);
  });
  return closed ? null : { index, turnId };
}

/**
 * The items a fork of this rollout starts with (before its own `session_meta`).
 * @example
 * forkItems(parent.items, { kind: 'truncate_before_nth_user_message', n: 1 }, defaultHistoryOps);
 * forkItems(parent.items, { kind: 'interrupted', markerText: TURN_ABORTED_MARKER }, defaultHistoryOps);
 */
export function forkItems(items: readonly RolloutItem[], mode: ForkMode, ops: ForkOps): RolloutItem[] {
  const open = openTurn(items);
  if (mode.kind === 'truncate_before_nth_user_message') {
    const cut = userMessagePositions(items, ops)[Math.max(mode.n, 0)];
    if (cut !== undefined) return items.slice(0, cut);
    return open === null ? [...items] : items.slice(0, open.index);
  }
  if (open === null) return [...items];
  const marker: ResponseItem = { type: 'message', role: 'user', content: [{ type: 'input_text', text: mode.markerText }] };
  const aborted: EventMsg = { type: 'turn_aborted', turn_id: open.turnId, reason: 'interrupted' };
  return [...items, { type: 'response_item', payload: marker }, { type: 'event_msg', payload: aborted }];
}

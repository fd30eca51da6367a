/**
 * Rebuilding a thread's state from its rollout (SPEC §8.4), pure.
 *
 * A reverse scan (newest → oldest) splits the rollout into turn segments, each closed at its
 * `task_started`. Pending rollbacks (`thread_rolled_back{n}` adds n) skip the next finalised
 * segments, one unit per user turn; a skipped segment contributes no metadata, and its
 * compactions are undone with it. The newest compaction with `replacement_history` in a
 * surviving segment becomes the base; only the items after it are replayed forward:
 * response items are recorded, a legacy compaction rebuilds history from the kept user
 * messages plus its summary, a rollback drops the last n user turns of what has been
 * rebuilt so far, and a successful `undo_completed` drops the newest ghost snapshot (as the
 * undo did live). Metadata (previous turn settings, reference context) comes from the newest
 * surviving segments.
 */
import type { EventMsg } from '../protocol/events.js';
import type { ResponseItem } from '../protocol/items.js';
import type { TokenUsageInfo } from '../protocol/tokens.js';
import type { HistoryLike, HistoryOps } from './history-ops.js';
import type { RolloutItem, TurnContextItem } from './rollout-schema.js';

/**
 * The settings of the newest surviving user turn.
 * @example
 * if (rebuilt.previousTurnSettings?.model !== currentModel) injectModelSwitchNotice();
 */
export interface PreviousTurnSettings {
  model: string;
  realtimeActive: boolean | null;
}

/**
 * What a resumed or forked thread starts from.
 * @example
 * const { history, tokenInfo, referenceContextItem } = reconstructHistoryFromRollout(items, defaultHistoryOps);
 */
export interface RolloutReconstruction {
  /** Model-visible history. */
  history: ResponseItem[];
  /** `info` of the last `token_count` event that had one. */
  tokenInfo: TokenUsageInfo | null;
  previousTurnSettings: PreviousTurnSettings | null;
  /** The turn context the current history was injected for; `null` forces a full re-injection. */
  referenceContextItem: TurnContextItem | null;
  /** Model of the last `turn_context` (for the "resuming with a different model" warning). */
  lastModel: string | null;
  /** Every persisted event, in order (`SessionConfigured.initial_messages`). */
  initialMessages: EventMsg[];
}

type Reference = { kind: 'never' } | { kind: 'cleared' } | { kind: 'set'; item: TurnContextItem };

interface Segment {
  turnId: string | null;
  countsAsUserTurn: boolean;
  settings: PreviousTurnSettings | null;
  reference: Reference;
  /** Index of the newest compaction with replacement history in this segment. */
  baseIndex: number | null;
  compactionIndices: number[];
}

interface ScanResult {
  baseIndex: number | null;
  undone: Set<number>;
  settings: PreviousTurnSettings | null;
  reference: Reference;
}

const newSegment = (turnId: string | null = null): Segment => ({
  turnId,
  countsAsUserTurn: false,
  settings: null,
  reference: { kind: 'never' },
  baseIndex: null,
  compactionIndices: [],
});

const compatible = (segmentTurnId: string | null, itemTurnId: string | null | undefined): boolean =>
  segmentTurnId === null || itemTurnId == null || segmentTurnId === itemTurnId;

function scanNewestFirst(items: readonly RolloutItem[], isUserTurnBoundary: (item: ResponseItem) => boolean): ScanResult {
  const result: ScanResult = { baseIndex: null, undone: new Set(), settings: null, reference: { kind: 'never' } };
  let pendingRollback = 0;
  let active: Segment | null = null;
  const finalize = (segment: Segment): void => {
    if (pendingRollback > 0) {
      if (segment.countsAsUserTurn) pendingRollback--;
      for (const index of segment.compactionIndices) result.undone.add(index);
      return;
    }
    if (result.baseIndex === null) result.baseIndex = segment.baseIndex;
    if (result.settings === null && segment.countsAsUserTurn) result.settings = segment.settings;
    if (result.reference.kind === 'never' && (segment.countsAsUserTurn || segment.reference.kind === 'cleared')) {
      result.reference = segment.reference;
    }
  };

  for (let index = items.length - 1; index >= 0; index--) {
    const item = items[index];
    if (item === undefined) continue;
    if (item.type === 'compacted') {
      active ??= newSegment();
      if (active.reference.kind === 'never') active.reference = { kind: 'cleared' };
      active.compactionIndices.push(index);
      if (active.baseIndex === null && item.payload.replacement_history != null) active.baseIndex = index;
    } else if (item.type === 'response_item') {
      if (isUserTurnBoundary(item.payload)) {
        active ??= newSegment();
        active.countsAsUserTurn = true;
      }
    } else if (item.type === 'turn_context') {
      const context = item.payload;
      active ??= newSegment();
      active.turnId ??= context.turn_id ?? null;
      if (compatible(active.turnId, context.turn_id)) {
        active.settings ??= { model: context.model, realtimeActive: context.realtime_active ?? null };
        if (active.reference.kind === 'never') active.reference = { kind: 'set', item: context };
      }
    } else if (item.type === 'event_msg') {
      const msg = item.payload;
      if (msg.type === 'thread_rolled_back') {
        pendingRollback += Math.max(msg.num_turns, 0);
      } else if (msg.type === 'task_started') {
        if (active !== null && compatible(active.turnId, msg.turn_id)) {
          finalize(active);
          active = null;
        }
      } else if (msg.type === 'task_complete') {
        active ??= newSegment();
        active.turnId ??= msg.turn_id;
      } else if (msg.type === 'turn_aborted') {
        if (active !== null) active.turnId ??= msg.turn_id ?? null;
        else if (msg.turn_id != null) active = newSegment(msg.turn_id);
      } else if (msg.type === 'user_message') {
        active ??= newSegment();
        active.countsAsUserTurn = true;
      }
    }
  }
  if (active !== null) finalize(active);
  return result;
}

function replayForward<S extends HistoryLike>(items: readonly RolloutItem[], scan: ScanResult, ops: HistoryOps<S>): { state: S; sawLegacy: boolean } {
  let state = ops.emptyHistory();
  let sawLegacy = false;
  let start = 0;
  const base = scan.baseIndex === null ? undefined : items[scan.baseIndex];
  if (base?.type === 'compacted' && base.payload.replacement_history != null && scan.baseIndex !== null) {
    state = ops.replaceHistory(state, base.payload.replacement_history);
    start = scan.baseIndex + 1;
  }
  let batch: ResponseItem[] = [];
  const flushBatch = (): void => {
    if (batch.length > 0) state = ops.recordItems(state, batch);
    batch = [];
  };
  for (let index = start; index < items.length; index++) {
    const item = items[index];
    if (item === undefined || scan.undone.has(index)) continue;
    if (item.type === 'response_item') {
      batch.push(item.payload);
    } else if (item.type === 'compacted') {
      flushBatch();
      const replacement = item.payload.replacement_history;
      if (replacement != null) {
        state = ops.replaceHistory(state, replacement);
      } else {
        sawLegacy = true;
        state = ops.replaceHistory(state, ops.buildCompactedHistory(ops.collectUserMessages(state.items), item.payload.message));
      }
    } else if (item.type === 'event_msg' && item.payload.type === 'thread_rolled_back') {
      flushBatch();
      state = ops.dropLastNUserTurns(state, item.payload.num_turns);
    } else if (item.type === 'event_msg' && item.payload.type === 'undo_completed' && item.payload.success) {
      // A successful undo removed the newest ghost snapshot from history; so does its replay.
      flushBatch();
      const at = state.items.findLastIndex((entry) => entry.type === 'ghost_snapshot');
      if (at >= 0) state = ops.replaceHistory(state, state.items.filter((_, i) => i !== at));
    }
  }
  flushBatch();
  return { state, sawLegacy };
}

/**
 * Rebuilds history and resume metadata from rollout items (as read back from a store).
 * @example
 * const { items } = await store.read({ threadId });
 * const { history, tokenInfo, lastModel } = reconstructHistoryFromRollout(items, defaultHistoryOps);
 */
export function reconstructHistoryFromRollout<S extends HistoryLike>(items: readonly RolloutItem[], ops: HistoryOps<S>): RolloutReconstruction {
  const scan = scanNewestFirst(items, (item) => ops.isUserTurnBoundary(item));
  const { state, sawLegacy } = replayForward(items, scan, ops);
  let tokenInfo: TokenUsageInfo | null = null;
  let lastModel: string | null = null;
  const initialMessages: EventMsg[] = [];
  for (const item of items) {
    if (item.type === 'turn_context') lastModel = item.payload.model;
    if (item.type !== 'event_msg') continue;
    initialMessages.push(item.payload);
    if (item.payload.type === 'token_count' && item.payload.info != null) tokenInfo = item.payload.info;
  }
  return {
    history: [...state.items],
    tokenInfo,
    previousTurnSettings: scan.settings,
    referenceContextItem: scan.reference.kind === 'set' && !sawLegacy ? scan.reference.item : null,
    lastModel,
    initialMessages,
  };
}

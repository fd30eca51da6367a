import { describe, expect, it } from 'vitest';
import { SUMMARY_PREFIX } from '../../src/history/index.js';
import {
  defaultHistoryOps,
  forkItems,
  loadRollout,
  openTurn,
  reconstructHistoryFromRollout,
  userMessagePositions,
} from '../../src/persistence/index.js';
import { assistant, event, readFixture, response, user } from './support/fixtures.js';

const MARKER = '<turn_aborted>\nThe user interrupted the previous turn.\n</turn_aborted>';
const load = async (name: string) => loadRollout(await readFixture(name), name).items;

describe('forkItems', () => {
  it('truncates strictly before the n-th user message: a prefix of the parent', async () => {
    const items = await load('compaction-replacement.jsonl');
    const positions = userMessagePositions(items, defaultHistoryOps);
    expect(positions).toEqual([3, 10, 22]);
    for (const [n, cut] of positions.entries()) {
      expect(forkItems(items, { kind: 'truncate_before_nth_user_message', n }, defaultHistoryOps)).toEqual(items.slice(0, cut));
    }
  });

  it('forked history equals the parent history before that message', async () => {
    const items = await load('legacy-compaction.jsonl');
    const historyBefore = (n: number) =>
      reconstructHistoryFromRollout(forkItems(items, { kind: 'truncate_before_nth_user_message', n }, defaultHistoryOps), defaultHistoryOps).history;
    expect(historyBefore(0)).toEqual([]);
    expect(historyBefore(1)).toEqual([user('alpha'), assistant('did alpha')]);
    expect(historyBefore(2)).toEqual([user('alpha'), user('beta'), user(`${SUMMARY_PREFIX}\nAlpha and beta are done.`)]);
  });

  it('counts only user messages that survived rollbacks', async () => {
    const items = await load('rollback-cumulative.jsonl');
    // one, two, three, [rollback 1], four, [rollback 2] → only "one" survives
    expect(userMessagePositions(items, defaultHistoryOps)).toEqual([3]);
    expect(forkItems(items, { kind: 'truncate_before_nth_user_message', n: 0 }, defaultHistoryOps)).toEqual(items.slice(0, 3));
    expect(forkItems(items, { kind: 'truncate_before_nth_user_message', n: 1 }, defaultHistoryOps)).toEqual(items);
  });

  it('out of range: keeps a finished rollout whole, drops an unfinished trailing turn', async () => {
    const finished = await load('legacy-compaction.jsonl');
    expect(forkItems(finished, { kind: 'truncate_before_nth_user_message', n: 99 }, defaultHistoryOps)).toEqual(finished);
    const midTurn = await load('interrupted-mid-turn.jsonl');
    expect(openTurn(midTurn)).toEqual({ index: 7, turnId: 'turn-2' });
    expect(forkItems(midTurn, { kind: 'truncate_before_nth_user_message', n: 99 }, defaultHistoryOps)).toEqual(midTurn.slice(0, 7));
  });

  it('interrupted: closes a turn left open with the marker, then turn_aborted', async () => {
    const items = await load('interrupted-mid-turn.jsonl');
    const forked = forkItems(items, { kind: 'interrupted', markerText: MARKER }, defaultHistoryOps);
    expect(forked.slice(0, items.length)).toEqual(items);
    expect(forked.slice(items.length)).toEqual([
      response(user(MARKER)),
      event({ type: 'turn_aborted', turn_id: 'turn-2', reason: 'interrupted' }),
    ]);
    expect(openTurn(forked)).toBeNull();
    const history = reconstructHistoryFromRollout(forked, defaultHistoryOps).history;
    expect(history.at(-1)).toEqual(user(MARKER));
  });

  it('interrupted: a rollout that ends between turns is kept as is', async () => {
    const items = await load('compaction-replacement.jsonl');
    expect(openTurn(items)).toBeNull();
    expect(forkItems(items, { kind: 'interrupted', markerText: MARKER }, defaultHistoryOps)).toEqual(items);
  });
});

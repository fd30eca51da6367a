import { describe, expect, it } from 'vitest';
import { SUMMARY_PREFIX } from '../../src/history/index.js';
import { defaultHistoryOps, loadRollout, reconstructHistoryFromRollout, type RolloutItem } from '../../src/persistence/index.js';
import type { ResponseItem } from '../../src/protocol/index.js';
import { assistant, developer, event, readFixture, response, user } from './support/fixtures.js';

const reconstruct = async (name: string) => {
  const { items } = loadRollout(await readFixture(name), name);
  return { items, result: reconstructHistoryFromRollout(items, defaultHistoryOps) };
};

describe('reconstructHistoryFromRollout (fixtures)', () => {
  it('uses the newest replacement history as the base and replays what follows', async () => {
    const { result } = await reconstruct('compaction-replacement.jsonl');
    expect(result.history).toEqual([
      user('Add a CLI flag'),
      user('Document it'),
      user('Summary: CLI flag added and documented.'),
      user('Now add a test'),
      assistant('Added test/cli.test.ts.'),
    ]);
    expect(result.previousTurnSettings).toEqual({ model: 'gpt-5.1-codex', realtimeActive: false });
    expect(result.referenceContextItem).toMatchObject({ turn_id: 'turn-4', model: 'gpt-5.1-codex', approval_policy: 'never' });
    expect(result.lastModel).toBe('gpt-5.1-codex');
    expect(result.tokenInfo).toEqual({
      total_token_usage: { input_tokens: 900, cached_input_tokens: 0, output_tokens: 40, reasoning_output_tokens: 0, total_tokens: 940 },
      last_token_usage: { input_tokens: 300, cached_input_tokens: 0, output_tokens: 10, reasoning_output_tokens: 0, total_tokens: 310 },
      model_context_window: 272000,
    });
  });

  it('clears the reference context when a compaction is the newest surviving segment', async () => {
    const { result } = await reconstruct('all-kinds.jsonl');
    expect(result.history).toEqual([user('Fix the failing test'), user('Summary: the add() off-by-one is fixed; tests pass.')]);
    expect(result.previousTurnSettings).toEqual({ model: 'gpt-5-codex', realtimeActive: false });
    expect(result.referenceContextItem).toBeNull();
    expect(result.tokenInfo?.total_token_usage.total_tokens).toBe(5510);
  });

  it('rebuilds a legacy compaction from the kept user messages and its summary', async () => {
    const { result } = await reconstruct('legacy-compaction.jsonl');
    expect(result.history).toEqual([
      user('alpha'),
      user('beta'),
      user(`${SUMMARY_PREFIX}\nAlpha and beta are done.`),
      user('gamma'),
      assistant('did gamma'),
    ]);
    expect(result.previousTurnSettings?.model).toBe('gpt-5');
    expect(result.referenceContextItem).toBeNull();
  });

  it('applies rollbacks cumulatively and takes metadata from the surviving turns', async () => {
    const { result } = await reconstruct('rollback-cumulative.jsonl');
    expect(result.history).toEqual([user('one'), assistant('one done')]);
    expect(result.previousTurnSettings).toEqual({ model: 'model-a', realtimeActive: null });
    expect(result.referenceContextItem?.turn_id).toBe('turn-1');
    expect(result.lastModel).toBe('model-d');
  });

  it('keeps only pre-first-turn items when a rollback exceeds the number of turns', async () => {
    const { result } = await reconstruct('rollback-overflow.jsonl');
    expect(result.history).toEqual([
      developer('<permissions instructions>\nread-only\n</permissions instructions>'),
      user('<environment_context>\n  <cwd>/work/app</cwd>\n</environment_context>'),
    ]);
    expect(result.previousTurnSettings).toBeNull();
    expect(result.referenceContextItem).toBeNull();
    expect(result.lastModel).toBe('model-b');
  });

  it('returns every persisted event, in order, as initial messages', async () => {
    const { items, result } = await reconstruct('rollback-cumulative.jsonl');
    expect(result.initialMessages).toEqual(items.flatMap((item) => (item.type === 'event_msg' ? [item.payload] : [])));
    expect(result.initialMessages.map((m) => m.type).slice(0, 3)).toEqual(['task_started', 'user_message', 'task_complete']);
  });

  it('handles an empty rollout and a rollout with only a bare turn_context', () => {
    expect(reconstructHistoryFromRollout([], defaultHistoryOps)).toEqual({
      history: [],
      tokenInfo: null,
      previousTurnSettings: null,
      referenceContextItem: null,
      lastModel: null,
      initialMessages: [],
    });
    const bare: RolloutItem = {
      type: 'turn_context',
      payload: { cwd: '/w', approval_policy: 'never', sandbox_policy: { type: 'danger-full-access' }, model: 'm', summary: 'auto' },
    };
    const result = reconstructHistoryFromRollout([bare], defaultHistoryOps);
    expect([result.previousTurnSettings, result.referenceContextItem, result.lastModel]).toEqual([null, null, 'm']);
  });

  it('undoes a compaction that happened inside a rolled-back turn', () => {
    const context = (turn: string, model: string): RolloutItem => ({
      type: 'turn_context',
      payload: { turn_id: turn, cwd: '/w', approval_policy: 'never', sandbox_policy: { type: 'danger-full-access' }, model, summary: 'auto' },
    });
    const items: RolloutItem[] = [
      event({ type: 'task_started', turn_id: 't1', collaboration_mode_kind: 'default' }),
      context('t1', 'm1'),
      response(user('first')),
      response(assistant('first done')),
      event({ type: 'task_complete', turn_id: 't1' }),
      event({ type: 'task_started', turn_id: 't2', collaboration_mode_kind: 'default' }),
      context('t2', 'm2'),
      response(user('second')),
      { type: 'compacted', payload: { message: 's', replacement_history: [user('first'), user('second'), user('summary')] } },
      response(assistant('second done')),
      event({ type: 'task_complete', turn_id: 't2' }),
      event({ type: 'thread_rolled_back', num_turns: 1 }),
    ];
    const result = reconstructHistoryFromRollout(items, defaultHistoryOps);
    expect(result.history).toEqual([user('first'), assistant('first done')]);
    expect(result.previousTurnSettings?.model).toBe('m1');
    expect(result.referenceContextItem?.turn_id).toBe('t1');
  });
});

describe('reconstructHistoryFromRollout (undo)', () => {
  const ghost = (id: string): ResponseItem => ({ type: 'ghost_snapshot', ghost_commit: { id, parent: null, preexisting_untracked_files: [], preexisting_untracked_dirs: [] } });
  it('replays a successful undo as the removal of the newest ghost snapshot; a failed one removes nothing', () => {
    const items: RolloutItem[] = [
      event({ type: 'task_started', turn_id: 't1', collaboration_mode_kind: 'default' }),
      response(user('first')),
      response(ghost('aaaaaaa')),
      response(assistant('first done')),
      event({ type: 'task_complete', turn_id: 't1' }),
      event({ type: 'task_started', turn_id: 't2', collaboration_mode_kind: 'default' }),
      response(user('second')),
      response(ghost('bbbbbbb')),
      response(assistant('second done')),
      event({ type: 'task_complete', turn_id: 't2' }),
      event({ type: 'undo_started', message: 'Undo in progress...' }),
      event({ type: 'undo_completed', success: false, message: 'Failed to restore snapshot bbbbbbb: boom' }),
      event({ type: 'undo_completed', success: true, message: 'Undo restored snapshot bbbbbbb.' }),
    ];
    const result = reconstructHistoryFromRollout(items, defaultHistoryOps);
    expect(result.history).toEqual([user('first'), ghost('aaaaaaa'), assistant('first done'), user('second'), assistant('second done')]);
  });
});

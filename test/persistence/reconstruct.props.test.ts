/**
 * Property: for random sequences of user turns (assistant replies, tool calls, mid-turn
 * compactions), standalone compactions (modern and legacy) and rollbacks, the history rebuilt
 * from the rollout equals the live history.
 *
 * The live model is deliberately simpler than the reconstruction: it applies turns and
 * compactions with the history operations, and a rollback of k turns restores the snapshot
 * taken when the oldest of the last k surviving user turns began (so a compaction made after
 * that turn is undone with it). It is checked after every step, then once more after a round
 * trip through the recorder, the store and the reader.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HistoryState } from '../../src/history/index.js';
import type { TokenUsageInfo } from '../../src/protocol/index.js';
import {
  defaultHistoryOps as ops,
  InMemoryThreadStore,
  reconstructHistoryFromRollout,
  RolloutRecorder,
  type RolloutItem,
  type TurnContextItem,
} from '../../src/persistence/index.js';
import { assistant, event, response, sessionMeta, user } from './support/fixtures.js';

type Command =
  | { kind: 'turn'; reply: 'assistant' | 'tool' | 'both'; midTurnCompaction: boolean; model: string }
  | { kind: 'compact'; legacy: boolean }
  | { kind: 'rollback'; n: number };

interface Snapshot {
  before: HistoryState;
  refBefore: TurnContextItem | null;
  model: string;
}

interface Live {
  state: HistoryState;
  turns: Snapshot[];
  ref: TurnContextItem | null;
  tokenInfo: TokenUsageInfo | null;
  sawLegacy: boolean;
  written: RolloutItem[];
  counter: number;
}

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('turn' as const),
      reply: fc.constantFrom('assistant' as const, 'tool' as const, 'both' as const),
      midTurnCompaction: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      model: fc.constantFrom('m1', 'm2', 'm3'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), legacy: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rollback' as const), n: fc.integer({ min: 1, max: 3 }) }) },
);

const usage = (n: number): TokenUsageInfo => {
  const u = { input_tokens: n, cached_input_tokens: 0, output_tokens: 1, reasoning_output_tokens: 0, total_tokens: n + 1 };
  return { total_token_usage: u, last_token_usage: u, model_context_window: 1000 };
};

function compactionOf(live: Live, summary: string, legacy: boolean): RolloutItem {
  const replacement = ops.buildCompactedHistory(ops.collectUserMessages(live.state.items), summary);
  live.state = ops.replaceHistory(live.state, replacement);
  live.ref = null;
  if (legacy) live.sawLegacy = true;
  return { type: 'compacted', payload: legacy ? { message: summary } : { message: summary, replacement_history: replacement } };
}

function apply(live: Live, command: Command): void {
  const id = ++live.counter;
  const write = (...items: RolloutItem[]) => live.written.push(...items);
  const record = (...items: RolloutItem[]) => {
    write(...items);
    live.state = ops.recordItems(
      live.state,
      items.flatMap((item) => (item.type === 'response_item' ? [item.payload] : [])),
    );
  };
  const turnId = `turn-${id}`;
  if (command.kind === 'rollback') {
    write(event({ type: 'thread_rolled_back', num_turns: command.n }));
    const keep = Math.max(live.turns.length - command.n, 0);
    const oldest = live.turns[keep];
    if (oldest !== undefined) {
      live.state = oldest.before;
      live.ref = oldest.refBefore;
      live.turns.length = keep;
    }
    return;
  }
  if (command.kind === 'compact') {
    // A compaction needs something to compact: skip it when no user turn survives.
    if (live.turns.length === 0) return;
    write(event({ type: 'task_started', turn_id: turnId, collaboration_mode_kind: 'default' }));
    write(compactionOf(live, `summary ${id}`, command.legacy));
    write(event({ type: 'context_compacted' }), event({ type: 'task_complete', turn_id: turnId }));
    return;
  }
  const context: TurnContextItem = {
    turn_id: turnId,
    cwd: '/w',
    approval_policy: 'never',
    sandbox_policy: { type: 'danger-full-access' },
    model: command.model,
    summary: 'auto',
  };
  live.turns.push({ before: live.state, refBefore: live.ref, model: command.model });
  live.ref = context;
  write(event({ type: 'task_started', turn_id: turnId, collaboration_mode_kind: 'default' }), { type: 'turn_context', payload: context });
  record(response(user(`request ${id}`)));
  write(event({ type: 'user_message', message: `request ${id}` }), event({ type: 'agent_message_delta', delta: 'streaming…' }));
  if (command.reply !== 'assistant') {
    record(
      response({ type: 'function_call', name: 'shell', arguments: '{"command":["ls"]}', call_id: `call-${id}` }),
      response({ type: 'function_call_output', call_id: `call-${id}`, output: `listing ${id}` }),
    );
  }
  if (command.midTurnCompaction) write(compactionOf(live, `mid-turn summary ${id}`, false));
  if (command.reply !== 'tool') {
    record(response(assistant(`reply ${id}`)));
    write(event({ type: 'agent_message', message: `reply ${id}` }));
  }
  live.tokenInfo = usage(id);
  write(event({ type: 'token_count', info: live.tokenInfo }), event({ type: 'task_complete', turn_id: turnId }));
}

function expectMatches(live: Live, items: readonly RolloutItem[]): void {
  const rebuilt = reconstructHistoryFromRollout(items, ops);
  expect(rebuilt.history).toEqual(live.state.items);
  expect(rebuilt.previousTurnSettings?.model ?? null).toBe(live.turns.at(-1)?.model ?? null);
  expect(rebuilt.tokenInfo).toEqual(live.tokenInfo);
  if (!live.sawLegacy) expect(rebuilt.referenceContextItem).toEqual(live.ref);
}

const newLive = (): Live => ({ state: ops.emptyHistory(), turns: [], ref: null, tokenInfo: null, sawLegacy: false, written: [], counter: 0 });

describe('reconstruction matches the live history (property)', () => {
  it('after every step of a random session', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { maxLength: 30 }), (commands) => {
        const live = newLive();
        for (const command of commands) {
          apply(live, command);
          expectMatches(live, live.written);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('after a round trip through the recorder, the store and the reader', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(commandArb, { minLength: 1, maxLength: 30 }), async (commands) => {
        const live = newLive();
        for (const command of commands) apply(live, command);
        const store = new InMemoryThreadStore();
        const recorder = new RolloutRecorder({ store, meta: sessionMeta('0193e0b2-7a4c-7000-8000-0000000000p1') });
        recorder.record(live.written);
        expect(await recorder.persist()).toEqual({ ok: true });
        expect(await recorder.flush()).toEqual({ ok: true });
        const { items, skipped } = await store.read('0193e0b2-7a4c-7000-8000-0000000000p1');
        expect(skipped).toEqual([]);
        expect(items[0]?.type).toBe('session_meta');
        expectMatches(live, items);
      }),
      { numRuns: 100 },
    );
  });
});

// Property test: the incremental prompt pairing (index carried along by recordItems) gives
// exactly what the full walk gives, over random histories with rollbacks, removals, replaces
// and prompts of older history versions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResponseItem } from '../../src/protocol/items.js';
import {
  dropLastNUserTurns,
  emptyHistory,
  forPrompt,
  pairCallsAndOutputs,
  recordItems,
  removeFirstItem,
  removeLastItem,
  replaceHistory,
  type HistoryState,
} from '../../src/history/index.js';
import * as f from './fixtures.js';

const callId = fc.constantFrom('c0', 'c1', 'c2', 'c3');
const item: fc.Arbitrary<ResponseItem> = fc.oneof(
  fc.string({ maxLength: 4 }).map((t) => f.user(`ask ${t}`)),
  fc.string({ maxLength: 4 }).map(f.assistant),
  callId.map((id) => f.fnCall(id)),
  callId.map((id) => f.fnOutput(id)),
  callId.map(f.customCall),
  callId.map((id) => f.customOutput(id)),
  callId.map(f.shellCall),
  callId.map(f.searchCall),
  callId.map(f.searchOutput),
  fc.constant(f.ghost()),
  fc.constant(f.other()),
);

type Op =
  | { kind: 'record'; items: ResponseItem[] }
  | { kind: 'prompt' }
  | { kind: 'promptOld'; back: number }
  | { kind: 'recordOld'; back: number; items: ResponseItem[] }
  | { kind: 'rollback'; turns: number }
  | { kind: 'removeFirst' }
  | { kind: 'removeLast' }
  | { kind: 'replace'; keep: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.array(item, { minLength: 1, maxLength: 4 }).map((items) => ({ kind: 'record' as const, items })) },
  { weight: 4, arbitrary: fc.constant({ kind: 'prompt' as const }) },
  { weight: 1, arbitrary: fc.nat(6).map((back) => ({ kind: 'promptOld' as const, back })) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.nat(6), fc.array(item, { minLength: 1, maxLength: 3 })).map(([back, items]) => ({ kind: 'recordOld' as const, back, items })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 }).map((turns) => ({ kind: 'rollback' as const, turns })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'removeFirst' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'removeLast' as const }) },
  { weight: 1, arbitrary: fc.nat(10).map((keep) => ({ kind: 'replace' as const, keep })) },
);

/** The prompt as the full walk computes it (the behaviour before the incremental index). */
function reference(items: readonly ResponseItem[]): ResponseItem[] {
  return pairCallsAndOutputs(items).filter((i) => i.type !== 'ghost_snapshot' && i.type !== 'other');
}

describe('incremental prompt pairing', () => {
  it('equals the full walk over random histories with rollbacks, replaces and appends to older versions', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        let state: HistoryState = emptyHistory();
        const versions: HistoryState[] = [state];
        // Every items array read so far, with a copy of what it held when read.
        const read: Array<[ResponseItem[], ResponseItem[]]> = [];
        const itemsOf = (s: HistoryState) => {
          read.push([s.items, [...s.items]]);
          return s.items;
        };
        for (const o of ops) {
          switch (o.kind) {
            case 'record':
              state = recordItems(state, o.items);
              break;
            case 'recordOld': {
              const base = versions[Math.max(0, versions.length - 1 - o.back)] as HistoryState;
              state = recordItems(base, o.items);
              // The same append to a plain copy of the older version.
              expect(state.items).toEqual(recordItems({ ...base, items: [...base.items] }, o.items).items);
              break;
            }
            case 'prompt':
              // From the state (its items array never built), then from that array.
              expect(forPrompt(state)).toEqual(reference(itemsOf(state)));
              expect(forPrompt(state.items)).toEqual(reference(state.items));
              break;
            case 'promptOld': {
              const old = versions[Math.max(0, versions.length - 1 - o.back)] as HistoryState;
              expect(forPrompt(old)).toEqual(reference(itemsOf(old)));
              expect(forPrompt(old.items)).toEqual(reference(old.items));
              break;
            }
            case 'rollback':
              state = dropLastNUserTurns(state, o.turns);
              break;
            case 'removeFirst':
              state = removeFirstItem(state);
              break;
            case 'removeLast':
              state = removeLastItem(state);
              break;
            case 'replace':
              state = replaceHistory(state, state.items.slice(0, o.keep));
              break;
          }
          versions.push(state);
        }
        expect(forPrompt(state)).toEqual(reference(itemsOf(state)));
        for (const [array, copy] of read) expect(array).toEqual(copy);
      }),
      { numRuns: 300 },
    );
  });

  it('equals the full walk on raw arrays grown one item at a time (ghosts and other items included)', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 40 }), (items) => {
        let grown: ResponseItem[] = [];
        for (const next of items) {
          grown = [...grown, next];
          expect(forPrompt(grown)).toEqual(reference(grown));
        }
        expect(forPrompt(items)).toEqual(reference(items));
      }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { emptyTokenUsage, fillToContextWindow } from '../../src/protocol/tokens.js';
import {
  emptyHistory,
  historyItemAt,
  historyItemsSince,
  historyLength,
  recordItems,
  removeFirstItem,
  removeLastItem,
  replaceHistory,
  setReferenceContextItem,
  setTokenInfo,
  updateTokenInfo,
  utf8Length,
} from '../../src/history/index.js';
import { assistant, customCall, customOutput, fnCall, fnOutput, ghost, other, reasoning, system, user } from './fixtures.js';

describe('recordItems', () => {
  it('keeps API items and ghost snapshots, drops system messages and other items', () => {
    const state = recordItems(emptyHistory(), [system('sys'), user('hi'), other(), ghost(), reasoning(), fnCall('c1'), fnOutput('c1')]);
    expect(state.items.map((i) => i.type)).toEqual(['message', 'ghost_snapshot', 'reasoning', 'function_call', 'function_call_output']);
  });

  it('returns the same state when nothing is kept', () => {
    const state = emptyHistory();
    expect(recordItems(state, [system('x'), other()])).toBe(state);
  });

  it('never changes an items array a caller already read (hosts and snapshots keep them)', () => {
    const s1 = recordItems(emptyHistory(), [user('a')]);
    const read = s1.items;
    const s2 = recordItems(s1, [user('b')]);
    recordItems(s2, [user('c')]);
    expect(read).toHaveLength(1);
    expect(s1.items).toBe(read);
  });

  it('reads lengths and new items without the items array, and serialises as plain data', () => {
    const s1 = recordItems(emptyHistory(), [user('a')]);
    const s2 = recordItems(s1, [user('b'), assistant('c')]);
    expect(historyLength(s2)).toBe(3);
    expect(historyItemAt(s2, 2)).toEqual(assistant('c'));
    expect(historyItemAt(s2, 3)).toBeUndefined();
    expect(historyItemsSince(s2, historyLength(s1))).toEqual([user('b'), assistant('c')]);
    expect(JSON.parse(JSON.stringify(s2))).toEqual({ items: [user('a'), user('b'), assistant('c')], tokenInfo: null, referenceContextItem: null });
    // A literal state (as a snapshot or rollback builds it) is appended to without changing its array.
    const literal = { items: [user('x')], tokenInfo: null, referenceContextItem: null };
    expect(recordItems(literal, [user('y')]).items).toEqual([user('x'), user('y')]);
    expect(literal.items).toEqual([user('x')]);
  });

  it('does not change the input state', () => {
    const before = emptyHistory();
    const after = recordItems(before, [user('hi')]);
    expect(before.items).toEqual([]);
    expect(after.items).toEqual([user('hi')]);
  });

  it('truncates function output to 1.2 × the default 10 000-byte budget, keeping head and tail', () => {
    const long = 'H'.repeat(10_000) + 'M'.repeat(30_000) + 'T'.repeat(10_000);
    const [recorded] = recordItems(emptyHistory(), [fnOutput('c1', long)]).items;
    const output = recorded?.type === 'function_call_output' ? recorded.output : null;
    expect(typeof output).toBe('string');
    const text = output as string;
    expect(utf8Length(text)).toBeLessThanOrEqual(12_000);
    expect(utf8Length(text)).toBeGreaterThan(11_900);
    expect(text.startsWith('HHHH')).toBe(true);
    expect(text.endsWith('TTTT')).toBe(true);
    expect(text).toMatch(/\[… \d+ bytes truncated …\]/);
  });

  it('uses the given truncation budget for custom tool output', () => {
    const [recorded] = recordItems(emptyHistory(), [customOutput('c1', 'x'.repeat(5_000))], { truncationBytes: 1_000 }).items;
    expect(recorded?.type === 'custom_tool_call_output' && utf8Length(recorded.output as string)).toBe(1_200);
  });

  it('leaves short output and other item types untouched', () => {
    const items = [fnOutput('c1', 'short'), assistant('x'.repeat(50_000))];
    expect(recordItems(emptyHistory(), items).items).toEqual(items);
  });
});

describe('replaceHistory', () => {
  it('replaces items and keeps token info and reference context', () => {
    let state = recordItems(emptyHistory(), [user('a')]);
    state = setReferenceContextItem(setTokenInfo(state, fillToContextWindow(null, 100)), { model: 'm' });
    const next = replaceHistory(state, [user('b')]);
    expect(next.items).toEqual([user('b')]);
    expect(next.tokenInfo).toEqual(state.tokenInfo);
    expect(next.referenceContextItem).toEqual({ model: 'm' });
  });
});

describe('removeFirstItem / removeLastItem', () => {
  it('removing a call also removes its output', () => {
    const state = recordItems(emptyHistory(), [fnCall('c1'), user('x'), fnOutput('c1'), assistant('done')]);
    expect(removeFirstItem(state).items).toEqual([user('x'), assistant('done')]);
  });

  it('removing an output also removes its call', () => {
    const state = recordItems(emptyHistory(), [user('x'), customCall('c2'), customOutput('c2')]);
    expect(removeLastItem(state).items).toEqual([user('x')]);
  });

  it('does not pair across kinds', () => {
    const state = recordItems(emptyHistory(), [fnCall('c1'), customOutput('c1')]);
    expect(removeFirstItem(state).items).toEqual([customOutput('c1')]);
  });

  it('is a no-op on empty history', () => {
    const state = emptyHistory();
    expect(removeFirstItem(state)).toBe(state);
    expect(removeLastItem(state)).toBe(state);
  });
});

describe('token info', () => {
  it('updateTokenInfo adds to the total and replaces the last usage', () => {
    const usage = (n: number) => ({ ...emptyTokenUsage(), total_tokens: n });
    const state = updateTokenInfo(updateTokenInfo(emptyHistory(), usage(10), 1_000), usage(25));
    expect(state.tokenInfo?.total_token_usage.total_tokens).toBe(35);
    expect(state.tokenInfo?.last_token_usage.total_tokens).toBe(25);
    expect(state.tokenInfo?.model_context_window).toBe(1_000);
  });
});

import { describe, expect, it } from 'vitest';
import type { ResponseItem } from '../../src/protocol/items.js';
import { emptyTokenUsage } from '../../src/protocol/tokens.js';
import {
  autoCompactTokenLimit,
  buildCompactedHistory,
  emptyHistory,
  estimateItemTokens,
  estimateTokenCount,
  getTotalTokenUsage,
  replaceHistory,
  updateTokenInfo,
  withEstimatedTokenUsage,
  type HistoryState,
} from '../../src/history/index.js';
import { assistant, fnCall, fnOutput, ghost, reasoning, user } from './fixtures.js';

const imageMessage = (url: string): ResponseItem => ({ type: 'message', role: 'user', content: [{ type: 'input_image', image_url: url }] });

describe('estimateItemTokens', () => {
  it('is ceil(serialized bytes / 4)', () => {
    expect(estimateItemTokens(user('hi'))).toBe(20); // 78 bytes
    expect(estimateItemTokens(fnOutput('c1'))).toBe(15); // 60 bytes
  });

  it('counts encrypted reasoning and compaction by decoded size less 650 bytes, never below 0', () => {
    expect(estimateItemTokens(reasoning('A'.repeat(4_000)))).toBe(588); // 3000 − 650 = 2350 bytes
    expect(estimateItemTokens({ type: 'compaction', encrypted_content: 'A'.repeat(4_000) })).toBe(588);
    expect(estimateItemTokens(reasoning('A'.repeat(100)))).toBe(0);
  });

  it('counts ghost snapshots as nothing', () => {
    expect(estimateItemTokens(ghost())).toBe(0);
  });

  it('counts an inline image as 7 373 bytes whatever its size', () => {
    const small = imageMessage(`data:image/png;base64,${'A'.repeat(10)}`);
    const large = imageMessage(`data:image/png;base64,${'A'.repeat(100_000)}`);
    expect(estimateItemTokens(large)).toBe(1_864); // 82 bytes of JSON + 7 373
    expect(estimateItemTokens(small)).toBe(1_864);
    const remote = imageMessage('https://example.com/a.png');
    expect(estimateItemTokens(remote)).toBe(Math.ceil(JSON.stringify(remote).length / 4));
  });

  it('applies the image estimate inside tool output too', () => {
    const output: ResponseItem = {
      type: 'function_call_output',
      call_id: 'c1',
      output: [{ type: 'input_image', image_url: `data:image/jpeg;base64,${'B'.repeat(50_000)}` }],
    };
    expect(estimateItemTokens(output)).toBeLessThan(2_000);
  });
});

describe('estimateTokenCount', () => {
  it('adds base instructions to the items', () => {
    expect(estimateTokenCount('abcdefgh', [user('hi'), ghost()])).toBe(22);
    expect(estimateTokenCount('', [])).toBe(0);
  });
});

describe('getTotalTokenUsage', () => {
  const usage = (total: number) => ({ ...emptyTokenUsage(), total_tokens: total });
  const state = (items: ResponseItem[], lastTotal: number | null): HistoryState => {
    const base = replaceHistory(emptyHistory(), items);
    return lastTotal === null ? base : updateTokenInfo(base, usage(lastTotal));
  };

  it('estimates every item before the first usage report', () => {
    expect(getTotalTokenUsage(state([user('hi'), user('hi')], null), false)).toBe(40);
  });

  it('is the last reported total plus items recorded after the last model-generated item', () => {
    const s = state([user('hi'), fnCall('c1'), fnOutput('c1'), user('hi')], 1_000);
    expect(getTotalTokenUsage(s, true)).toBe(1_000 + 15 + 20);
  });

  it('uses the last usage, not the running total', () => {
    const s = updateTokenInfo(state([user('hi'), assistant('a')], 5_000), usage(700));
    expect(getTotalTokenUsage(s, true)).toBe(700);
  });

  it('adds encrypted reasoning before the last user boundary unless the server includes it', () => {
    const items = [user('hi'), reasoning('A'.repeat(4_000)), assistant('a'), user('hi'), reasoning('A'.repeat(4_000)), assistant('b')];
    expect(getTotalTokenUsage(state(items, 1_000), true)).toBe(1_000);
    expect(getTotalTokenUsage(state(items, 1_000), false)).toBe(1_588);
  });

  it('after a compaction, counts only what follows the summary', () => {
    const compacted = buildCompactedHistory(['hi'], 'notes');
    expect(getTotalTokenUsage(state(compacted, 300), true)).toBe(300);
    expect(getTotalTokenUsage(state([...compacted, user('hi')], 300), true)).toBe(320);
  });

  it('with a usage report but nothing model-generated, trusts the report', () => {
    expect(getTotalTokenUsage(state([user('hi')], 50), true)).toBe(50);
  });
});

describe('withEstimatedTokenUsage', () => {
  it('sets the last usage to the local estimate, keeps the running total and fills the window', () => {
    const start = updateTokenInfo(replaceHistory(emptyHistory(), [user('hi')]), { ...emptyTokenUsage(), total_tokens: 9_000 });
    const next = withEstimatedTokenUsage(start, 'abcdefgh', 128_000);
    expect(next.tokenInfo).toEqual({
      total_token_usage: { ...emptyTokenUsage(), total_tokens: 9_000 },
      last_token_usage: { ...emptyTokenUsage(), total_tokens: 22 },
      model_context_window: 128_000,
    });
    expect(getTotalTokenUsage(next, true)).toBe(22);
  });

  it('creates token info when there was none', () => {
    expect(withEstimatedTokenUsage(emptyHistory(), '').tokenInfo?.last_token_usage.total_tokens).toBe(0);
  });
});

describe('autoCompactTokenLimit', () => {
  it('is the smaller of the configured limit and 90 % of the window', () => {
    expect(autoCompactTokenLimit(undefined, 200_000)).toBe(180_000);
    expect(autoCompactTokenLimit(100_000, 200_000)).toBe(100_000);
    expect(autoCompactTokenLimit(190_000, 200_000)).toBe(180_000);
    expect(autoCompactTokenLimit(5_000, null)).toBe(5_000);
    expect(autoCompactTokenLimit()).toBe(Infinity);
  });
});

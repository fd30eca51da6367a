// Property tests: random histories (calls and outputs drawn from a small id pool so that
// orphans, duplicates and missing outputs are common) checked against the module invariants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ResponseItem } from '../../src/protocol/items.js';
import {
  buildCompactedHistory,
  callKey,
  dropLastNUserTurns,
  emptyHistory,
  estimateItemTokens,
  forPrompt,
  isSummaryMessage,
  outputKey,
  recordItems,
  replaceHistory,
  tokensFromBytes,
  truncateMiddle,
  userTurnCount,
  utf8Length,
} from '../../src/history/index.js';
import * as f from './fixtures.js';

const callId = fc.constantFrom('c0', 'c1', 'c2', 'c3', 'c4');
const image = { type: 'input_image' as const, image_url: 'data:image/png;base64,AAAA' };

const item: fc.Arbitrary<ResponseItem> = fc.oneof(
  fc.string({ maxLength: 8 }).map((t) => f.user(`ask ${t}`)),
  fc.constant(f.envContext()),
  fc.constant(f.user('<turn_aborted>x</turn_aborted>')),
  fc.constant(f.developer('<permissions instructions>p</permissions instructions>')),
  fc.constant(f.developer('<model_switch>m</model_switch>', 'extra instructions')),
  fc.string({ maxLength: 8 }).map(f.assistant),
  fc.string({ maxLength: 8 }).map(f.interAgent),
  fc.constant<ResponseItem>({ type: 'message', role: 'user', content: [{ type: 'input_text', text: 'look' }, image] }),
  callId.map((id) => f.fnCall(id)),
  callId.map((id) => f.fnOutput(id)),
  callId.map(f.customCall),
  callId.map((id) => f.customOutput(id)),
  callId.map(f.shellCall),
  callId.map(f.searchCall),
  callId.map(f.searchOutput),
  fc.constant<ResponseItem>({ type: 'function_call_output', call_id: 'c9', output: [image] }),
  fc.constant(f.reasoning('A'.repeat(2_000))),
  fc.constant(f.ghost()),
  fc.constant(f.other()),
);
const history = fc.array(item, { maxLength: 40 });

describe('forPrompt properties', () => {
  it('pairs every call with exactly one output and leaves no orphans', () => {
    fc.assert(
      fc.property(history, fc.boolean(), (items, imageInput) => {
        const prompt = forPrompt(items, { imageInput });
        const calls = new Set(prompt.map(callKey).filter((k) => k !== null));
        const outputs = prompt.map(outputKey).filter((k) => k !== null);
        expect(new Set(outputs)).toEqual(calls);
        expect(outputs).toHaveLength(calls.size);
        expect(prompt.some((i) => i.type === 'ghost_snapshot' || i.type === 'other')).toBe(false);
      }),
    );
  });

  it('is idempotent and strips every image when image input is off', () => {
    fc.assert(
      fc.property(history, (items) => {
        const once = forPrompt(items, { imageInput: false });
        expect(forPrompt(once, { imageInput: false })).toEqual(once);
        expect(JSON.stringify(once)).not.toContain('input_image');
      }),
    );
  });
});

describe('dropLastNUserTurns properties', () => {
  it('leaves exactly max(count − n, 0) turns, as a prefix of the original', () => {
    fc.assert(
      fc.property(history, fc.nat(12), (items, n) => {
        const state = replaceHistory(emptyHistory(), items);
        const dropped = dropLastNUserTurns(state, n);
        expect(userTurnCount(dropped.items)).toBe(Math.max(userTurnCount(items) - n, 0));
        expect(dropped.items).toEqual(items.slice(0, dropped.items.length));
      }),
    );
  });

  it('with n ≥ count leaves no boundaries', () => {
    fc.assert(
      fc.property(history, fc.nat(5), (items, extra) => {
        const state = replaceHistory(emptyHistory(), items);
        expect(userTurnCount(dropLastNUserTurns(state, userTurnCount(items) + extra).items)).toBe(0);
      }),
    );
  });

  it('is monotone: dropping more turns keeps a prefix of dropping fewer', () => {
    fc.assert(
      fc.property(history, fc.nat(10), fc.nat(10), (items, a, b) => {
        const state = replaceHistory(emptyHistory(), items);
        const fewer = dropLastNUserTurns(state, Math.min(a, b)).items;
        const more = dropLastNUserTurns(state, Math.max(a, b)).items;
        expect(more.length).toBeLessThanOrEqual(fewer.length);
        expect(fewer.slice(0, more.length)).toEqual(more);
      }),
    );
  });
});

describe('truncation and estimate properties', () => {
  it('truncateMiddle keeps text within budget unchanged and otherwise fits the budget', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 40, max: 400 }), (text, max) => {
        const out = truncateMiddle(text, max);
        if (utf8Length(text) <= max) expect(out).toBe(text);
        else expect(utf8Length(out)).toBeLessThanOrEqual(max);
        expect(out.includes('\uFFFD')).toBe(text.includes('\uFFFD'));
      }),
    );
  });

  it('recorded tool output never exceeds 1.2 × the budget', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 3_000 }), fc.integer({ min: 50, max: 2_000 }), (output, budget) => {
        const [recorded] = recordItems(emptyHistory(), [f.fnOutput('c', output)], { truncationBytes: budget }).items;
        expect(utf8Length(recorded?.type === 'function_call_output' ? (recorded.output as string) : '')).toBeLessThanOrEqual(
          Math.floor(budget * 1.2),
        );
      }),
    );
  });

  it('estimates are non-negative whole numbers', () => {
    fc.assert(
      fc.property(item, (i) => {
        const tokens = estimateItemTokens(i);
        expect(Number.isInteger(tokens) && tokens >= 0).toBe(true);
      }),
    );
  });
});

describe('buildCompactedHistory properties', () => {
  it('ends with the summary and keeps user messages within the token budget', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 400 }), { maxLength: 20 }), fc.integer({ min: 20, max: 500 }), (messages, budget) => {
        const rebuilt = buildCompactedHistory(messages, 'notes', { maxUserTokens: budget });
        expect(isSummaryMessage(rebuilt[rebuilt.length - 1]!)).toBe(true);
        const kept = rebuilt.slice(0, -1).map((i) => (i.type === 'message' && i.content[0]?.type === 'input_text' ? i.content[0].text : ''));
        expect(kept.reduce((sum, text) => sum + tokensFromBytes(utf8Length(text)), 0)).toBeLessThanOrEqual(budget);
        // All but the oldest kept message are the newest messages, unchanged and in order.
        expect(kept.slice(1)).toEqual(messages.slice(messages.length - kept.length + 1));
      }),
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffLines } from '../../../src/tools/apply-patch/index.js';

const lineArb = fc.constantFrom('a\n', 'b\n', 'c\n', 'd\n', 'e');
const linesArb = fc.array(lineArb, { maxLength: 30 });

describe('diffLines (property)', () => {
  it('its edit script rebuilds both sides and never keeps a line that differs', () => {
    fc.assert(
      fc.property(linesArb, linesArb, (a, b) => {
        const ops = diffLines(a, b);
        expect(ops.filter((o) => o.op !== '+').map((o) => o.line)).toEqual(a);
        expect(ops.filter((o) => o.op !== '-').map((o) => o.line)).toEqual(b);
      }),
      { numRuns: 300 },
    );
  });

  it('is minimal when one side is a subsequence of the other', () => {
    fc.assert(
      fc.property(linesArb, fc.array(fc.boolean(), { maxLength: 30 }), (a, keep) => {
        const b = a.filter((_, i) => keep[i] ?? true);
        const ops = diffLines(a, b);
        expect(ops.filter((o) => o.op === '+')).toEqual([]);
        expect(ops.filter((o) => o.op === '-')).toHaveLength(a.length - b.length);
      }),
      { numRuns: 200 },
    );
  });

  it('falls back to one replacement when the sides differ too much, still rebuilding both', () => {
    const a = Array.from({ length: 1500 }, (_, i) => `a${i}\n`);
    const b = ['a0\n', ...Array.from({ length: 1500 }, (_, i) => `b${i}\n`), 'a1499\n'];
    const ops = diffLines(a, b);
    expect(ops.filter((o) => o.op !== '+').map((o) => o.line)).toEqual(a);
    expect(ops.filter((o) => o.op !== '-').map((o) => o.line)).toEqual(b);
    expect(ops.filter((o) => o.op === ' ')).toHaveLength(2);
  });
});

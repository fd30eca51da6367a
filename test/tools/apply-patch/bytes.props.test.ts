/**
 * Property: a single-hunk patch changes only the lines it removes or adds. Random files mix
 * LF and CRLF endings, may start with a byte-order mark, may lack a final newline, and hold
 * non-ASCII text (including U+FEFF and U+00A0 inside lines); every line is unique (an `Ln|`
 * prefix) so the hunk's place is known. Every byte before the hunk, after it, and of its
 * context lines must come back unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planPatch } from '../../../src/tools/apply-patch/index.js';
import { joinTextLines, splitTextLines } from '../../../src/tools/apply-patch/text-lines.js';

type Eol = '\n' | '\r\n' | null;
interface Line {
  text: string;
  eol: Eol;
}

const char = fc.constantFrom('a', 'Z', ' ', '\t', 'é', '漢', '😀', '\uFEFF', '\u00a0', '-', '—', '"', '*');
const text = fc.array(char, { maxLength: 6 }).map((cs) => cs.join(''));

const fileArb = fc
  .record({
    bom: fc.boolean(),
    bodies: fc.array(text, { minLength: 1, maxLength: 12 }),
    endings: fc.array(fc.constantFrom<Eol>('\n', '\r\n'), { minLength: 12, maxLength: 12 }),
    finalNewline: fc.boolean(),
  })
  .map(({ bom, bodies, endings, finalNewline }) => {
    const lines: Line[] = bodies.map((body, i) => ({ text: `L${i}|${body}`, eol: endings[i] ?? '\n' }));
    if (!finalNewline) (lines[lines.length - 1] as Line).eol = null;
    return { bom, lines };
  });

const caseArb = fileArb.chain((file) => {
  const n = file.lines.length;
  return fc
    .record({
      start: fc.nat({ max: n - 1 }),
      sizes: fc.tuple(fc.nat({ max: 2 }), fc.nat({ max: 3 }), fc.nat({ max: 2 })),
      added: fc.array(text, { maxLength: 3 }),
    })
    .map(({ start, sizes, added }) => {
      // Clamp the hunk (context before, removed, context after) to the file; at least one old line.
      const room = n - start;
      const before = Math.min(sizes[0], room);
      const removed = Math.min(sizes[1], room - before);
      const after = Math.min(sizes[2], room - before - removed);
      const fix = before + removed + after === 0 ? 1 : 0;
      return { file, start, before: before + fix, removed, after, added: added.map((t, j) => `N${j}|${t}`) };
    });
});

const raw = (l: Line) => l.text + (l.eol ?? '');

function serialize(bom: boolean, lines: readonly Line[], style: '\n' | '\r\n'): string {
  return (bom ? '\uFEFF' : '') + lines.map((l, i) => l.text + (l.eol ?? (i < lines.length - 1 ? style : ''))).join('');
}

describe('apply_patch byte preservation (property)', () => {
  it('splitting a file into lines and joining them gives back every byte', () => {
    const anyText = fc.array(fc.constantFrom('a', ' ', '\n', '\r', '\r\n', '\uFEFF', 'é', '😀'), { maxLength: 30 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(anyText, (t) => {
        expect(joinTextLines(splitTextLines(t))).toBe(t);
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps every byte outside the changed lines', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ file, start, before, removed, after, added }) => {
        const { bom, lines } = file;
        const original = serialize(bom, lines, '\n');
        const ctx1 = lines.slice(start, start + before);
        const gone = lines.slice(start + before, start + before + removed);
        const ctx2 = lines.slice(start + before + removed, start + before + removed + after);
        const prefix = lines.slice(0, start);
        const suffix = lines.slice(start + before + removed + after);
        const patch = [
          '*** Begin Patch',
          '*** Update File: f.txt',
          '@@',
          ...ctx1.map((l) => ` ${l.text}`),
          ...gone.map((l) => `-${l.text}`),
          ...added.map((t) => `+${t}`),
          ...ctx2.map((l) => ` ${l.text}`),
          '*** End Patch',
        ].join('\n');
        const plan = await planPatch(patch, '/ws', async (p) => (p === '/ws/f.txt' ? original : undefined));
        const after_ = plan.writes[0]?.after ?? '';

        // The file's style: CRLF only when every newline is CRLF.
        const newlines = lines.filter((l) => l.eol !== null);
        const style = newlines.length > 0 && newlines.every((l) => l.eol === '\r\n') ? '\r\n' : '\n';
        const finalNewline = lines[lines.length - 1]?.eol !== null;
        const addedLines: Line[] = added.map((t) => ({ text: t, eol: style }));
        if (ctx2.length === 0 && suffix.length === 0 && addedLines.length > 0 && !finalNewline) (addedLines[addedLines.length - 1] as Line).eol = null;
        const expected = serialize(bom, [...prefix, ...ctx1, ...addedLines, ...ctx2, ...suffix], style);

        expect(after_.startsWith((bom ? '\uFEFF' : '') + prefix.map(raw).join(''))).toBe(true);
        expect(after_.endsWith(suffix.map(raw).join(''))).toBe(true);
        expect(after_.startsWith('\uFEFF')).toBe(bom);
        expect(after_).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { truncateMiddle, truncateOutputBody, truncationMarker, utf8Length } from '../../src/history/index.js';

describe('truncateMiddle', () => {
  it('returns text within budget unchanged', () => {
    expect(truncateMiddle('hello', 5)).toBe('hello');
  });

  it('keeps head and tail and reports the removed byte count', () => {
    const text = 'a'.repeat(100) + 'b'.repeat(100);
    const out = truncateMiddle(text, 100);
    // 31-byte marker leaves 69 bytes: 34 from the head, 35 from the tail.
    expect(out).toBe(`${'a'.repeat(34)}\n[… 131 bytes truncated …]\n${'b'.repeat(35)}`);
    expect(utf8Length(out)).toBe(100);
  });

  it('never splits a multi-byte character', () => {
    const out = truncateMiddle('é'.repeat(100) + '😀'.repeat(100), 101);
    expect(out).not.toContain('\uFFFD');
    expect(utf8Length(out)).toBeLessThanOrEqual(101);
    expect(out.startsWith('é')).toBe(true);
    expect(out.endsWith('😀')).toBe(true);
  });

  it('gives just the marker when the budget is smaller than the marker', () => {
    expect(truncateMiddle('x'.repeat(100), 3)).toBe(truncationMarker(100));
  });
});

describe('truncateOutputBody', () => {
  it('lets text parts share the budget, keeps images and notes omitted parts', () => {
    const image = { type: 'input_image' as const, image_url: 'https://x/img.png' };
    const out = truncateOutputBody(
      [
        { type: 'input_text', text: 'a'.repeat(60) },
        image,
        { type: 'input_text', text: 'b'.repeat(200) },
        { type: 'input_text', text: 'c' },
      ],
      100,
    );
    expect(Array.isArray(out)).toBe(true);
    const parts = out as Exclude<typeof out, string>;
    expect(parts[0]).toEqual({ type: 'input_text', text: 'a'.repeat(60) });
    expect(parts[1]).toEqual(image);
    expect(parts[2]?.type === 'input_text' && utf8Length(parts[2].text)).toBe(40);
    expect(parts[3]).toEqual({ type: 'input_text', text: '[… 1 more text part(s) omitted …]' });
    expect(parts).toHaveLength(4);
  });
});

/**
 * apply_patch changes only the lines it was asked to change: untouched lines keep their own
 * line endings (a file is CRLF only when every newline is CRLF), a byte-order mark stays, and
 * context lines keep the file's bytes even when the patch's copy of them differs in whitespace.
 */
import { describe, expect, it } from 'vitest';
import { planPatch } from '../../../src/tools/apply-patch/index.js';

const FILE = '/ws/f.txt';

async function patched(before: string, body: string): Promise<string | undefined> {
  const plan = await planPatch(`*** Begin Patch\n*** Update File: f.txt\n${body}\n*** End Patch`, '/ws', async (p) => (p === FILE ? before : undefined));
  return plan.writes.find((w) => w.path === FILE)?.after;
}

describe('apply_patch keeps the bytes it was not asked to change', () => {
  it('a mixed-ending file keeps each untouched line ending; new lines take LF', async () => {
    expect(await patched('one\ntwo\r\nthree\nfour\nfive\n', '@@\n three\n-four\n+FOUR\n five')).toBe('one\ntwo\r\nthree\nFOUR\nfive\n');
  });

  it('a file whose every newline is CRLF gets CRLF on new lines', async () => {
    expect(await patched('a\r\nb\r\nc\r\n', '@@\n a\n-b\n+B\n+B2\n c')).toBe('a\r\nB\r\nB2\r\nc\r\n');
  });

  it('a context line keeps its own CRLF in a mostly-LF file', async () => {
    expect(await patched('a\nb\r\nc\nd\n', '@@\n b\n-c\n+C')).toBe('a\nb\r\nC\nd\n');
  });

  it('keeps the byte-order mark when the first line changes', async () => {
    expect(await patched('\uFEFFusing System;\nclass A {}\n', '@@\n-using System;\n+using System.IO;\n class A {}')).toBe('\uFEFFusing System.IO;\nclass A {}\n');
  });

  it('keeps the byte-order mark when later lines change', async () => {
    expect(await patched('\uFEFFa\nb\n', '@@\n a\n-b\n+c')).toBe('\uFEFFa\nc\n');
  });

  it('does not read U+FEFF inside a line as whitespace when matching', async () => {
    // "x\uFEFF" is not "x" with trailing whitespace: Codex's matcher (Rust trim) refuses it too.
    await expect(patched('x\uFEFF\ny\n', '@@\n-x\n+z')).rejects.toMatchObject({ code: 'patch_context_not_found' });
  });

  it('keeps a context line as the file has it when the patch copy differs in trailing whitespace', async () => {
    expect(await patched('keep   \nold\n', '@@\n keep\n-old\n+new')).toBe('keep   \nnew\n');
  });

  it('keeps a missing final newline, and the ending of a line that stays last', async () => {
    expect(await patched('a\nb', '@@\n a\n-b\n+B')).toBe('a\nB');
    expect(await patched('a\r\nb\nc', '@@\n a\n-b\n+B\n c')).toBe('a\r\nB\nc');
    expect(await patched('a\nb', '@@\n a\n-b')).toBe('a\n');
  });
});
